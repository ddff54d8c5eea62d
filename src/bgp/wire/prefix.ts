/**
 * NLRI prefixes and addresses in wire form (network-order bytes). Text and numbers are the IP
 * module's (src/ip); this file only moves between them and bytes.
 */
import { formatIpBytes, parseIp, writeIpBytes, type IpFamily } from '../../ip/address.js';
import { prefixText, type IpPrefix } from '../../ip/prefix.js';
import type { Prefix } from './prefix-type.js';

/** Parses an IPv4 or IPv6 address into wire bytes, or returns undefined. */
export function parseAddress(text: string): { family: IpFamily; addr: Uint8Array } | undefined {
  const ip = parseIp(text);
  if (ip === undefined) return undefined;
  const addr = new Uint8Array(ip.family === 4 ? 4 : 16);
  writeIpBytes(ip.family, ip.value, addr);
  return { family: ip.family, addr };
}

/** The wire form of a prefix; `pathId` only where the family uses ADD-PATH (RFC 7911). */
export function toNlri(p: IpPrefix, pathId?: number): Prefix {
  const addr = new Uint8Array(p.family === 4 ? 4 : 16);
  writeIpBytes(p.family, p.network, addr);
  const out: Prefix = { family: p.family, addr, len: p.length };
  if (pathId !== undefined) out.pathId = pathId;
  return out;
}

/** "192.168.197.0/32"; with `withPathId` the path identifier is appended as " path-id N". */
export function formatNlri(p: Prefix, withPathId = false): string {
  const base = prefixText(formatIpBytes(p.family, p.addr), p.len);
  return withPathId && p.pathId !== undefined ? `${base} path-id ${p.pathId}` : base;
}

/** A copy of `b[start..end)` as a plain Uint8Array (never a view into a received chunk). */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}
