import { basename } from 'node:path';
import { checkAddress, checkAsn, checkDescription, checkIntInRange } from '../config-values.js';
import { RouterConfigValueError } from '../errors.js';
import { poolMatches } from '../import-filter.js';
import type { NeighborPolicy } from '../neighbor-plan.js';

/**
 * The first line of the include file we own. Its marker is how we know the file is ours: a file
 * at that path without it is the user's and is never overwritten.
 */
export function birdFileHeader(marker: string): string {
  return `# managed by cluster-router-sync (neighborDescription ${marker}): rewritten by \`neighbors --apply\`; change its config, not this file`;
}

/** A BIRD protocol name for our session with `address`: `<marker>_192_168_201_2`. */
export function birdProtocolName(marker: string, address: string): string {
  return `${marker}_${address}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A BIRD string literal; only characters that need no escape are admitted (no `"`, `\`, newline). */
function birdString(field: string, value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value) || /["\\]/.test(value))
    throw new RouterConfigValueError(
      field,
      '<redacted>',
      'may only hold printable ASCII without " or \\ in a BIRD config',
    );
  return `"${value}"`;
}

/**
 * `192.168.197.0/24 ge 32` (the prefix-list match import-filter.ts makes) as a BIRD prefix-set
 * item: `192.168.197.0/24{32,32}`; `ge L le L` as `{L,L}`; a bare prefix as itself.
 */
function prefixSetItem(match: string, hostLength: number): string {
  const m = /^(\S+)(?: ge (\d+))?(?: le (\d+))?$/.exec(match) as RegExpExecArray;
  if (m[2] === undefined) return m[1] as string;
  return `${m[1] as string}{${m[2]},${m[3] ?? String(hostLength)}}`;
}

/**
 * The include file for our neighbors: one `protocol bgp` per address of our speaker, named and
 * described with the marker, in the router's AS, taking several paths per prefix (`add paths rx`,
 * RFC 7911) and, with pools, only what our pools announce (the BIRD form of import-filter.ts's
 * route-map); nothing is exported to our speaker. Deterministic: the same policy gives the same
 * bytes, so an unchanged file means nothing to do.
 */
export function renderBirdNeighborFile(policy: NeighborPolicy): string {
  const marker = checkDescription('neighborDescription', policy.descriptionMarker);
  const routerAs = checkAsn('routerAs', policy.routerAs);
  const matches = policy.importPools === undefined ? undefined : poolMatches(policy.importPools);
  const lines = [birdFileHeader(marker)];
  for (const [i, n] of policy.neighbors.entries()) {
    const address = checkAddress(`neighbors[${i}].address`, n.address);
    const family = address.includes(':') ? 6 : 4;
    const channel = family === 4 ? 'ipv4' : 'ipv6';
    const set = matches?.[family].map((m) => prefixSetItem(m, family === 4 ? 32 : 128));
    const importRule =
      set === undefined
        ? 'import all;'
        : set.length === 0
          ? 'import none;'
          : `import where net ~ [ ${set.join(', ')} ];`;
    lines.push(
      '',
      `protocol bgp ${birdProtocolName(marker, address)} {`,
      `  description "${marker}";`,
      `  local as ${routerAs};`,
      `  neighbor ${address} as ${checkAsn(`neighbors[${i}].remoteAs`, n.remoteAs)};`,
      ...(n.ebgpMultihop === undefined
        ? []
        : [`  multihop ${checkIntInRange(`neighbors[${i}].ebgpMultihop`, n.ebgpMultihop, 1, 255)};`]),
      ...(n.password === undefined
        ? []
        : [`  password ${birdString(`neighbors[${i}].password`, n.password)};`]),
      `  ${channel} {`,
      `    ${importRule}`,
      '    export none;',
      '    add paths rx;',
      '  };',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The file with every password replaced by `<redacted>`: what a plan, a log or an error shows. */
export function redactBirdFile(text: string): string {
  return text.replace(/^(\s*password )"[^"\n]*";$/gm, '$1"<redacted>";');
}

/** The `include` line that makes the main config read our file (relative: BIRD resolves it beside the main file). */
export function birdIncludeLine(includeFile: string): string {
  return `include "${basename(includeFile)}";`;
}

/** Whether the main config already has our include line (a line of its own, maybe indented). */
export function hasBirdInclude(mainConfig: string, includeFile: string): boolean {
  const want = birdIncludeLine(includeFile);
  return mainConfig.split('\n').some((l) => l.trim() === want);
}
