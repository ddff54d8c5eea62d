/** BGP well-known communities (RFC 1997, RFC 7999, RFC 8326, RFC 3765) by the names MetalLB uses. */
export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, string>> = {
  'graceful-shutdown': '65535:0',
  blackhole: '65535:666',
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'no-export-subconfed': '65535:65283',
  'local-as': '65535:65283',
  'no-peer': '65535:65284',
};

export type Community = { kind: 'standard'; value: string } | { kind: 'large'; value: string };

export type CommunityParse = { ok: true; community: Community } | { ok: false; reason: string };

const MAX_U16 = 0xffff;
const MAX_U32 = 0xffff_ffff;

/**
 * Parses a community as MetalLB writes it: `ASN:VALUE` (two 16-bit numbers), `large:A:B:C`
 * (three 32-bit numbers), a well-known name, or an alias from `aliases`. Canonical output has no
 * leading zeros; large communities are returned as `A:B:C` without the `large:` tag.
 */
export function parseCommunity(
  text: string,
  aliases: ReadonlyMap<string, string> = new Map(),
): CommunityParse {
  const alias = aliases.get(text);
  if (alias !== undefined) return parseLiteral(alias);
  const known = WELL_KNOWN_COMMUNITIES[text];
  if (known !== undefined) return parseLiteral(known);
  if (!text.includes(':')) {
    return { ok: false, reason: 'is neither a community nor a known community alias' };
  }
  return parseLiteral(text);
}

/** Parses a literal community (no names); used for alias values too. */
export function parseLiteral(text: string): CommunityParse {
  const parts = text.split(':');
  if (parts[0] === 'large' && parts.length === 4) {
    const nums = parts.slice(1).map((p) => toNumber(p, MAX_U32));
    if (nums.some((n) => n === undefined)) {
      return { ok: false, reason: 'is not a valid large community: want large:A:B:C, each 0..4294967295' };
    }
    return { ok: true, community: { kind: 'large', value: nums.join(':') } };
  }
  if (parts.length === 2) {
    const nums = parts.map((p) => toNumber(p, MAX_U16));
    if (nums.some((n) => n === undefined)) {
      return { ok: false, reason: 'is not a valid community: want ASN:VALUE, each 0..65535' };
    }
    return { ok: true, community: { kind: 'standard', value: nums.join(':') } };
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
