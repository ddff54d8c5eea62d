import { Afi, AsPathSegmentType, AttrFlag, AttrType, Safi } from './constants.js';
import { BgpWireError, type WireErrorAction, type WireErrorReason } from './errors.js';
import { decodePrefixes } from './nlri.js';
import type { LargeCommunity } from '../../ip/community.js';
import { formatIpBytes } from '../../ip/address.js';
import { copyBytes } from './prefix.js';
import type { Prefix } from './prefix-type.js';
import type { Aggregator, AsPathSegment, CodecContext, MpNextHop, PathAttributes } from './types.js';

const WELL_KNOWN = AttrFlag.Transitive;
const OPTIONAL_TRANSITIVE = AttrFlag.Optional | AttrFlag.Transitive;
const OPTIONAL = AttrFlag.Optional;

/**
 * Per recognised attribute: the O/T flags it must carry and what RFC 7606 §7 does when it is
 * malformed (flags, length or value).
 */
const SPEC: Record<number, { flags: number; action: WireErrorAction }> = {
  [AttrType.Origin]: { flags: WELL_KNOWN, action: 'treat-as-withdraw' },
  [AttrType.AsPath]: { flags: WELL_KNOWN, action: 'treat-as-withdraw' },
  [AttrType.NextHop]: { flags: WELL_KNOWN, action: 'treat-as-withdraw' },
  [AttrType.MultiExitDisc]: { flags: OPTIONAL, action: 'treat-as-withdraw' },
  [AttrType.LocalPref]: { flags: WELL_KNOWN, action: 'treat-as-withdraw' },
  [AttrType.AtomicAggregate]: { flags: WELL_KNOWN, action: 'attribute-discard' },
  [AttrType.Aggregator]: { flags: OPTIONAL_TRANSITIVE, action: 'attribute-discard' },
  [AttrType.Communities]: { flags: OPTIONAL_TRANSITIVE, action: 'treat-as-withdraw' },
  [AttrType.MpReachNlri]: { flags: OPTIONAL, action: 'session-reset' },
  [AttrType.MpUnreachNlri]: { flags: OPTIONAL, action: 'session-reset' },
  [AttrType.ExtendedCommunities]: { flags: OPTIONAL_TRANSITIVE, action: 'treat-as-withdraw' },
  [AttrType.As4Path]: { flags: OPTIONAL_TRANSITIVE, action: 'attribute-discard' },
  [AttrType.As4Aggregator]: { flags: OPTIONAL_TRANSITIVE, action: 'attribute-discard' },
  [AttrType.LargeCommunities]: { flags: OPTIONAL_TRANSITIVE, action: 'treat-as-withdraw' },
};

const SEVERITY: Record<WireErrorAction, number> = {
  'attribute-discard': 0,
  'treat-as-withdraw': 1,
  'session-reset': 2,
};

export interface DecodedAttributes {
  attributes: PathAttributes;
  /** attribute-discard errors (the attribute was dropped, the UPDATE stands). */
  discarded: BgpWireError[];
  /** The most severe treat-as-withdraw error, if any (session-reset errors are thrown). */
  withdrawError?: BgpWireError;
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);
const u32 = (b: Uint8Array, i: number): number =>
  (b[i] as number) * 0x1000000 +
  (((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number));

/** Thrown inside one attribute's decoder; turned into a BgpWireError with the attribute as data. */
class AttrFault {
  constructor(
    readonly reason: WireErrorReason,
    readonly detail: string,
    readonly action?: WireErrorAction,
    readonly data?: Buffer,
  ) {}
}

function decodeAsPath(
  b: Uint8Array,
  s: number,
  e: number,
  asnSize: 2 | 4,
  reason: WireErrorReason,
): AsPathSegment[] {
  const segs: AsPathSegment[] = [];
  let i = s;
  while (i < e) {
    if (i + 2 > e) throw new AttrFault(reason, 'segment header truncated');
    const type = b[i] as number;
    const count = b[i + 1] as number;
    if (type < 1 || type > 4) throw new AttrFault(reason, `segment type ${type}`);
    // RFC 7606 §7.2: a zero-length segment makes AS_PATH malformed.
    if (count === 0) throw new AttrFault(reason, 'empty segment');
    i += 2;
    if (i + count * asnSize > e) throw new AttrFault(reason, 'segment overruns the attribute');
    const asns = new Array<number>(count);
    for (let k = 0; k < count; k++, i += asnSize) asns[k] = asnSize === 4 ? u32(b, i) : u16(b, i);
    segs.push({ type, asns });
  }
  return segs;
}

function isConfed(seg: AsPathSegment): boolean {
  return seg.type === AsPathSegmentType.ConfedSequence || seg.type === AsPathSegmentType.ConfedSet;
}

// RFC 7607 §2: AS 0 in AS_PATH, AS4_PATH, AGGREGATOR or AS4_AGGREGATOR makes the attribute
// malformed; RFC 7606 then decides the action per attribute.
function rejectAsZero(segs: readonly AsPathSegment[], reason: WireErrorReason): void {
  if (segs.some((seg) => seg.asns.includes(0))) throw new AttrFault(reason, 'AS 0 in the path');
}

function decodeAggregator(b: Uint8Array, s: number, len: number, asnSize: 2 | 4): Aggregator {
  if (len !== asnSize + 4)
    throw new AttrFault('update-attribute-length', `length ${len}, expected ${asnSize + 4}`);
  const asn = asnSize === 4 ? u32(b, s) : u16(b, s);
  if (asn === 0) throw new AttrFault('update-optional-attribute', 'AS 0 (RFC 7607)');
  return { asn, address: formatIpBytes(4, b, s + asnSize) };
}

function expectLength(len: number, ok: boolean, expected: string): void {
  if (!ok) throw new AttrFault('update-attribute-length', `length ${len}, expected ${expected}`);
}

function decodeMpNextHop(b: Uint8Array, s: number, len: number, afi: number): MpNextHop {
  // RFC 4760 §3, RFC 2545 §3 (IPv6 global [+ link-local]), RFC 8950 (IPv6 next hop for IPv4).
  if (len === 4 && afi === Afi.Ipv4) return { global: formatIpBytes(4, b, s) };
  if (len === 16) return { global: formatIpBytes(6, b, s) };
  if (len === 32) return { global: formatIpBytes(6, b, s), linkLocal: formatIpBytes(6, b, s + 16) };
  throw new AttrFault('update-optional-attribute', `next hop length ${len} for AFI ${afi}`);
}

function isUnicastFamily(afi: number, safi: number): boolean {
  return (afi === Afi.Ipv4 || afi === Afi.Ipv6) && safi === Safi.Unicast;
}

function familyOf(afi: number): 4 | 6 {
  return afi === Afi.Ipv4 ? 4 : 6;
}

function addPathFor(ctx: CodecContext, fam: 4 | 6): boolean {
  return fam === 4 ? ctx.addPath.receive.ipv4 : ctx.addPath.receive.ipv6;
}

/**
 * Decodes the path attributes in `b[start..end)` (RFC 4271 §4.3/§6.3 with RFC 7606). Session
 * reset errors are thrown; treat-as-withdraw and attribute-discard errors are returned so the
 * caller can still locate every NLRI.
 *
 * Choices where the RFCs leave room: an attribute header or value overrunning the list stops
 * parsing with treat-as-withdraw (RFC 7606 §4), or session reset when the overrunning attribute
 * is MP_REACH/MP_UNREACH (its NLRI cannot be located, §5.3); a bad prefix inside MP_REACH/MP_UNREACH
 * is 3/9 (RFC 4760 §7) with session reset (§5.3, §7.11); AS4_PATH/AS4_AGGREGATOR value errors are 3/9 with
 * attribute discard (RFC 6793 §6). Rules that depend on the session being internal or external
 * (confederation segments, LOCAL_PREF) follow `ctx.ibgp`; NEXT_HOP equal to our own address is the
 * speaker's rule, not the codec's.
 */
export function decodeAttributes(
  b: Uint8Array,
  start: number,
  end: number,
  ctx: CodecContext,
): DecodedAttributes {
  const attrs: PathAttributes = {};
  const out: DecodedAttributes = { attributes: attrs, discarded: [] };
  const seen = new Set<number>();
  const asnSize = ctx.fourOctetAs ? 4 : 2;
  const raise = (err: BgpWireError): void => {
    if (err.action === 'session-reset') throw err;
    if (err.action === 'attribute-discard') out.discarded.push(err);
    else if (out.withdrawError === undefined || SEVERITY[out.withdrawError.action] < SEVERITY[err.action]) {
      out.withdrawError = err;
    }
  };
  const malformedList = (detail: string, action: WireErrorAction): void =>
    raise(new BgpWireError('update-malformed-attribute-list', detail, undefined, action));
  let i = start;
  while (i < end) {
    const hs = i;
    const flags = b[i] as number;
    const ext = (flags & AttrFlag.ExtendedLength) !== 0;
    const headerLen = ext ? 4 : 3;
    // RFC 7606 §4: an attribute header or value overrunning Total Path Attribute Length.
    if (i + headerLen > end) {
      malformedList('attribute header truncated', 'treat-as-withdraw');
      break;
    }
    const type = b[i + 1] as number;
    const len = ext ? u16(b, i + 2) : (b[i + 2] as number);
    const vs = i + headerLen;
    const ve = vs + len;
    if (ve > end) {
      malformedList(
        `attribute ${type} length ${len} overruns the attribute list`,
        type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri
          ? 'session-reset'
          : 'treat-as-withdraw',
      );
      break;
    }
    i = ve;
    // RFC 4271 §5.1.5: LOCAL_PREF from an external peer is ignored; RFC 7606 §7.5 discards it
    // whatever its flags or length, so it is neither checked nor kept.
    if (type === AttrType.LocalPref && !ctx.ibgp) continue;
    const whole = (): Buffer => Buffer.from(b.subarray(hs, ve));
    // RFC 7606 §3(g): repeated MP attributes reset the session; of any other attribute, recognised
    // or not, the first occurrence is kept and the repeats are discarded.
    if (seen.has(type)) {
      const mp = type === AttrType.MpReachNlri || type === AttrType.MpUnreachNlri;
      malformedList(`attribute ${type} appears more than once`, mp ? 'session-reset' : 'attribute-discard');
      continue;
    }
    seen.add(type);
    const spec = SPEC[type];
    if (spec === undefined) {
      if ((flags & AttrFlag.Optional) === 0) {
        throw new BgpWireError(
          'update-unrecognized-well-known',
          `unrecognised well-known attribute ${type}`,
          whole(),
        );
      }
      // RFC 4271 §5: pass on optional transitive attributes with Partial set; drop the others.
      if ((flags & AttrFlag.Transitive) !== 0) {
        (attrs.unknown ??= []).push({
          flags: (flags | AttrFlag.Partial) & 0xe0,
          typeCode: type,
          value: copyBytes(b, vs, ve),
        });
      }
      continue;
    }
    if ((flags & (AttrFlag.Optional | AttrFlag.Transitive)) !== spec.flags) {
      raise(
        new BgpWireError(
          'update-attribute-flags',
          `attribute ${type} flags 0x${flags.toString(16)}`,
          whole(),
          spec.action,
        ),
      );
      continue;
    }
    try {
      decodeOne(b, type, vs, len, attrs, ctx, asnSize);
    } catch (f) {
      if (!(f instanceof AttrFault)) throw f;
      raise(
        new BgpWireError(
          f.reason,
          `attribute ${type}: ${f.detail}`,
          f.data ?? whole(),
          f.action ?? spec.action,
        ),
      );
    }
  }
  return out;
}

function decodeOne(
  b: Uint8Array,
  type: number,
  s: number,
  len: number,
  attrs: PathAttributes,
  ctx: CodecContext,
  asnSize: 2 | 4,
): void {
  const e = s + len;
  switch (type) {
    case AttrType.Origin: {
      expectLength(len, len === 1, '1');
      const v = b[s] as number;
      if (v > 2) throw new AttrFault('update-invalid-origin', `ORIGIN ${v}`);
      attrs.origin = v;
      return;
    }
    case AttrType.AsPath: {
      const segs = decodeAsPath(b, s, e, asnSize, 'update-malformed-as-path');
      rejectAsZero(segs, 'update-malformed-as-path');
      // RFC 5065 §5 with RFC 7606 §7.2: confederation segments from a peer outside our
      // confederation (we run none, so any external peer) make AS_PATH malformed.
      if (!ctx.ibgp && segs.some(isConfed))
        throw new AttrFault('update-malformed-as-path', 'confederation segment from an external peer');
      attrs.asPath = segs;
      return;
    }
    case AttrType.NextHop: {
      expectLength(len, len === 4, '4');
      const first = b[s] as number;
      // Syntactic check only (RFC 7606 §7.3): unspecified, multicast and class E are no host.
      if (first >= 224 || u32(b, s) === 0)
        throw new AttrFault('update-invalid-next-hop', `NEXT_HOP ${formatIpBytes(4, b, s)}`);
      attrs.nextHop = formatIpBytes(4, b, s);
      return;
    }
    case AttrType.MultiExitDisc:
      expectLength(len, len === 4, '4');
      attrs.med = u32(b, s);
      return;
    case AttrType.LocalPref:
      expectLength(len, len === 4, '4');
      attrs.localPref = u32(b, s);
      return;
    case AttrType.AtomicAggregate:
      expectLength(len, len === 0, '0');
      attrs.atomicAggregate = true;
      return;
    case AttrType.Aggregator:
      attrs.aggregator = decodeAggregator(b, s, len, asnSize);
      return;
    case AttrType.Communities: {
      expectLength(len, len > 0 && len % 4 === 0, 'a non-zero multiple of 4');
      const list: number[] = [];
      for (let i = s; i < e; i += 4) list.push(u32(b, i));
      attrs.communities = list;
      return;
    }
    case AttrType.ExtendedCommunities: {
      expectLength(len, len > 0 && len % 8 === 0, 'a non-zero multiple of 8');
      const list: bigint[] = [];
      for (let i = s; i < e; i += 8) list.push((BigInt(u32(b, i)) << 32n) | BigInt(u32(b, i + 4)));
      attrs.extendedCommunities = list;
      return;
    }
    case AttrType.LargeCommunities: {
      expectLength(len, len > 0 && len % 12 === 0, 'a non-zero multiple of 12');
      const list: LargeCommunity[] = [];
      for (let i = s; i < e; i += 12)
        list.push({ globalAdmin: u32(b, i), localData1: u32(b, i + 4), localData2: u32(b, i + 8) });
      attrs.largeCommunities = list;
      return;
    }
    case AttrType.As4Path: {
      // RFC 6793 §3: between two NEW speakers AS4_PATH has no meaning and is ignored.
      if (ctx.fourOctetAs) return;
      const segs = decodeAsPath(b, s, e, 4, 'update-optional-attribute');
      rejectAsZero(segs, 'update-optional-attribute');
      // RFC 6793 §6: confederation segments in AS4_PATH are discarded, the rest is kept.
      attrs.as4Path = segs.filter((seg) => !isConfed(seg));
      return;
    }
    case AttrType.As4Aggregator:
      if (ctx.fourOctetAs) return;
      attrs.as4Aggregator = decodeAggregator(b, s, len, 4);
      return;
    case AttrType.MpReachNlri:
      decodeMpReach(b, s, len, attrs, ctx);
      return;
    case AttrType.MpUnreachNlri:
      decodeMpUnreach(b, s, len, attrs, ctx);
      return;
  }
}

function decodeMpReach(
  b: Uint8Array,
  s: number,
  len: number,
  attrs: PathAttributes,
  ctx: CodecContext,
): void {
  if (len < 5) throw new AttrFault('update-optional-attribute', `MP_REACH_NLRI length ${len}`);
  const afi = u16(b, s);
  const safi = b[s + 2] as number;
  const nhLen = b[s + 3] as number;
  const nhStart = s + 4;
  // Next hop, then one reserved octet (RFC 4760 §3).
  if (nhStart + nhLen + 1 > s + len)
    throw new AttrFault('update-optional-attribute', 'next hop overruns MP_REACH_NLRI');
  const nlriStart = nhStart + nhLen + 1;
  const end = s + len;
  if (!isUnicastFamily(afi, safi)) {
    attrs.mpReach = {
      afi,
      safi,
      nextHop: { global: '' },
      nlri: [],
      raw: { nextHop: copyBytes(b, nhStart, nhStart + nhLen), nlri: copyBytes(b, nlriStart, end) },
    };
    return;
  }
  const nextHop = decodeMpNextHop(b, nhStart, nhLen, afi);
  const nlri = decodeMpPrefixes(b, nlriStart, end, afi, ctx, 'MP_REACH_NLRI');
  attrs.mpReach = { afi, safi, nextHop, nlri };
}

function decodeMpUnreach(
  b: Uint8Array,
  s: number,
  len: number,
  attrs: PathAttributes,
  ctx: CodecContext,
): void {
  if (len < 3) throw new AttrFault('update-optional-attribute', `MP_UNREACH_NLRI length ${len}`);
  const afi = u16(b, s);
  const safi = b[s + 2] as number;
  if (!isUnicastFamily(afi, safi)) {
    attrs.mpUnreach = { afi, safi, withdrawn: [], raw: copyBytes(b, s + 3, s + len) };
    return;
  }
  const withdrawn = decodeMpPrefixes(b, s + 3, s + len, afi, ctx, 'MP_UNREACH_NLRI');
  attrs.mpUnreach = { afi, safi, withdrawn };
}

/** The prefixes of MP_REACH_NLRI or MP_UNREACH_NLRI, for a unicast AFI. */
function decodeMpPrefixes(
  b: Uint8Array,
  start: number,
  end: number,
  afi: number,
  ctx: CodecContext,
  attribute: 'MP_REACH_NLRI' | 'MP_UNREACH_NLRI',
): Prefix[] {
  const fam = familyOf(afi);
  const prefixes: Prefix[] = [];
  const why = decodePrefixes(b, start, end, fam, addPathFor(ctx, fam), prefixes);
  // RFC 4760 §7: an incorrect MP_REACH_NLRI / MP_UNREACH_NLRI is an Optional Attribute Error
  // (3/9), with the attribute as data; RFC 7606 §5.3 / §7.11: its NLRI cannot be located, so the
  // session is reset.
  if (why !== undefined)
    throw new AttrFault('update-optional-attribute', `${attribute}: ${why}`, 'session-reset');
  return prefixes;
}
