import { formatIpv6Groups, parseIpv4, parseIpv6Groups } from '../../util/ip-text.js';
import { BgpEncodeError } from './errors.js';
import type { Prefix } from './prefix-type.js';

export { parseIpv4 };

export function formatIpv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** Parses IPv6 text (with `::` and an optional trailing dotted quad) into 16 bytes, or undefined. */
export function parseIpv6(text: string): Uint8Array | undefined {
  const groups = parseIpv6Groups(text);
  if (groups === undefined) return undefined;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[i * 2] = (groups[i] as number) >> 8;
    out[i * 2 + 1] = (groups[i] as number) & 0xff;
  }
  return out;
}

const hexGroup = (group: number): string => group.toString(16);

/** Formats 16 bytes as RFC 5952 canonical IPv6 text (longest zero run of 2+ groups becomes `::`). */
export function formatIpv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++)
    groups.push(((bytes[offset + i * 2] as number) << 8) | (bytes[offset + i * 2 + 1] as number));
  return formatIpv6Groups(groups, hexGroup);
}

export function formatAddress(family: 4 | 6, bytes: Uint8Array, offset = 0): string {
  return family === 4 ? formatIpv4(bytes, offset) : formatIpv6(bytes, offset);
}

/** Parses an IPv4 or IPv6 address, or returns undefined. */
export function parseAddress(text: string): { family: 4 | 6; addr: Uint8Array } | undefined {
  if (text.includes(':')) {
    const addr = parseIpv6(text);
    return addr ? { family: 6, addr } : undefined;
  }
  const addr = parseIpv4(text);
  return addr ? { family: 4, addr } : undefined;
}

const ZERO = 48;
const NINE = 57;

/** The value of `text` from `start` to its end when that is 1-3 ASCII digits, else -1. */
function decimalUpTo3(text: string, start: number): number {
  const n = text.length - start;
  if (n < 1 || n > 3) return -1;
  let value = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

function hostBitsSet(addr: Uint8Array, len: number): boolean {
  const full = len >> 3;
  const rem = len & 7;
  if (rem !== 0 && ((addr[full] as number) & (0xff >> rem)) !== 0) return true;
  for (let i = rem !== 0 ? full + 1 : full; i < addr.length; i++) if (addr[i] !== 0) return true;
  return false;
}

/** Clears the bits past `len` in place (so equal prefixes have equal bytes). */
export function maskAddress(addr: Uint8Array, len: number): Uint8Array {
  const full = len >> 3;
  const rem = len & 7;
  if (rem !== 0) addr[full] = (addr[full] as number) & (0xff << (8 - rem));
  for (let i = rem !== 0 ? full + 1 : full; i < addr.length; i++) addr[i] = 0;
  return addr;
}

/**
 * Parses "192.168.197.0/24", "2001:db8::1/128", or a bare address (host route). Host bits must be
 * zero unless `allowHostBits` (then they are cleared). Throws BgpEncodeError on bad text.
 */
export function parsePrefix(text: string, opts: { pathId?: number; allowHostBits?: boolean } = {}): Prefix {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const parsed = parseAddress(addrText);
  if (!parsed) throw new BgpEncodeError(`not an IP prefix: '${text}'`);
  const max = parsed.family === 4 ? 32 : 128;
  let len = max;
  if (slash >= 0) {
    len = decimalUpTo3(text, slash + 1);
    if (len < 0 || len > max) throw new BgpEncodeError(`bad prefix length in '${text}' (0..${max})`);
  }
  if (!opts.allowHostBits && hostBitsSet(parsed.addr, len)) {
    throw new BgpEncodeError(`host bits set in prefix '${text}'`);
  }
  maskAddress(parsed.addr, len);
  const p: Prefix = { family: parsed.family, addr: parsed.addr, len };
  if (opts.pathId !== undefined) p.pathId = opts.pathId;
  return p;
}

/** "192.168.197.0/32"; with `withPathId` the path identifier is appended as " path-id N". */
export function formatPrefix(p: Prefix, withPathId = false): string {
  const base = `${formatAddress(p.family, p.addr)}/${p.len}`;
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
  if (a.family !== b.family || a.len !== b.len || a.pathId !== b.pathId) return false;
  for (let i = 0; i < a.addr.length; i++) if (a.addr[i] !== b.addr[i]) return false;
  return true;
}

/** A copy of `b[start..end)` as a plain Uint8Array (never a view into a received chunk). */
export function copyBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  return new Uint8Array(b.subarray(start, end));
}
