/**
 * IP addresses as bigints, so IPv4 and IPv6 share one arithmetic and a /64 costs nothing to hold.
 * Text output is canonical (RFC 5952 for IPv6) so addresses compare equal as strings too.
 */
import { formatIpv6Groups, parseIpv4 as parseIpv4Bytes, parseIpv6Groups } from '../../util/ip-text.js';

export type IpFamily = 4 | 6;

/** How messages name a family, as Kubernetes' ipFamilies field does. */
export function familyName(f: IpFamily): string {
  return f === 4 ? 'IPv4' : 'IPv6';
}

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function parseIpv4(text: string): bigint | undefined {
  const b = parseIpv4Bytes(text);
  if (b === undefined) return undefined;
  return BigInt(
    (b[0] as number) * 0x1000000 + (((b[1] as number) << 16) | ((b[2] as number) << 8) | (b[3] as number)),
  );
}

function parseIpv6(text: string): bigint | undefined {
  return parseIpv6Groups(text)?.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses a literal IPv4 or IPv6 address (no prefix, no zone); undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim();
  if (t.includes(':')) {
    const value = parseIpv6(t);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(t);
  return value === undefined ? undefined : { family: 4, value };
}

/** Group values seen so far as hex text: addresses of one cluster repeat the same few groups. */
const groupText: string[] = [];
// Scratch space for one formatIpv6 call (never re-entered), so formatting allocates only its result.
const groups = new Array<number>(8).fill(0);

function hexGroup(g: number): string {
  let text = groupText[g];
  if (text === undefined) groupText[g] = text = g.toString(16);
  return text;
}

function formatIpv6(value: bigint): string {
  const hex = value.toString(16);
  // Groups as numbers straight from the hex digits; the text has no leading zeros to pad.
  groups.fill(0);
  for (let i = hex.length - 1, d = 0; i >= 0; i--, d++) {
    const c = hex.charCodeAt(i);
    const nibble = c <= 57 /* '9' */ ? c - 48 : c - 87; /* 'a' - 10 */
    groups[7 - (d >> 2)] += nibble << ((d & 3) * 4);
  }
  return formatIpv6Groups(groups, hexGroup);
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 6) return formatIpv6(value);
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The network address of `value` under a prefix of `length` bits. */
export function maskToPrefix(family: IpFamily, value: bigint, length: number): bigint {
  // Host routes are the common case: no bigint arithmetic (each result would be a new heap object).
  if (length === familyBits(family)) return value;
  const host = BigInt(familyBits(family) - length);
  return (value >> host) << host;
}

export function formatPrefix(family: IpFamily, value: bigint, length: number): string {
  return `${formatIp(family, value)}/${length}`;
}

/** Canonical text of an address literal, or undefined when it does not parse. */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : formatIp(ip.family, ip.value);
}

/** Orders by family first, then numerically: the order every list in a Plan uses. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Numeric order of two canonical address texts (unparsable text sorts last, by string). */
export function compareIpText(a: string, b: string): number {
  const pa = parseIp(a);
  const pb = parseIp(b);
  if (pa && pb) return compareIp(pa, pb);
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
