import type { ServiceAllocation } from '../plan-types.js';
import type { AllocationChanges } from './ports.js';

export function allocationKey(a: ServiceAllocation): string {
  return JSON.stringify([a.ips, a.pools, a.failure?.reason ?? null, a.failure?.message ?? null]);
}

/** What to write so the written state (service -> allocationKey) matches `next`. */
export function allocationChanges(
  written: ReadonlyMap<string, string>,
  next: readonly ServiceAllocation[],
): AllocationChanges {
  const changed: ServiceAllocation[] = [];
  const seen = new Set<string>();
  for (const a of next) {
    seen.add(a.service);
    if (written.get(a.service) !== allocationKey(a)) changed.push(a);
  }
  const released = [...written.keys()].filter((s) => !seen.has(s)).sort();
  return { changed, released };
}
