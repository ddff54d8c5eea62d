import type { FrrRouter } from './frr.js';
import { run, type Lab } from './netns.js';

/** prefix -> sorted next hops, as a plan, FRR's RIB or the kernel FIB have it. */
export type RouteTable = Record<string, string[]>;

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
  dst: string;
  gateway?: string;
  nexthops?: Array<{ gateway: string }>;
}

/** The router namespace's kernel FIB, BGP routes only (`ip -n <ns> route show proto bgp`). */
export async function kernelTable(lab: Lab): Promise<RouteTable> {
  const out = (await run('ip', ['-j', '-n', lab.routerNs, 'route', 'show', 'proto', 'bgp'])).stdout;
  const table: RouteTable = {};
  for (const r of JSON.parse(out || '[]') as KernelRoute[]) {
    const prefix = r.dst.includes('/') ? r.dst : `${r.dst}/32`;
    table[prefix] = (r.nexthops?.map((n) => n.gateway) ?? [r.gateway!]).sort();
  }
  return table;
}
