/**
 * IP addresses as the whole code base carries them: a family and a bigint, so IPv4 and IPv6 share
 * one arithmetic (the allocator counts through ranges) and a /64 costs nothing to hold. Text is
 * made only for reports, logs and vtysh, canonical (RFC 5952 for IPv6) so equal addresses are equal
 * strings; wire bytes only in the BGP codec. A leaf: it imports only the text-carrying base.
 */
import { TextValue } from './text-value.js';

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

/** How messages name a family, as Kubernetes' ipFamilies field does. */
export function familyName(family: IpFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6';
}

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Dotted-quad IPv4 text as a 32-bit number, or -1: four parts of 1-3 ASCII digits, no leading
 * zero, each at most 255. One pass over the characters: a large table parses every address, and
 * splitting plus a regex per part was the visible cost of that.
 */
function parseIpv4Number(text: string): number {
  let result = 0;
  let part = 0;
  let digits = 0;
  let value = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    // The end of the text closes the last part as a dot closes the others.
    const c = i === text.length ? -1 : text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits === 0) leadingZero = c === ZERO;
      else if (leadingZero) return -1;
      if (++digits > 3) return -1;
      value = value * 10 + (c - ZERO);
      continue;
    }
    if (c !== DOT && c !== -1) return -1;
    if (digits === 0 || value > 255 || (c === -1) !== (part === 3)) return -1;
    result = result * 256 + value;
    part++;
    digits = 0;
    value = 0;
  }
  return result;
}

const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The groups of one side of `::`; a dotted quad may only come last. */
function parseGroupList(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const items = text.split(':');
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (i === items.length - 1 && item.includes('.')) {
      const v4 = parseIpv4Number(item);
      if (v4 < 0) return undefined;
      groups.push(Math.floor(v4 / 0x10000), v4 & 0xffff);
    } else {
      if (!IPV6_GROUP.test(item)) return undefined;
      groups.push(parseInt(item, 16));
    }
  }
  return groups;
}

/** IPv6 text (with `::` and an optional trailing dotted quad) as a 128-bit value. */
function parseIpv6Value(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroupList(halves[0] as string);
  const tail = halves.length === 2 ? parseGroupList(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let value = 0n;
  for (const g of head) value = (value << 16n) | BigInt(g);
  value <<= BigInt(missing * 16);
  for (const g of tail) value = (value << 16n) | BigInt(g);
  return value;
}

/**
 * Parses a literal IPv4 or IPv6 address, or returns undefined. No prefix, no zone (`fe80::1%eth0`):
 * a peer, pool or next-hop address must mean the same thing on every host.
 */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6Value(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const v4 = parseIpv4Number(text);
  return v4 < 0 ? undefined : { family: 4, value: BigInt(v4) };
}

/** Group values seen so far as hex text: addresses of one cluster repeat the same few groups. */
const groupText: string[] = [];
// Scratch space for one formatIpv6 call (never re-entered), so formatting allocates only its result.
const groups = new Array<number>(8).fill(0);
const parts: string[] = [];

function hexGroup(g: number): string {
  let text = groupText[g];
  if (text === undefined) groupText[g] = text = g.toString(16);
  return text;
}

/** ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
function isIpv4Mapped(): boolean {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return false;
  return groups[5] === 0xffff;
}

/**
 * RFC 5952 canonical text: lower-case hex without leading zeros, the first longest run of two or
 * more zero groups as `::`.
 */
function formatIpv6(value: bigint): string {
  const hex = value.toString(16);
  // Groups as numbers straight from the hex digits; the text has no leading zeros to pad.
  groups.fill(0);
  for (let i = hex.length - 1, d = 0; i >= 0; i--, d++) {
    const c = hex.charCodeAt(i);
    const nibble = c <= NINE ? c - ZERO : c - 87; /* 'a' - 10 */
    groups[7 - (d >> 2)] += nibble << ((d & 3) * 4);
  }
  if (isIpv4Mapped()) {
    // RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part as a dotted quad. glibc's inet_ntop
    // does the same, so vtysh shows an IPv4 peer's IPv6 next hop as ::ffff:172.20.0.1.
    const hi = groups[6] as number;
    const lo = groups[7] as number;
    return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  parts.length = 0;
  if (bestStart < 0) {
    for (let i = 0; i < 8; i++) parts.push(hexGroup(groups[i] as number));
    return parts.join(':');
  }
  // "a::b" is parts [a, '', b]; a run at either end needs one more empty part for its colon.
  for (let i = 0; i < bestStart; i++) parts.push(hexGroup(groups[i] as number));
  if (bestStart === 0) parts.push('');
  parts.push('');
  for (let i = bestStart + bestLen; i < 8; i++) parts.push(hexGroup(groups[i] as number));
  if (bestStart + bestLen === 8) parts.push('');
  return parts.join(':');
}

/** Canonical text of an address: a dotted quad, or RFC 5952 IPv6. */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 6) return formatIpv6(value);
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
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

/** Orders texts by the values they parse to; text that does not parse sorts last, by string. */
function compareParsedText<T>(
  a: string,
  b: string,
  parse: (text: string) => T | undefined,
  compare: (x: T, y: T) => number,
): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa !== undefined && pb !== undefined) return compare(pa, pb);
  if (pa !== undefined) return -1;
  if (pb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Numeric order of two address texts (unparsable text sorts last, by string). */
export function compareIpText(a: string, b: string): number {
  return compareParsedText(a, b, parseIp, compareIp);
}

/** The address in network byte order (4 or 16 bytes) at `offset` of `out`. */
export function writeIpBytes(family: IpFamily, value: bigint, out: Uint8Array, offset = 0): void {
  if (family === 4) {
    const n = Number(value);
    out[offset] = n >>> 24;
    out[offset + 1] = (n >>> 16) & 255;
    out[offset + 2] = (n >>> 8) & 255;
    out[offset + 3] = n & 255;
    return;
  }
  // Four 32-bit words: four bigint operations instead of sixteen.
  for (let w = 0; w < 4; w++) {
    const n = Number((value >> BigInt(96 - w * 32)) & 0xffffffffn);
    const at = offset + w * 4;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 255;
    out[at + 2] = (n >>> 8) & 255;
    out[at + 3] = n & 255;
  }
}

/** The 32-bit word in network byte order at `at` of `bytes`. */
function wordAt(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at] as number) * 0x1000000 +
    (((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number))
  );
}

/** The address read from network byte order (4 or 16 bytes) at `offset` of `bytes`. */
export function readIpBytes(family: IpFamily, bytes: Uint8Array, offset = 0): IpAddress {
  if (family === 4) return { family, value: BigInt(wordAt(bytes, offset)) };
  let value = 0n;
  for (let w = 0; w < 4; w++) value = (value << 32n) | BigInt(wordAt(bytes, offset + w * 4));
  return { family, value };
}

/**
 * Canonical text of the address in network byte order at `offset` of `bytes`. An IPv4 address
 * is written from its bytes: the decoder names every received prefix and next hop this way, and
 * a bigint per address cost the collector's Adj-RIB-In a fifth of its time (bench/engine.bench.ts).
 */
export function formatIpBytes(family: IpFamily, bytes: Uint8Array, offset = 0): string {
  if (family === 6) return formatIpv6(readIpBytes(6, bytes, offset).value);
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/**
 * An address as the plan and the speaker carry a next hop: the numbers, for order and the wire,
 * with the canonical text made once, for map keys, reports, logs and vtysh. Same pattern as
 * RoutePrefix: a frozen class so the methods live on one prototype; JSON and string coercion give
 * the text, so `plan --json` and messages read as before. Two values are the same address when
 * their texts are equal (the text is canonical); a Set or Map of them compares identity, so key
 * those by `.text`.
 */
export class RouteAddress extends TextValue implements IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
  readonly text: string;

  constructor(ip: IpAddress) {
    super();
    this.family = ip.family;
    this.value = ip.value;
    this.text = formatIp(ip.family, ip.value);
    Object.freeze(this);
  }
}

/** The route address of an address value: its text is formatted here, once. */
export function routeAddress(ip: IpAddress): RouteAddress {
  return ip instanceof RouteAddress ? ip : new RouteAddress(ip);
}

/** Parses an address into a route address (text canonical); undefined when it is not one. */
export function parseRouteAddress(text: string): RouteAddress | undefined {
  const ip = parseIp(text);
  return ip === undefined ? undefined : new RouteAddress(ip);
}

/**
 * Order of route addresses by their text: the order next hops had as strings, which the speaker
 * keeps for ECMP picks, ADD-PATH ids and slots (a changed order would move a route's next hop).
 */
export function byText(a: RouteAddress, b: RouteAddress): number {
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/** The texts of route addresses: how logs and status reports show a list of next hops. */
export function addressTexts(addresses: readonly RouteAddress[]): string[] {
  return addresses.map((a) => a.text);
}
