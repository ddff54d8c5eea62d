import { AS_TRANS, Afi, AsPathSegmentType, AttrFlag, AttrType } from './constants.js';
import { BgpEncodeError } from './errors.js';
import { prefixWireSize, writePrefix } from './nlri.js';
import { parseAddress } from './prefix.js';
import type { Prefix } from './prefix-type.js';
import type { Aggregator, AsPathSegment, CodecContext, MpNextHop, PathAttributes } from './types.js';

const WELL_KNOWN = AttrFlag.Transitive;
const OPTIONAL_TRANSITIVE = AttrFlag.Optional | AttrFlag.Transitive;
const OPTIONAL = AttrFlag.Optional;
const MAX_SEGMENT = 255;

/** Flags, type and length (extended length only when the value needs it), then the value. */
export function attributeTlv(flags: number, type: number, value: Uint8Array): Buffer {
  if (value.length > 0xffff) throw new BgpEncodeError(`attribute ${type}: value of ${value.length} octets`);
  const ext = value.length > 255;
  const head = ext ? 4 : 3;
  const out = Buffer.allocUnsafe(head + value.length);
  out[0] = (flags & 0xe0) | (ext ? AttrFlag.ExtendedLength : 0);
  out[1] = type;
  if (ext) out.writeUInt16BE(value.length, 2);
  else out[2] = value.length;
  out.set(value, head);
  return out;
}

function u32(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

function ipv4(text: string, what: string): Uint8Array {
  const a = parseAddress(text);
  if (a?.family !== 4) throw new BgpEncodeError(`${what}: not an IPv4 address: '${text}'`);
  return a.addr;
}

/** AS_PATH / AS4_PATH value; segments over 255 ASes are split (RFC 4271 §5.1.2). */
function asPathValue(segs: AsPathSegment[], asnSize: 2 | 4): Buffer {
  const parts: Buffer[] = [];
  for (const seg of segs) {
    for (let k = 0; k < seg.asns.length; k += MAX_SEGMENT) {
      const chunk = seg.asns.slice(k, k + MAX_SEGMENT);
      const b = Buffer.allocUnsafe(2 + chunk.length * asnSize);
      b[0] = seg.type;
      b[1] = chunk.length;
      chunk.forEach((asn, j) => {
        if (asnSize === 4) b.writeUInt32BE(asn >>> 0, 2 + j * 4);
        else b.writeUInt16BE(asn > 0xffff ? AS_TRANS : asn, 2 + j * 2);
      });
      parts.push(b);
    }
  }
  return Buffer.concat(parts);
}

function aggregatorValue(a: Aggregator, asnSize: 2 | 4): Buffer {
  const b = Buffer.allocUnsafe(asnSize + 4);
  if (asnSize === 4) b.writeUInt32BE(a.asn >>> 0, 0);
  else b.writeUInt16BE(a.asn > 0xffff ? AS_TRANS : a.asn, 0);
  b.set(ipv4(a.address, 'AGGREGATOR'), asnSize);
  return b;
}

const needsAs4 = (segs: AsPathSegment[]): boolean => segs.some((s) => s.asns.some((a) => a > 0xffff));

/** Next hop octets for MP_REACH_NLRI: 4 (IPv4), 16 (IPv6 global) or 32 (global + link-local). */
export function mpNextHopBytes(nh: MpNextHop): Buffer {
  const one = (text: string): Uint8Array => {
    const a = parseAddress(text);
    if (!a) throw new BgpEncodeError(`MP_REACH_NLRI: bad next hop '${text}'`);
    return a.addr;
  };
  const g = one(nh.global);
  if (nh.linkLocal === undefined) return Buffer.from(g);
  const ll = one(nh.linkLocal);
  if (g.length !== 16 || ll.length !== 16)
    throw new BgpEncodeError('MP_REACH_NLRI: link-local next hop needs IPv6 global');
  return Buffer.concat([g, ll]);
}

/** The MP_REACH_NLRI value up to (not including) the NLRI. */
export function mpReachHead(afi: number, safi: number, nextHop: Uint8Array): Buffer {
  const b = Buffer.alloc(5 + nextHop.length);
  b.writeUInt16BE(afi, 0);
  b[2] = safi;
  b[3] = nextHop.length;
  b.set(nextHop, 4);
  return b;
}

export function addPathSend(ctx: CodecContext, family: 4 | 6): boolean {
  return family === 4 ? ctx.addPath.send.ipv4 : ctx.addPath.send.ipv6;
}

function prefixesValue(prefixes: Prefix[], addPath: boolean): Buffer {
  let size = 0;
  for (const p of prefixes) size += prefixWireSize(p, addPath);
  const b = Buffer.allocUnsafe(size);
  let off = 0;
  for (const p of prefixes) off = writePrefix(b, off, p, addPath);
  return b;
}

function familyOfAfi(afi: number): 4 | 6 {
  return afi === Afi.Ipv4 ? 4 : 6;
}

/** The MP_REACH_NLRI and MP_UNREACH_NLRI TLVs (RFC 7606 §5.1: sent first). */
function encodeMp(attrs: PathAttributes, ctx: CodecContext): Buffer[] {
  const out: Buffer[] = [];
  const un = attrs.mpUnreach;
  if (un) {
    const body = un.raw ?? prefixesValue(un.withdrawn, addPathSend(ctx, familyOfAfi(un.afi)));
    const head = Buffer.from([un.afi >> 8, un.afi & 0xff, un.safi]);
    out.push(attributeTlv(OPTIONAL, AttrType.MpUnreachNlri, Buffer.concat([head, body])));
  }
  const re = attrs.mpReach;
  if (re) {
    const nh = re.raw ? re.raw.nextHop : mpNextHopBytes(re.nextHop);
    const body = re.raw ? re.raw.nlri : prefixesValue(re.nlri, addPathSend(ctx, familyOfAfi(re.afi)));
    out.push(
      attributeTlv(OPTIONAL, AttrType.MpReachNlri, Buffer.concat([mpReachHead(re.afi, re.safi, nh), body])),
    );
  }
  return out;
}

/**
 * Every attribute except MP_REACH/MP_UNREACH, in type code order. To a 2-octet peer, 4-octet
 * ASes become AS_TRANS and AS4_PATH / AS4_AGGREGATOR carry the real ones (RFC 6793 §4.2.2);
 * between 4-octet peers AS4_* are never sent.
 */
export function encodeCommonAttributes(attrs: PathAttributes, ctx: CodecContext): Buffer {
  const asnSize = ctx.fourOctetAs ? 4 : 2;
  const parts: Buffer[] = [];
  if (attrs.origin !== undefined)
    parts.push(attributeTlv(WELL_KNOWN, AttrType.Origin, Buffer.from([attrs.origin])));
  if (attrs.asPath !== undefined)
    parts.push(attributeTlv(WELL_KNOWN, AttrType.AsPath, asPathValue(attrs.asPath, asnSize)));
  if (attrs.nextHop !== undefined)
    parts.push(attributeTlv(WELL_KNOWN, AttrType.NextHop, ipv4(attrs.nextHop, 'NEXT_HOP')));
  if (attrs.med !== undefined) parts.push(attributeTlv(OPTIONAL, AttrType.MultiExitDisc, u32(attrs.med)));
  if (attrs.localPref !== undefined)
    parts.push(attributeTlv(WELL_KNOWN, AttrType.LocalPref, u32(attrs.localPref)));
  if (attrs.atomicAggregate) parts.push(attributeTlv(WELL_KNOWN, AttrType.AtomicAggregate, Buffer.alloc(0)));
  if (attrs.aggregator !== undefined) {
    parts.push(
      attributeTlv(OPTIONAL_TRANSITIVE, AttrType.Aggregator, aggregatorValue(attrs.aggregator, asnSize)),
    );
  }
  if (attrs.communities !== undefined && attrs.communities.length > 0) {
    parts.push(
      attributeTlv(OPTIONAL_TRANSITIVE, AttrType.Communities, Buffer.concat(attrs.communities.map(u32))),
    );
  }
  if (attrs.extendedCommunities !== undefined && attrs.extendedCommunities.length > 0) {
    const b = Buffer.allocUnsafe(attrs.extendedCommunities.length * 8);
    attrs.extendedCommunities.forEach((c, k) => b.writeBigUInt64BE(BigInt.asUintN(64, c), k * 8));
    parts.push(attributeTlv(OPTIONAL_TRANSITIVE, AttrType.ExtendedCommunities, b));
  }
  if (!ctx.fourOctetAs) {
    const as4Path =
      attrs.as4Path ??
      (attrs.asPath && needsAs4(attrs.asPath)
        ? attrs.asPath.filter(
            (s) => s.type === AsPathSegmentType.AsSequence || s.type === AsPathSegmentType.AsSet,
          )
        : undefined);
    if (as4Path !== undefined)
      parts.push(attributeTlv(OPTIONAL_TRANSITIVE, AttrType.As4Path, asPathValue(as4Path, 4)));
    const as4Agg =
      attrs.as4Aggregator ??
      (attrs.aggregator && attrs.aggregator.asn > 0xffff ? attrs.aggregator : undefined);
    if (as4Agg !== undefined)
      parts.push(attributeTlv(OPTIONAL_TRANSITIVE, AttrType.As4Aggregator, aggregatorValue(as4Agg, 4)));
  }
  if (attrs.largeCommunities !== undefined && attrs.largeCommunities.length > 0) {
    const b = Buffer.allocUnsafe(attrs.largeCommunities.length * 12);
    attrs.largeCommunities.forEach((c, k) => {
      b.writeUInt32BE(c.globalAdmin >>> 0, k * 12);
      b.writeUInt32BE(c.localData1 >>> 0, k * 12 + 4);
      b.writeUInt32BE(c.localData2 >>> 0, k * 12 + 8);
    });
    parts.push(attributeTlv(OPTIONAL_TRANSITIVE, AttrType.LargeCommunities, b));
  }
  for (const u of attrs.unknown ?? []) parts.push(attributeTlv(u.flags, u.typeCode, u.value));
  return Buffer.concat(parts);
}

/** All path attributes of an UPDATE: MP ones first, then the rest. */
export function encodeAttributes(attrs: PathAttributes, ctx: CodecContext): Buffer {
  return Buffer.concat([...encodeMp(attrs, ctx), encodeCommonAttributes(attrs, ctx)]);
}
