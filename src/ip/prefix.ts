/** IP prefixes as numbers: parsed once from text, carried as values, printed for reports and vtysh. */
import { compareIp, familyBits, formatIp, parseIp, type IpFamily } from './address.js';
import { TextValue } from './text-value.js';

/** A prefix: network address (host bits cleared) and length. */
export interface IpPrefix {
  family: IpFamily;
  network: bigint;
  length: number;
}

/** The network address of `value` under a prefix of `length` bits. */
export function maskToPrefix(family: IpFamily, value: bigint, length: number): bigint {
  // Host routes are the common case: no bigint arithmetic (each result would be a new heap object).
  if (length === familyBits(family)) return value;
  const host = BigInt(familyBits(family) - length);
  return (value >> host) << host;
}

const LENGTH = /^\d{1,3}$/;

/**
 * Parses `a.b.c.d/n` or `x::y/n`. `prefix` has the host bits cleared; `address` is the address as
 * written, so a caller can refuse host bits (the codec) or name the network it used (pool blocks,
 * as MetalLB does). Undefined when it is not a prefix.
 */
export function parseCidr(text: string): { prefix: IpPrefix; address: bigint } | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (ip === undefined || !LENGTH.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > familyBits(ip.family)) return undefined;
  return {
    prefix: { family: ip.family, network: maskToPrefix(ip.family, ip.value, length), length },
    address: ip.value,
  };
}

/** Parses a prefix, clearing host bits; undefined when it is not one. */
export function parsePrefix(text: string): IpPrefix | undefined {
  return parseCidr(text)?.prefix;
}

/** `192.168.197.0/24`, `2001:db8::/64`: canonical text. */
export function formatPrefix(p: IpPrefix): string {
  return prefixText(formatIp(p.family, p.network), p.length);
}

/** The text of a prefix from its address's canonical text and its length. */
export function prefixText(address: string, length: number): string {
  // join makes one flat string; a template of this length makes a cons string of its parts, 88
  // bytes against 32 for an IPv4 /32, and a route table (or an Adj-RIB-In) holds one per route.
  return [address, length].join('/');
}

/**
 * A route's prefix as the plan and the speaker carry it: the numbers, for order (comparePrefix) and
 * the wire encoder, with the canonical text made once, for map keys, reports, logs and vtysh. A
 * class so the two methods live on one prototype rather than on each of a large table's routes;
 * JSON and string coercion give the text, so `plan --json` and messages read as before.
 */
export class RoutePrefix extends TextValue implements IpPrefix {
  readonly family: IpFamily;
  readonly network: bigint;
  readonly length: number;
  readonly text: string;

  constructor(p: IpPrefix) {
    super();
    this.family = p.family;
    this.network = p.network;
    this.length = p.length;
    this.text = formatPrefix(p);
    Object.freeze(this);
  }
}

/** The route prefix of a prefix value: its text is formatted here, once. */
export function routePrefix(p: IpPrefix): RoutePrefix {
  return p instanceof RoutePrefix ? p : new RoutePrefix(p);
}

/** Parses a route prefix (host bits cleared, text canonical); undefined when it is not a prefix. */
export function parseRoutePrefix(text: string): RoutePrefix | undefined {
  const p = parsePrefix(text);
  return p === undefined ? undefined : routePrefix(p);
}

/** Canonical text of a prefix, or the text itself when it does not parse. */
export function canonicalPrefix(text: string): string {
  const p = parsePrefix(text);
  return p === undefined ? text : formatPrefix(p);
}

/** The last address a prefix covers. */
export function prefixLast(p: IpPrefix): bigint {
  return p.network | ((1n << BigInt(familyBits(p.family) - p.length)) - 1n);
}

/** Family, then network address, then length: the order of every route list in a Plan. */
export function comparePrefix(a: IpPrefix, b: IpPrefix): number {
  return (
    compareIp({ family: a.family, value: a.network }, { family: b.family, value: b.network }) ||
    a.length - b.length
  );
}

/** The smallest list of prefixes covering exactly first..last, in address order. */
export function rangeToPrefixes(family: IpFamily, first: bigint, last: bigint): IpPrefix[] {
  const bits = familyBits(family);
  const out: IpPrefix[] = [];
  let cur = first;
  while (cur <= last) {
    // Grow the block while it stays aligned on `cur` and inside the range.
    let size = 0;
    while (size < bits) {
      const next = size + 1;
      const mask = (1n << BigInt(next)) - 1n;
      if ((cur & mask) !== 0n || cur + mask > last) break;
      size = next;
    }
    out.push({ family, network: cur, length: bits - size });
    cur += 1n << BigInt(size);
  }
  return out;
}
