/**
 * NLRI prefixes and addresses in wire form (network-order bytes). Text and numbers are the IP
 * module's (src/ip); this file only moves between them and bytes.
 */
import { familyBits, formatIp, parseIp, readIpBytes, writeIpBytes, type IpFamily } from '../../ip/address.js';
import { formatPrefix, type IpPrefix } from '../../ip/prefix.js';
import { BgpEncodeError } from './errors.js';
import type { Prefix } from './prefix-type.js';

/** Text of the 4- or 16-byte address at `offset` of `bytes`. */
export function formatAddress(family: IpFamily, bytes: Uint8Array, offset = 0): string {
  return formatIp(family, readIpBytes(family, bytes, offset).value);
}

/** Parses an IPv4 or IPv6 address into wire bytes, or returns undefined. */
export function parseAddress(text: string): { family: IpFamily; addr: Uint8Array } | undefined {
  const ip = parseIp(text);
  if (ip === undefined) return undefined;
  const addr = new Uint8Array(ip.family === 4 ? 4 : 16);
  writeIpBytes(ip.family, ip.value, addr);
  return { family: ip.family, addr };
}

/** Clears the bits past `len` in place (so equal prefixes have equal bytes). */
export function maskAddress(addr: Uint8Array, len: number): Uint8Array {
  const full = len >> 3;
  const rem = len & 7;
  if (rem !== 0) addr[full] = (addr[full] as number) & (0xff << (8 - rem));
  for (let i = rem !== 0 ? full + 1 : full; i < addr.length; i++) addr[i] = 0;
  return addr;
}

/** The wire form of a prefix; `pathId` only where the family uses ADD-PATH (RFC 7911). */
export function toNlri(p: IpPrefix, pathId?: number): Prefix {
  const addr = new Uint8Array(p.family === 4 ? 4 : 16);
  writeIpBytes(p.family, p.network, addr);
  const out: Prefix = { family: p.family, addr, len: p.length };
  if (pathId !== undefined) out.pathId = pathId;
  return out;
}

/** The prefix of a wire NLRI entry (its path id aside). */
export function fromNlri(p: Prefix): IpPrefix {
  return { family: p.family, network: readIpBytes(p.family, p.addr).value, length: p.len };
}

/**
 * Parses "192.168.197.0/24", "2001:db8::1/128", or a bare address (host route) into wire form.
 * Host bits must be zero unless `allowHostBits` (then they are cleared). Throws BgpEncodeError.
 */
export function parseNlri(text: string, opts: { pathId?: number; allowHostBits?: boolean } = {}): Prefix {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) throw new BgpEncodeError(`not an IP prefix: '${text}'`);
  const max = familyBits(ip.family);
  let len = max;
  if (slash >= 0) {
    const lengthText = text.slice(slash + 1);
    len = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : -1;
    if (len < 0 || len > max) throw new BgpEncodeError(`bad prefix length in '${text}' (0..${max})`);
  }
  const p = toNlri({ family: ip.family, network: ip.value, length: len }, opts.pathId);
  const exact = p.addr.slice();
  maskAddress(p.addr, len);
  if (!opts.allowHostBits && !bytesEqual(exact, p.addr)) {
    throw new BgpEncodeError(`host bits set in prefix '${text}'`);
  }
  return p;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
}

/** "192.168.197.0/32"; with `withPathId` the path identifier is appended as " path-id N". */
export function formatNlri(p: Prefix, withPathId = false): string {
  const base = formatPrefix(fromNlri(p));
  return withPathId && p.pathId !== undefined ? `${base} path-id ${p.pathId}` : base;
}

/**
 * A compact map key (family, length, significant bytes, path id) that is cheaper to build than
 * the text form.
 */
export function prefixKey(p: Prefix): string {
  let s = String.fromCharCode(p.family, p.len);
  const n = (p.len + 7) >> 3;
  for (let i = 0; i < n; i++) s += String.fromCharCode(p.addr[i] as number);
  return p.pathId === undefined ? s : `${s}#${p.pathId}`;
}

export function prefixEquals(a: Prefix, b: Prefix): boolean {
  return a.family === b.family && a.len === b.len && a.pathId === b.pathId && bytesEqual(a.addr, b.addr);
}

/** A copy of `b[start..end)` as a plain Uint8Array (never a view into a received chunk). */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}
