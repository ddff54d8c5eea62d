import { childSite, type IssueCollector, type Site } from './issues.js';
import type { LabelSelector } from './model.js';

/** A value's text with object keys sorted, so equal selectors written in any order compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * MetalLB refuses a list that names one thing twice (internal/config: "duplicate definition of
 * ..." for pools, peers, namespaces, selectors and communities of one object); so do we, at the
 * repeated item. `listSite` is where the list is written.
 */
export function refuseDuplicates(items: readonly unknown[], listSite: Site, issues: IssueCollector): void {
  const keys = items.map(canonical);
  keys.forEach((key, i) => {
    const first = keys.indexOf(key);
    if (first < i) issues.error(childSite(listSite, i), `repeats item ${first} of the list`, items[i]);
  });
}

/** A selector list: no selector twice, and no value twice in one match expression. */
export function refuseDuplicateSelectors(
  selectors: readonly LabelSelector[],
  listSite: Site,
  issues: IssueCollector,
): void {
  refuseDuplicates(selectors, listSite, issues);
  selectors.forEach((s, i) => {
    s.matchExpressions.forEach((e, j) => {
      refuseDuplicates(e.values, childSite(listSite, i, 'matchExpressions', j, 'values'), issues);
    });
  });
}
