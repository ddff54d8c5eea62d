import type { Plan } from '../../src/sync/plan-types.js';
import { addressTexts } from '../../src/ip/address.js';

/** One row of an allocation table: `ip@pool` per address, or the failure reason. */
export type AllocationRow = string[] | `failed: ${string}`;

/** The plan's allocations as `name -> row`, the shape every expected table in test/parity uses. */
export function allocationTable(plan: Plan): Record<string, AllocationRow> {
  const table: Record<string, AllocationRow> = {};
  for (const a of plan.allocations) {
    table[a.service] = a.failure
      ? `failed: ${a.failure.reason}`
      : a.ips.map((ip, i) => `${ip}@${a.pools[i]}`);
  }
  return table;
}

/** Next hops per announced prefix, over every peer (`peer prefix -> hops`). */
export function routeTable(plan: Plan): Record<string, string[]> {
  const table: Record<string, string[]> = {};
  for (const p of plan.peers)
    for (const r of p.routes) table[`${p.peer} ${r.prefix}`] = addressTexts(r.nextHops);
  return table;
}
