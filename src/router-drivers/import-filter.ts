import { parseAddressRange } from '../config/addresses.js';
import { formatPrefix, maskToPrefix, rangeToPrefixes } from '../ip/prefix.js';
import { checkIntInRange } from './config-values.js';
import { RouterConfigValueError } from './errors.js';
import type { PlanContext, PlanStep } from './plan-step.js';
import type { RunningBgpConfig, RunningConfig } from './records.js';

/** Names of the import filter objects: derived from the description marker, so they are ours. */
export function importFilterName(marker: string): string {
  return `${marker}-in`;
}

interface FilterSteps {
  add(context: PlanContext, command: string, block?: string, newBlock?: true): void;
  undo(op: PlanStep['op'], context: PlanContext, command: string, block?: string): void;
}

const HOST_LENGTH = { 4: 32, 6: 128 } as const;
const AF = { 4: 'ipv4-unicast', 6: 'ipv6-unicast' } as const satisfies Record<4 | 6, PlanContext>;
const IP = { 4: 'ip', 6: 'ipv6' } as const;
/** One route-map entry per family: `match ipv6 ...` never matches an IPv4 route and vice versa. */
const ROUTE_MAP_SEQ = { 4: 10, 6: 20 } as const;

/**
 * A block of our addresses and the length of the prefixes we announce from it: host routes
 * (the default), or MetalLB's `aggregationLength` when an advertisement aggregates.
 */
export interface ImportPool {
  /** CIDR or `first-last`, as in a pool. */
  addresses: string;
  prefixLength?: number;
}

/**
 * The pools as prefix-list matches that permit exactly the prefixes we announce from them: every
 * host route inside (`<cidr> ge 32`), or every /L inside when we aggregate to L (`ge L le L`), or
 * the one covering /L when L is shorter than the block.
 */
export function poolMatches(pools: readonly ImportPool[]): Record<4 | 6, string[]> {
  const out: Record<4 | 6, string[]> = { 4: [], 6: [] };
  pools.forEach((pool, i) => {
    const parsed = parseAddressRange(pool.addresses);
    if (!parsed.ok)
      throw new RouterConfigValueError(`importPools[${i}].addresses`, pool.addresses, parsed.reason);
    const family = parsed.range.family;
    const host = HOST_LENGTH[family];
    const length =
      pool.prefixLength === undefined
        ? host
        : checkIntInRange(`importPools[${i}].prefixLength`, pool.prefixLength, 0, host);
    for (const c of rangeToPrefixes(family, parsed.range.first, parsed.range.last)) {
      let match: string;
      if (length <= c.length) {
        match = formatPrefix({ family, network: maskToPrefix(family, c.network, length), length });
      } else {
        match = `${formatPrefix(c)} ge ${length}${length < host ? ` le ${length}` : ''}`;
      }
      if (!out[family].includes(match)) out[family].push(match);
    }
  });
  return out;
}

/**
 * Plans the router-side import filter for our neighbors: a prefix-list per family permitting
 * only host routes inside our pools, a route-map `<marker>-in` matching them (anything else falls
 * to the route-map's implicit deny), and `neighbor X route-map <marker>-in in` in each address
 * family that has pools. An inbound route-map on an eBGP neighbor is also what FRR's default
 * `bgp ebgp-requires-policy` asks for. Only objects with our marker's name are touched.
 */
export function planImportFilter(
  running: RunningConfig,
  bgp: RunningBgpConfig | undefined,
  marker: string,
  neighbors: readonly string[],
  pools: readonly ImportPool[],
  steps: FilterSteps,
): void {
  const name = importFilterName(marker);
  const matches = poolMatches(pools);
  for (const family of [4, 6] as const) {
    const want = matches[family].map((match, i) => ({ seq: (i + 1) * 5, match }));
    if (want.length === 0) continue;
    const have = running.prefixLists.filter((p) => p.name === name && p.family === family);
    const line = (seq: number | undefined, action: string, match: string) =>
      `${IP[family]} prefix-list ${name}${seq === undefined ? '' : ` seq ${seq}`} ${action} ${match}`;
    for (const w of want) {
      const old = have.find((h) => h.seq === w.seq);
      if (old && old.action === 'permit' && old.match === w.match) continue;
      steps.add('global', line(w.seq, 'permit', w.match));
      steps.undo(
        'add',
        'global',
        old ? line(old.seq, old.action, old.match) : `no ${line(w.seq, 'permit', w.match)}`,
      );
    }
    for (const h of have.filter((x) => !want.some((w) => w.seq === x.seq))) {
      steps.add('global', `no ${line(h.seq, h.action, h.match)}`);
      steps.undo('add', 'global', line(h.seq, h.action, h.match));
    }

    const seq = ROUTE_MAP_SEQ[family];
    const header = `route-map ${name} permit ${seq}`;
    const matchLine = `match ${IP[family]} address prefix-list ${name}`;
    const entry = running.routeMaps.find((r) => r.name === name && r.seq === seq);
    if (!entry || entry.action !== 'permit' || entry.lines.join('\n') !== matchLine) {
      if (entry) {
        const oldHeader = `route-map ${name} ${entry.action} ${seq}`;
        steps.add('global', `no ${oldHeader}`);
        for (const l of entry.lines) steps.undo('add', 'route-map', l, oldHeader);
      }
      steps.add('route-map', matchLine, header, true);
      steps.undo('remove', 'global', `no ${header}`);
    }

    const af = bgp?.addressFamilies.find((a) => a.name === `ipv${family} unicast`);
    for (const n of neighbors) {
      const current = af?.neighbors.find((x) => x.name === n)?.routeMapIn;
      if (current === name) continue;
      steps.add(AF[family], `neighbor ${n} route-map ${name} in`);
      // A new neighbor's rollback (`no neighbor X`) takes its route-map with it; vtysh would
      // refuse a route-map line for a neighbor that no longer exists.
      if (!bgp?.neighbors.some((x) => x.name === n)) continue;
      steps.undo(
        'add',
        AF[family],
        current === undefined
          ? `no neighbor ${n} route-map ${name} in`
          : `neighbor ${n} route-map ${current} in`,
      );
    }
  }
}
