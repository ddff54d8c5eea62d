import type { AddressPool } from '../config/model.js';
import type { ServiceAllocation } from '../sync/plan-types.js';

export interface PoolUsage {
  pool: string;
  inUse: number;
  /** Usable addresses; a float for IPv6 pools larger than 2^53. */
  total: number;
}

/** Addresses x in [first, last] with x mod 256 === residue. */
function countResidue(first: bigint, last: bigint, residue: bigint): bigint {
  const upTo = (n: bigint): bigint => (n < residue ? 0n : (n - residue) / 256n + 1n);
  return upTo(last) - (first === 0n ? 0n : upTo(first - 1n));
}

/**
 * Usable addresses of a pool as MetalLB counts them: with avoidBuggyIps the IPv4 addresses ending
 * in .0 and .255 are never handed out, so they are not usable either.
 */
export function poolSize(pool: AddressPool): number {
  let total = 0n;
  for (const range of pool.addresses) {
    let size = range.last - range.first + 1n;
    if (pool.avoidBuggyIps && range.family === 4) {
      size -= countResidue(range.first, range.last, 0n) + countResidue(range.first, range.last, 255n);
    }
    total += size;
  }
  return Number(total);
}

export function poolUsage(
  pools: readonly AddressPool[],
  allocations: readonly ServiceAllocation[],
): PoolUsage[] {
  const inUse = new Map<string, Set<string>>(pools.map((p) => [p.name, new Set<string>()]));
  for (const a of allocations) {
    a.pools.forEach((pool, i) => {
      const ip = a.ips[i];
      // Shared IPs (allow-shared-ip) count once, as in MetalLB.
      if (ip !== undefined) inUse.get(pool)?.add(ip);
    });
  }
  return pools.map((p) => ({ pool: p.name, inUse: inUse.get(p.name)?.size ?? 0, total: poolSize(p) }));
}
