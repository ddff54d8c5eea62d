import type { AddressRange } from '../../config/model.js';
import type { IpFamily } from '../../ip/address.js';
import { IntervalSet } from './interval-set.js';

/** MetalLB's avoid-buggy-ips: IPv4 addresses ending in .0 or .255 confuse some CPE firmware. */
export function isBuggyIp(family: IpFamily, value: bigint): boolean {
  if (family !== 4) return false;
  const last = value & 0xffn;
  return last === 0n || last === 0xffn;
}

/**
 * The usable addresses of one pool range, numbered densely. With avoid-buggy-ips the .0/.255 of
 * every /24 simply have no number, so the lowest free address is still one interval lookup
 * instead of a walk that steps over excluded addresses one /24 at a time.
 */
export class RangeSpace {
  readonly family: IpFamily;
  readonly first: bigint;
  readonly last: bigint;
  private readonly skipBuggy: boolean;
  private readonly loIndex: bigint;
  private readonly hiIndex: bigint;
  private readonly used = new IntervalSet();

  constructor(range: AddressRange, avoidBuggyIps: boolean) {
    this.family = range.family;
    this.first = range.first;
    this.last = range.last;
    this.skipBuggy = avoidBuggyIps && range.family === 4;
    if (this.skipBuggy) {
      this.loIndex = this.indexOf(this.firstUsable(range.first));
      this.hiIndex = this.indexOf(this.lastUsable(range.last));
    } else {
      this.loIndex = range.first;
      this.hiIndex = range.last;
    }
  }

  private firstUsable(first: bigint): bigint {
    const octet = first & 0xffn;
    if (octet === 0n) return first + 1n;
    if (octet === 0xffn) return first + 2n;
    return first;
  }

  private lastUsable(last: bigint): bigint {
    const octet = last & 0xffn;
    if (octet === 0xffn) return last - 1n;
    if (octet === 0n) return last - 2n;
    return last;
  }

  private indexOf(value: bigint): bigint {
    if (!this.skipBuggy) return value;
    return (value >> 8n) * 254n + (value & 0xffn) - 1n;
  }

  private valueOf(index: bigint): bigint {
    if (!this.skipBuggy) return index;
    return ((index / 254n) << 8n) | ((index % 254n) + 1n);
  }

  /** Whether the address belongs to this range and may be handed out from it. */
  contains(family: IpFamily, value: bigint): boolean {
    if (family !== this.family || value < this.first || value > this.last) return false;
    return !(this.skipBuggy && isBuggyIp(family, value));
  }

  markUsed(value: bigint): void {
    this.used.add(this.indexOf(value));
  }

  markFree(value: bigint): void {
    this.used.delete(this.indexOf(value));
  }

  lowestFree(): bigint | undefined {
    const index = this.used.lowestFree(this.loIndex, this.hiIndex);
    return index === undefined ? undefined : this.valueOf(index);
  }
}
