/**
 * BGP communities as values: RFC 1997 communities as 32-bit numbers, RFC 8092 large communities as
 * three 32-bit numbers. One parser for the configuration and the speaker, one table of well-known
 * names for parsing and for printing what a peer sent.
 */
import { TextValue } from './text-value.js';

export interface LargeCommunity {
  globalAdmin: number;
  localData1: number;
  localData2: number;
}

export type Community = { kind: 'standard'; value: number } | { kind: 'large'; value: LargeCommunity };

export type CommunityParse = { ok: true; community: Community } | { ok: false; reason: string };

/**
 * Well-known communities (RFC 1997, RFC 3765, RFC 7611, RFC 7999, RFC 8326, RFC 9494) by the
 * names MetalLB and FRR use. `local-as` is MetalLB's alias of NO_EXPORT_SUBCONFED (RFC 1997
 * names it so); printing uses the first name of a value.
 */
export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  'graceful-shutdown': 0xffff0000,
  'accept-own': 0xffff0001,
  'llgr-stale': 0xffff0006,
  'no-llgr': 0xffff0007,
  blackhole: 0xffff029a,
  'no-export': 0xffffff01,
  'no-advertise': 0xffffff02,
  'no-export-subconfed': 0xffffff03,
  'local-as': 0xffffff03,
  'no-peer': 0xffffff04,
};

const NAME_OF = new Map<number, string>();
for (const [name, value] of Object.entries(WELL_KNOWN_COMMUNITIES)) {
  if (!NAME_OF.has(value)) NAME_OF.set(value, name);
}

const MAX_U16 = 0xffff;
const MAX_U32 = 0xffff_ffff;

/**
 * Parses a community as MetalLB writes it: `ASN:VALUE` (two 16-bit numbers), `large:A:B:C`
 * (three 32-bit numbers), a well-known name, or an alias from `aliases` (whose values are
 * literals).
 */
export function parseCommunity(
  text: string,
  aliases: ReadonlyMap<string, string> = new Map(),
): CommunityParse {
  const alias = aliases.get(text);
  if (alias !== undefined) return parseCommunityLiteral(alias);
  const known = WELL_KNOWN_COMMUNITIES[text];
  if (known !== undefined) return { ok: true, community: { kind: 'standard', value: known } };
  if (!text.includes(':')) {
    return { ok: false, reason: 'is neither a community nor a known community alias' };
  }
  return parseCommunityLiteral(text);
}

/** Parses a literal community (no names): `ASN:VALUE` or `large:A:B:C`; alias values are these. */
export function parseCommunityLiteral(text: string): CommunityParse {
  const parts = text.split(':');
  if (parts[0] === 'large' && parts.length === 4) {
    const [a, b, c] = parts.slice(1).map((p) => toNumber(p, MAX_U32));
    if (a === undefined || b === undefined || c === undefined) {
      return { ok: false, reason: 'is not a valid large community: want large:A:B:C, each 0..4294967295' };
    }
    return {
      ok: true,
      community: { kind: 'large', value: { globalAdmin: a, localData1: b, localData2: c } },
    };
  }
  if (parts.length === 2) {
    const [hi, lo] = parts.map((p) => toNumber(p, MAX_U16));
    if (hi === undefined || lo === undefined) {
      return { ok: false, reason: 'is not a valid community: want ASN:VALUE, each 0..65535' };
    }
    return { ok: true, community: { kind: 'standard', value: hi * 0x10000 + lo } };
  }
  return {
    ok: false,
    reason: 'is not a valid community: want ASN:VALUE (each 0..65535) or large:A:B:C (each 0..4294967295)',
  };
}

function toNumber(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/** `ASN:VALUE` without leading zeros, names never: the form configs, reports and vtysh compare. */
export function formatCommunity(c: number): string {
  return `${Math.floor(c / 0x10000)}:${c & 0xffff}`;
}

/** The well-known name of a community (`no-export`), else `ASN:VALUE`: how a received one prints. */
export function communityName(c: number): string {
  return NAME_OF.get(c) ?? formatCommunity(c);
}

/** `A:B:C`, as FRR prints a large community (without MetalLB's `large:` tag). */
export function formatLargeCommunity(c: LargeCommunity): string {
  return `${c.globalAdmin}:${c.localData1}:${c.localData2}`;
}

/** The literal that parses back to `c`: `ASN:VALUE` or `large:A:B:C`. */
export function communityLiteral(c: Community): string {
  return c.kind === 'large' ? `large:${formatLargeCommunity(c.value)}` : formatCommunity(c.value);
}

/**
 * A standard community as a route carries it from the config on: the 32-bit value, for the wire
 * encoder, with its canonical `ASN:VALUE` text made once, for keys, reports and vtysh (names
 * resolved: `no-export` is `65535:65281`). JSON and string coercion give the text, so a plan or a
 * config printed as JSON reads as before.
 */
export class RouteCommunity extends TextValue {
  readonly text: string;

  constructor(readonly value: number) {
    super();
    this.text = formatCommunity(value);
    Object.freeze(this);
  }
}

/** An RFC 8092 large community as a route carries it: the three numbers and their `A:B:C` text. */
export class RouteLargeCommunity extends TextValue {
  readonly text: string;

  constructor(readonly value: LargeCommunity) {
    super();
    this.text = formatLargeCommunity(value);
    Object.freeze(this);
  }
}

/** Numeric order of standard communities: ASN, then value (the order a plan lists them in). */
export function compareRouteCommunity(a: RouteCommunity, b: RouteCommunity): number {
  return a.value - b.value;
}

/** Numeric order of large communities: global administrator, then each local data part. */
export function compareRouteLargeCommunity(a: RouteLargeCommunity, b: RouteLargeCommunity): number {
  const x = a.value;
  const y = b.value;
  return x.globalAdmin - y.globalAdmin || x.localData1 - y.localData1 || x.localData2 - y.localData2;
}

/** The texts of route communities: how reports, keys and vtysh show a list of them. */
export function communityTexts(list: readonly { text: string }[]): string[] {
  return list.map((c) => c.text);
}
