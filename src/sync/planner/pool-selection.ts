import type { AddressPool } from '../../config/model.js';
import type { ServiceInfo } from '../cluster.js';
import { anySelectorMatches } from '../../config/label-selector.js';

export type NamespaceLabels = ReadonlyMap<string, Record<string, string>>;

/**
 * A pool is pinned when it has a serviceAllocation at all: MetalLB (internal/config
 * addressPoolServiceAllocationsFromCR) gives one with only a priority a select-everything service
 * selector, so it is tried, by priority, before every pool without serviceAllocation.
 */
export function isPinned(pool: AddressPool): boolean {
  return pool.serviceAllocation !== undefined;
}

/** MetalLB IPAddressPool.spec.serviceAllocation: may this pool give addresses to this service? */
export function poolServes(pool: AddressPool, service: ServiceInfo, namespaces: NamespaceLabels): boolean {
  const sa = pool.serviceAllocation;
  if (!sa) return true;
  if (sa.namespaces.length > 0 || sa.namespaceSelectors.length > 0) {
    const byName = sa.namespaces.includes(service.namespace);
    const labels = namespaces.get(service.namespace) ?? {};
    const bySelector = sa.namespaceSelectors.length > 0 && anySelectorMatches(sa.namespaceSelectors, labels);
    if (!byName && !bySelector) return false;
  }
  return anySelectorMatches(sa.serviceSelectors, service.labels);
}

function priorityRank(pool: AddressPool): number {
  const p = pool.serviceAllocation?.priority ?? 0;
  return p > 0 ? p : Number.POSITIVE_INFINITY;
}

/**
 * The order auto-assignment tries pools in: pools pinned to the service before the others, then by
 * priority (lower first, unset last), then config order.
 */
export function orderPools(pools: readonly AddressPool[]): AddressPool[] {
  return pools
    .map((pool, index) => ({ pool, index }))
    .sort(
      (a, b) =>
        Number(isPinned(b.pool)) - Number(isPinned(a.pool)) ||
        priorityRank(a.pool) - priorityRank(b.pool) ||
        a.index - b.index,
    )
    .map((e) => e.pool);
}
