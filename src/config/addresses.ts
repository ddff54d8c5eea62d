import { familyBits, formatIp, parseIp } from '../ip/address.js';
import { formatPrefix, parseCidr, rangeToPrefixes } from '../ip/prefix.js';
import type { AddressRange } from './model.js';

export type RangeParse = { ok: true; range: AddressRange; note?: string } | { ok: false; reason: string };

const NOT_A_RANGE = 'is not a CIDR or an address range';

/**
 * Parses a pool block as MetalLB accepts it: `a.b.c.d/len`, `a::/len` or `first-last`.
 * A CIDR with host bits set is accepted (MetalLB masks it too) but reported in `note`.
 */
export function parseAddressRange(input: string): RangeParse {
  const text = input.trim();
  if (text.includes('/')) return parsePoolCidr(text);
  const dash = text.indexOf('-');
  if (dash < 0) {
    const single = parseIp(text);
    if (!single) return { ok: false, reason: NOT_A_RANGE };
    const hint = `${text}/${familyBits(single.family)}`;
    return { ok: false, reason: `${NOT_A_RANGE} (for a single address write ${hint})` };
  }
  const start = parseIp(text.slice(0, dash).trim());
  const end = parseIp(text.slice(dash + 1).trim());
  if (!start || !end) return { ok: false, reason: NOT_A_RANGE };
  if (start.family !== end.family) {
    return { ok: false, reason: 'mixes IPv4 and IPv6 in one range' };
  }
  if (start.value > end.value) {
    return { ok: false, reason: 'is not a valid range: the start address is after the end address' };
  }
  return { ok: true, range: { text, family: start.family, first: start.value, last: end.value } };
}

function parsePoolCidr(text: string): RangeParse {
  const cidr = parseCidr(text);
  if (!cidr) return { ok: false, reason: NOT_A_RANGE };
  const { family, network, length } = cidr.prefix;
  const hostMask = (1n << BigInt(familyBits(family) - length)) - 1n;
  const range: AddressRange = { text, family, first: network, last: network | hostMask };
  if (network === cidr.address) return { ok: true, range };
  return { ok: true, range, note: `has host bits set; the pool uses ${formatPrefix(cidr.prefix)}` };
}

/** Canonical text of a range: a CIDR when it is exactly one block, else `first-last`. */
export function formatAddressRange(range: Pick<AddressRange, 'family' | 'first' | 'last'>): string {
  const prefixes = rangeToPrefixes(range.family, range.first, range.last);
  const only = prefixes.length === 1 ? prefixes[0] : undefined;
  if (only) return formatPrefix(only);
  return `${formatIp(range.family, range.first)}-${formatIp(range.family, range.last)}`;
}

export function rangesOverlap(a: AddressRange, b: AddressRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
