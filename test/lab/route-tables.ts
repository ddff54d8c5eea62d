import type { FrrRouter } from './frr.js';
import { run, type Lab } from './netns.js';

/** prefix -> sorted next hops, as a plan, FRR's RIB or the kernel FIB have it. */
export type RouteTable = Record<string, string[]>;

/** Whether two tables hold the same prefixes with the same next hops, in whatever order they were read. */
export function sameRoutes(a: RouteTable, b: RouteTable): boolean {
  const text = (t: RouteTable) => JSON.stringify(Object.entries(t).sort(([x], [y]) => x.localeCompare(y)));
  return text(a) === text(b);
}

interface FrrRoute {
  selected?: boolean;
  installed?: boolean;
  nexthops: Array<{ ip?: string; fib?: boolean; active?: boolean }>;
}

/** FRR's RIB: the selected, installed BGP route of each prefix and its FIB next hops. */
export async function frrTable(frr: FrrRouter): Promise<RouteTable> {
  const json = await frr.vtyshJson<Record<string, FrrRoute[]>>('show ip route bgp json');
  const table: RouteTable = {};
  for (const [prefix, entries] of Object.entries(json)) {
    const best = entries.find((e) => e.selected && e.installed);
    if (best)
      table[prefix] = best.nexthops
        .filter((n) => n.fib && n.ip)
        .map((n) => n.ip!)
        .sort();
  }
  return table;
}

interface KernelRoute {
  /** Present for routes other than unicast (`blackhole`, ...). */
  type?: string;
  dst: string;
  gateway?: string;
  nexthops?: Array<{ gateway: string }>;
}

/**
 * The router namespace's kernel FIB, BGP routes only (`ip -n <ns> route show proto bgp`). Quagga's
 * zebra installs every route it selects as `proto zebra` (seen with Quagga 1.2.4), FRR as `bgp`,
 * BIRD's kernel protocol as `bird` (BIRD 2.0.12 and 2.17.6, test/lab/bird.ts);
 * a route without next hops (a static route to Null0 is a `blackhole`) forwards nowhere: left out.
 */
export async function kernelTable(lab: Lab, proto: 'bgp' | 'zebra' | 'bird' = 'bgp'): Promise<RouteTable> {
  const out = (await run('ip', ['-j', '-n', lab.routerNs, 'route', 'show', 'proto', proto])).stdout;
  const table: RouteTable = {};
  for (const r of JSON.parse(out || '[]') as KernelRoute[]) {
    if (r.type !== undefined && r.type !== 'unicast') continue;
    const prefix = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    table[prefix] = (r.nexthops?.map((n) => n.gateway) ?? [r.gateway!]).sort();
  }
  return table;
}
