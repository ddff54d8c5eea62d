/** One step of a path into a YAML document: a mapping key or a sequence index. */
export type PathSegment = string | number;

/**
 * Renders a path the way a user writes it in YAML: `address-pools[0].addresses[1]`,
 * `spec.addresses[0]`. Keys that are not plain identifiers are quoted so the path stays readable.
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** The value at `path` inside a parsed YAML value, or undefined when it is not there. */
export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathSegment, unknown>)[seg];
  }
  return cur;
}
