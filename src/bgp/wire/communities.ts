import { WellKnownCommunity, type WellKnownCommunityName } from './constants.js';
import { BgpEncodeError } from './errors.js';
import type { LargeCommunity } from './types.js';

const NAME_OF = new Map<number, string>(Object.entries(WellKnownCommunity).map(([n, v]) => [v, n]));

/** "no-export" for well-known values, else "ASN:value" (RFC 1997). */
export function communityToString(c: number): string {
  return NAME_OF.get(c) ?? `${Math.floor(c / 0x10000)}:${c & 0xffff}`;
}

/** Parses "65000:100", a well-known name ("no-export", ...) or a plain 32-bit number. */
export function parseCommunity(text: string): number {
  const known = WellKnownCommunity[text as WellKnownCommunityName];
  if (known !== undefined) return known;
  const m = /^(\d{1,5}):(\d{1,5})$/.exec(text);
  if (m) {
    const hi = Number(m[1]);
    const lo = Number(m[2]);
    if (hi <= 0xffff && lo <= 0xffff) return hi * 0x10000 + lo;
  } else if (/^\d{1,10}$/.test(text) && Number(text) <= 0xffffffff) {
    return Number(text);
  }
  throw new BgpEncodeError(`not a community: '${text}'`);
}

export function largeCommunityToString(c: LargeCommunity): string {
  return `${c.globalAdmin}:${c.localData1}:${c.localData2}`;
}

export function parseLargeCommunity(text: string): LargeCommunity {
  const m = /^(\d{1,10}):(\d{1,10}):(\d{1,10})$/.exec(text);
  const parts = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (parts.length !== 3 || parts.some((p) => p > 0xffffffff))
    throw new BgpEncodeError(`not a large community: '${text}'`);
  return { globalAdmin: parts[0] as number, localData1: parts[1] as number, localData2: parts[2] as number };
}

/** RFC 4360 two-octet-AS route target / origin ("rt 65000:100", "soo 65000:100"), else hex. */
export function extendedCommunityToString(c: bigint): string {
  const type = Number((c >> 56n) & 0xffn);
  const sub = Number((c >> 48n) & 0xffn);
  const label = sub === 0x02 ? 'rt' : sub === 0x03 ? 'soo' : undefined;
  if (label !== undefined && type === 0x00)
    return `${label} ${Number((c >> 32n) & 0xffffn)}:${Number(c & 0xffffffffn)}`;
  if (label !== undefined && type === 0x02)
    return `${label} ${Number((c >> 16n) & 0xffffffffn)}:${Number(c & 0xffffn)}`;
  return `0x${c.toString(16).padStart(16, '0')}`;
}
