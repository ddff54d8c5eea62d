import {
  addPathSend,
  attributeTlv,
  encodeAttributes,
  encodeCommonAttributes,
  mpNextHopBytes,
  mpReachHead,
} from './attributes-encode.js';
import { decodeAttributes } from './attributes-decode.js';
import { Afi, AttrFlag, AttrType, HEADER_LENGTH, MessageType, Safi } from './constants.js';
import { maxMessageSize } from './context.js';
import { BgpEncodeError, BgpWireError } from './errors.js';
import { writeHeader } from './header.js';
import { decodePrefixes, prefixWireSize, writePrefix } from './nlri.js';
import type { Prefix } from './prefix-type.js';
import type { CodecContext, PathAttributes, UpdateMessage } from './types.js';

const u16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

/** Every prefix an UPDATE carries: what RFC 7606 treat-as-withdraw withdraws. */
function allPrefixes(withdrawn: Prefix[], nlri: Prefix[], attrs: PathAttributes): Prefix[] {
  return [...withdrawn, ...nlri, ...(attrs.mpReach?.nlri ?? []), ...(attrs.mpUnreach?.withdrawn ?? [])];
}

/**
 * Decodes an UPDATE (`m` is the whole message, header checked). Throws BgpWireError for
 * session-reset and treat-as-withdraw; attribute-discard errors are listed in `discarded`.
 */
export function decodeUpdate(m: Uint8Array, ctx: CodecContext): UpdateMessage {
  const end = m.length;
  const wlen = u16(m, 19);
  const ws = 21;
  // RFC 4271 §6.3: Withdrawn Routes Length + Total Attribute Length + 23 > message length.
  if (ws + wlen + 2 > end)
    throw new BgpWireError('update-malformed-attribute-list', `withdrawn routes length ${wlen} overruns`);
  const alen = u16(m, ws + wlen);
  const as = ws + wlen + 2;
  if (as + alen > end)
    throw new BgpWireError('update-malformed-attribute-list', `total attribute length ${alen} overruns`);
  const withdrawn: Prefix[] = [];
  let why = decodePrefixes(m, ws, ws + wlen, 4, ctx.addPath.receive.ipv4, withdrawn);
  if (why !== undefined) throw new BgpWireError('update-invalid-network-field', `withdrawn routes: ${why}`);
  const nlri: Prefix[] = [];
  why = decodePrefixes(m, as + alen, end, 4, ctx.addPath.receive.ipv4, nlri);
  if (why !== undefined) throw new BgpWireError('update-invalid-network-field', `NLRI: ${why}`);

  const { attributes, discarded, withdrawError } = decodeAttributes(m, as, as + alen, ctx);
  if (withdrawError)
    throw withdrawError.withAction('treat-as-withdraw', allPrefixes(withdrawn, nlri, attributes));
  const missing = missingWellKnown(attributes, nlri.length > 0, ctx);
  if (missing !== undefined) {
    throw new BgpWireError(
      'update-missing-well-known',
      `missing well-known attribute ${missing}`,
      Buffer.from([missing]),
      'treat-as-withdraw',
      allPrefixes(withdrawn, nlri, attributes),
    );
  }
  const msg: UpdateMessage = { type: 'update', withdrawn, attributes, nlri };
  if (discarded.length > 0) msg.discarded = discarded;
  return msg;
}

/** RFC 4271 §6.3 / RFC 7606 §3(d): mandatory attributes are checked only when NLRI is present. */
function missingWellKnown(a: PathAttributes, classicNlri: boolean, ctx: CodecContext): number | undefined {
  const reach =
    classicNlri || (a.mpReach !== undefined && (a.mpReach.nlri.length > 0 || a.mpReach.raw !== undefined));
  if (!reach) return undefined;
  if (a.origin === undefined) return AttrType.Origin;
  if (a.asPath === undefined) return AttrType.AsPath;
  if (classicNlri && a.nextHop === undefined) return AttrType.NextHop;
  if (ctx.ibgp && a.localPref === undefined) return AttrType.LocalPref;
  return undefined;
}

/** Encodes one UPDATE as given; throws BgpEncodeError when it exceeds the negotiated size. */
export function encodeUpdate(msg: UpdateMessage, ctx: CodecContext): Buffer {
  const ap = ctx.addPath.send.ipv4;
  const attrs = encodeAttributes(msg.attributes, ctx);
  let wlen = 0;
  for (const p of msg.withdrawn) wlen += prefixWireSize(p, ap);
  let nlen = 0;
  for (const p of msg.nlri) nlen += prefixWireSize(p, ap);
  const length = HEADER_LENGTH + 4 + wlen + attrs.length + nlen;
  const max = maxMessageSize(ctx);
  if (length > max) throw new BgpEncodeError(`UPDATE of ${length} octets exceeds ${max}`);
  if (wlen > 0xffff || attrs.length > 0xffff)
    throw new BgpEncodeError('UPDATE field longer than 65535 octets');
  const out = Buffer.allocUnsafe(length);
  writeHeader(out, length, MessageType.Update);
  out.writeUInt16BE(wlen, 19);
  let off = 21;
  for (const p of msg.withdrawn) off = writePrefix(out, off, p, ap);
  out.writeUInt16BE(attrs.length, off);
  out.set(attrs, off + 2);
  off += 2 + attrs.length;
  for (const p of msg.nlri) off = writePrefix(out, off, p, ap);
  return out;
}

function checkFamily(prefixes: readonly Prefix[]): 4 | 6 | undefined {
  const fam = prefixes[0]?.family;
  for (const p of prefixes) {
    if (p.family !== fam)
      throw new BgpEncodeError('prefixes of both families in one call; split them by family');
  }
  return fam;
}

/**
 * Packs `prefixes` into as few UPDATEs as fit the negotiated size. `fixed` octets (header,
 * lengths, attributes) are copied into each message, then the prefixes that fit, then `trailer`
 * zero octets; `finish` patches the lengths that depend on how many prefixes fitted.
 */
function pack(
  prefixes: readonly Prefix[],
  addPath: boolean,
  max: number,
  fixed: Buffer,
  trailer: number,
  finish: (msg: Buffer, prefixBytes: number) => void,
): Buffer[] {
  const out: Buffer[] = [];
  const room = max - fixed.length - trailer;
  let i = 0;
  while (i < prefixes.length) {
    let size = 0;
    let j = i;
    while (j < prefixes.length) {
      const s = prefixWireSize(prefixes[j] as Prefix, addPath);
      if (size + s > room) break;
      size += s;
      j++;
    }
    if (j === i) throw new BgpEncodeError('attributes leave no room for a single prefix');
    const msg = Buffer.allocUnsafe(fixed.length + size + trailer);
    fixed.copy(msg, 0);
    let off = fixed.length;
    for (let k = i; k < j; k++) off = writePrefix(msg, off, prefixes[k] as Prefix, addPath);
    msg.fill(0, off);
    msg[16] = msg.length >> 8;
    msg[17] = msg.length & 0xff;
    finish(msg, size);
    out.push(msg);
    i = j;
  }
  return out;
}

/**
 * UPDATEs announcing `prefixes` (one family) with `attrs`, packed up to the negotiated maximum
 * size. IPv4 goes in the classic NLRI field and needs `attrs.nextHop`; IPv6 goes in MP_REACH_NLRI
 * and needs `attrs.mpReach.nextHop` (its `nlri` is ignored). Any `mpUnreach` in `attrs` is ignored.
 */
export function encodeAnnouncements(
  attrs: PathAttributes,
  prefixes: readonly Prefix[],
  ctx: CodecContext,
): Buffer[] {
  const fam = checkFamily(prefixes);
  if (fam === undefined) return [];
  const max = maxMessageSize(ctx);
  const ap = addPathSend(ctx, fam);
  const common = { ...attrs };
  delete common.mpReach;
  delete common.mpUnreach;
  if (fam === 4) {
    if (attrs.nextHop === undefined) throw new BgpEncodeError('IPv4 announcement without NEXT_HOP');
    const body = encodeCommonAttributes(common, ctx);
    const fixed = Buffer.allocUnsafe(HEADER_LENGTH + 4 + body.length);
    writeHeader(fixed, 0, MessageType.Update);
    fixed.writeUInt16BE(0, 19);
    fixed.writeUInt16BE(body.length, 21);
    body.copy(fixed, 23);
    return pack(prefixes, ap, max, fixed, 0, () => undefined);
  }
  if (attrs.mpReach === undefined) throw new BgpEncodeError('IPv6 announcement without mpReach.nextHop');
  delete common.nextHop;
  const body = encodeCommonAttributes(common, ctx);
  const head = mpReachHead(Afi.Ipv6, Safi.Unicast, mpNextHopBytes(attrs.mpReach.nextHop));
  // MP_REACH_NLRI goes last so its NLRI can run to the end of the message; always with extended
  // length so the header size does not depend on how many prefixes fit.
  const fixed = Buffer.allocUnsafe(HEADER_LENGTH + 4 + body.length + 4 + head.length);
  writeHeader(fixed, 0, MessageType.Update);
  fixed.writeUInt16BE(0, 19);
  body.copy(fixed, 23);
  const mpAt = 23 + body.length;
  fixed[mpAt] = AttrFlag.Optional | AttrFlag.ExtendedLength;
  fixed[mpAt + 1] = AttrType.MpReachNlri;
  head.copy(fixed, mpAt + 4);
  return pack(prefixes, ap, max, fixed, 0, (msg, n) => {
    msg.writeUInt16BE(head.length + n, mpAt + 2);
    msg.writeUInt16BE(body.length + 4 + head.length + n, 21);
  });
}

/** UPDATEs withdrawing `prefixes` (one family): classic Withdrawn Routes or MP_UNREACH_NLRI. */
export function encodeWithdrawals(prefixes: readonly Prefix[], ctx: CodecContext): Buffer[] {
  const fam = checkFamily(prefixes);
  if (fam === undefined) return [];
  const max = maxMessageSize(ctx);
  const ap = addPathSend(ctx, fam);
  if (fam === 4) {
    const fixed = Buffer.allocUnsafe(HEADER_LENGTH + 2);
    writeHeader(fixed, 0, MessageType.Update);
    // The Total Path Attribute Length (0) follows the prefixes: a 2-octet zero trailer.
    return pack(prefixes, ap, max, fixed, 2, (msg, n) => msg.writeUInt16BE(n, 19));
  }
  const fixed = Buffer.allocUnsafe(HEADER_LENGTH + 4 + 4 + 3);
  writeHeader(fixed, 0, MessageType.Update);
  fixed.writeUInt16BE(0, 19);
  fixed[23] = AttrFlag.Optional | AttrFlag.ExtendedLength;
  fixed[24] = AttrType.MpUnreachNlri;
  fixed.writeUInt16BE(Afi.Ipv6, 27);
  fixed[29] = Safi.Unicast;
  return pack(prefixes, ap, max, fixed, 0, (msg, n) => {
    msg.writeUInt16BE(3 + n, 25);
    msg.writeUInt16BE(7 + n, 21);
  });
}

/** The End-of-RIB marker (RFC 4724 §2): empty UPDATE for IPv4, empty MP_UNREACH_NLRI otherwise. */
export function encodeEndOfRib(family: 4 | 6): Buffer {
  if (family === 4) {
    const out = Buffer.alloc(HEADER_LENGTH + 4);
    writeHeader(out, out.length, MessageType.Update);
    return out;
  }
  const attr = attributeTlv(
    AttrFlag.Optional,
    AttrType.MpUnreachNlri,
    Buffer.from([0, Afi.Ipv6, Safi.Unicast]),
  );
  const out = Buffer.alloc(HEADER_LENGTH + 4 + attr.length);
  writeHeader(out, out.length, MessageType.Update);
  out.writeUInt16BE(attr.length, 21);
  attr.copy(out, 23);
  return out;
}

/** The family whose End-of-RIB this UPDATE is, or undefined when it is not one. */
export function endOfRibFamily(msg: UpdateMessage): 4 | 6 | undefined {
  if (msg.withdrawn.length > 0 || msg.nlri.length > 0) return undefined;
  const a = msg.attributes;
  const keys = Object.keys(a);
  if (keys.length === 0) return 4;
  const un = a.mpUnreach;
  if (
    keys.length === 1 &&
    un &&
    un.withdrawn.length === 0 &&
    un.raw === undefined &&
    un.safi === Safi.Unicast
  ) {
    return un.afi === Afi.Ipv4 ? 4 : un.afi === Afi.Ipv6 ? 6 : undefined;
  }
  return undefined;
}
