import type { AddressPool, AddressRange } from '../../config/model.js';
import { parseIp, type IpFamily } from '../../ip/address.js';
import type { ServiceAllocation } from '../plan-types.js';

/**
 * Per-pool counts as MetalLB's IPAddressPool status shows them (assignedIPv4, availableIPv4, ...).
 * Counts are decimal strings: an IPv6 /64 holds 2^64 addresses, more than a JSON number keeps
 * exactly (MetalLB itself caps such pools at MaxInt64; we give the exact figure).
 */
export interface PoolStatus {
  pool: string;
  assignedIPv4: string;
  availableIPv4: string;
  assignedIPv6: string;
  availableIPv6: string;
}

/** Addresses x in [first, last] with x mod 256 === residue. */
function countResidue(first: bigint, last: bigint, residue: bigint): bigint {
  const upTo = (n: bigint): bigint => (n < residue ? 0n : (n - residue) / 256n + 1n);
  return upTo(last) - (first === 0n ? 0n : upTo(first - 1n));
}

function rangeCapacity(range: AddressRange, avoidBuggyIps: boolean): bigint {
  const size = range.last - range.first + 1n;
  if (!avoidBuggyIps || range.family !== 4) return size;
  // avoidBuggyIps: IPv4 addresses ending in .0 and .255 are never handed out.
  return size - countResidue(range.first, range.last, 0n) - countResidue(range.first, range.last, 255n);
}

/** Usable addresses of a pool per family. */
export function poolCapacity(pool: AddressPool): Record<IpFamily, bigint> {
  const total: Record<IpFamily, bigint> = { 4: 0n, 6: 0n };
  for (const range of pool.addresses) total[range.family] += rangeCapacity(range, pool.avoidBuggyIps);
  return total;
}

/**
 * Assigned and available addresses per pool and family, in config order. An address shared by
 * several services (allow-shared-ip) counts once, as in MetalLB's allocator.
 */
export function poolStatuses(
  pools: readonly AddressPool[],
  allocations: readonly ServiceAllocation[],
): PoolStatus[] {
  const used = new Map<string, { 4: Set<string>; 6: Set<string> }>(
    pools.map((p) => [p.name, { 4: new Set<string>(), 6: new Set<string>() }]),
  );
  for (const a of allocations) {
    a.ips.forEach((ip, i) => {
      const sets = used.get(a.pools[i] as string);
      const family = parseIp(ip)?.family;
      if (sets && family) sets[family].add(ip);
    });
  }
  return pools.map((pool) => {
    const capacity = poolCapacity(pool);
    const sets = used.get(pool.name) as { 4: Set<string>; 6: Set<string> };
    const assigned4 = BigInt(sets[4].size);
    const assigned6 = BigInt(sets[6].size);
    return {
      pool: pool.name,
      assignedIPv4: assigned4.toString(),
      availableIPv4: (capacity[4] - assigned4).toString(),
      assignedIPv6: assigned6.toString(),
      availableIPv6: (capacity[6] - assigned6).toString(),
    };
  });
}
