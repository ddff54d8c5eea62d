import type { AddressPool } from '../config/model.js';
import type { ServiceAllocation } from '../sync/plan-types.js';
import { poolCapacity, poolStatuses } from '../sync/status/index.js';

/** One pool's figures for the gauges; floats, since a gauge is one (an IPv6 /64 is 2^64). */
export interface PoolUsage {
  pool: string;
  inUse: number;
  /** Usable addresses. */
  total: number;
  /** Per family (MetalLB's metallb_allocator_ipv4_* / ipv6_* gauges); absent when not counted. */
  ipv4?: { inUse: number; total: number };
  ipv6?: { inUse: number; total: number };
}

/**
 * Usable addresses of a pool as MetalLB counts them: with avoidBuggyIps the IPv4 addresses ending
 * in .0 and .255 are never handed out, so they are not usable either.
 */
export function poolSize(pool: AddressPool): number {
  const capacity = poolCapacity(pool);
  return Number(capacity[4] + capacity[6]);
}

/** The gauges' view of src/sync/status's exact per-family counts. */
export function poolUsage(
  pools: readonly AddressPool[],
  allocations: readonly ServiceAllocation[],
): PoolUsage[] {
  return poolStatuses(pools, allocations).map((s) => {
    const ipv4 = {
      inUse: Number(s.assignedIPv4),
      total: Number(BigInt(s.assignedIPv4) + BigInt(s.availableIPv4)),
    };
    const ipv6 = {
      inUse: Number(s.assignedIPv6),
      total: Number(BigInt(s.assignedIPv6) + BigInt(s.availableIPv6)),
    };
    return { pool: s.pool, inUse: ipv4.inUse + ipv6.inUse, total: ipv4.total + ipv6.total, ipv4, ipv6 };
  });
}
