import { createHash } from 'node:crypto';
import { byText, type RouteAddress } from '../ip/address.js';

/**
 * Without ADD-PATH only one path per prefix reaches the peer. Picking the next hop by a hash of the
 * prefix (rather than "the first node") spreads many services over the nodes, and stays the same
 * for a prefix as long as its next-hop set does not change, so routes do not flap between nodes.
 */
export function pickNextHop(prefix: string, nextHops: readonly RouteAddress[]): RouteAddress {
  if (nextHops.length === 0) throw new RangeError(`route ${prefix} has no next hop`);
  const sorted = [...nextHops].sort(byText);
  if (sorted.length === 1) return sorted[0]!;
  const digest = createHash('sha256').update(prefix).digest();
  return sorted[digest.readUInt32BE(0) % sorted.length]!;
}
