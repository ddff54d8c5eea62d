import { IPv4, IPv6, Validator } from 'ip-num';
import { formatIpv6Groups } from '../util/ip-text.js';
import type { AddressRange } from './model.js';

/** A parsed IP address: family and numeric value. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

/**
 * Parses a plain IPv4 or IPv6 address (no zone, no prefix) or returns undefined. Zones are
 * refused because a BGP peer or pool address must mean the same thing on every host.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes('%')) return undefined;
  if (text.includes(':')) {
    if (!Validator.isValidIPv6String(text)[0]) return undefined;
    return { family: 6, value: new IPv6(text).value };
  }
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(text) || !Validator.isValidIPv4String(text)[0]) return undefined;
  return { family: 4, value: new IPv4(text).value };
}

/** Canonical text of an address: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIpAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return IPv4.fromNumber(value).toString();
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return formatIpv6Groups(groups, hexGroup);
}

const hexGroup = (group: number): string => group.toString(16);

export type RangeParse = { ok: true; range: AddressRange; note?: string } | { ok: false; reason: string };

const NOT_A_RANGE = 'is not a CIDR or an address range';

/**
 * Parses a pool block as MetalLB accepts it: `a.b.c.d/len`, `a::/len` or `first-last`.
 * A CIDR with host bits set is accepted (MetalLB masks it too) but reported in `note`.
 */
export function parseAddressRange(input: string): RangeParse {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash >= 0) return parseCidr(text, slash);
  const dash = text.indexOf('-');
  if (dash < 0) {
    const single = parseIpAddress(text);
    if (!single) return { ok: false, reason: NOT_A_RANGE };
    const hint = `${text}/${BITS[single.family]}`;
    return { ok: false, reason: `${NOT_A_RANGE} (for a single address write ${hint})` };
  }
  const start = parseIpAddress(text.slice(0, dash).trim());
  const end = parseIpAddress(text.slice(dash + 1).trim());
  if (!start || !end) return { ok: false, reason: NOT_A_RANGE };
  if (start.family !== end.family) {
    return { ok: false, reason: 'mixes IPv4 and IPv6 in one range' };
  }
  if (start.value > end.value) {
    return { ok: false, reason: 'is not a valid range: the start address is after the end address' };
  }
  return { ok: true, range: { text, family: start.family, first: start.value, last: end.value } };
}

function parseCidr(text: string, slash: number): RangeParse {
  const addr = parseIpAddress(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!addr || !/^\d{1,3}$/.test(lenText)) return { ok: false, reason: NOT_A_RANGE };
  const len = Number(lenText);
  const bits = BITS[addr.family];
  if (len > bits) return { ok: false, reason: NOT_A_RANGE };
  const hostMask = (1n << BigInt(bits - len)) - 1n;
  const first = addr.value & ~hostMask;
  const range: AddressRange = { text, family: addr.family, first, last: first | hostMask };
  if (first === addr.value) return { ok: true, range };
  const network = `${formatIpAddress(addr.family, first)}/${len}`;
  return { ok: true, range, note: `has host bits set; the pool uses ${network}` };
}

/** A CIDR block: network address and prefix length. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefixLength: number;
}

/** The smallest list of CIDR blocks covering exactly first..last, in address order. */
export function rangeToCidrs(range: Pick<AddressRange, 'family' | 'first' | 'last'>): Cidr[] {
  const bits = BITS[range.family];
  const out: Cidr[] = [];
  let cur = range.first;
  while (cur <= range.last) {
    // Grow the block while it stays aligned on `cur` and inside the range.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const mask = (1n << BigInt(next)) - 1n;
      if ((cur & mask) !== 0n || cur + mask > range.last) break;
      size = next;
    }
    out.push({ family: range.family, network: cur, prefixLength: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}

/** Canonical text of a range: a CIDR when it is exactly one block, else `first-last`. */
export function formatAddressRange(range: Pick<AddressRange, 'family' | 'first' | 'last'>): string {
  const cidrs = rangeToCidrs(range);
  const only = cidrs.length === 1 ? cidrs[0] : undefined;
  if (only) return `${formatIpAddress(only.family, only.network)}/${only.prefixLength}`;
  return `${formatIpAddress(range.family, range.first)}-${formatIpAddress(range.family, range.last)}`;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
