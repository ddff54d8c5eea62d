import { decodeCapability, encodeCapability } from './capabilities.js';
import { AS_TRANS, BGP_VERSION, HEADER_LENGTH, MAX_MESSAGE_SIZE, MessageType } from './constants.js';
import { BgpEncodeError, BgpWireError } from './errors.js';
import { writeHeader } from './header.js';
import { formatIpBytes } from '../../ip/address.js';
import { parseAddress } from './prefix.js';
import type { Capability, FourOctetAsCapability, OpenMessage } from './types.js';

const CAPABILITIES_PARAM = 2;

/** Decodes an OPEN; `m` is the whole message (header checked, length >= 29). */
export function decodeOpen(m: Uint8Array): OpenMessage {
  const end = m.length;
  const version = m[19] as number;
  if (version !== BGP_VERSION) {
    throw new BgpWireError('open-version', `unsupported version ${version}`, Buffer.from([0, BGP_VERSION]));
  }
  const myAs = ((m[20] as number) << 8) | (m[21] as number);
  // RFC 7607 §2: AS 0 is never a peer's AS.
  if (myAs === 0) throw new BgpWireError('open-bad-peer-as', 'My Autonomous System is 0');
  const holdTime = ((m[22] as number) << 8) | (m[23] as number);
  if (holdTime === 1 || holdTime === 2) throw new BgpWireError('open-hold-time', `hold time ${holdTime} s`);
  const bgpId = formatIpBytes(4, m, 24);
  if (bgpId === '0.0.0.0') throw new BgpWireError('open-bgp-identifier', 'BGP identifier 0.0.0.0');
  let optLen = m[28] as number;
  let off = 29;
  let extended = false;
  // RFC 9072: Non-Ext OP Len 255 followed by Non-Ext OP Type 255 announces the extended format.
  if (optLen === 255 && end > 29 && m[29] === 255) {
    if (end < 32) throw new BgpWireError('open-malformed', 'extended optional parameters length truncated');
    extended = true;
    optLen = ((m[30] as number) << 8) | (m[31] as number);
    off = 32;
  }
  if (off + optLen !== end) {
    throw new BgpWireError(
      'open-malformed',
      `optional parameters length ${optLen} does not match the message`,
    );
  }
  const capabilities: Capability[] = [];
  const paramHead = extended ? 3 : 2;
  while (off < end) {
    if (off + paramHead > end)
      throw new BgpWireError('open-malformed', 'optional parameter header truncated');
    const type = m[off] as number;
    const len = extended ? ((m[off + 1] as number) << 8) | (m[off + 2] as number) : (m[off + 1] as number);
    off += paramHead;
    if (off + len > end)
      throw new BgpWireError('open-malformed', `optional parameter ${type} overruns the message`);
    if (type !== CAPABILITIES_PARAM) {
      throw new BgpWireError('open-unsupported-parameter', `optional parameter type ${type}`);
    }
    const pend = off + len;
    while (off < pend) {
      if (off + 2 > pend) throw new BgpWireError('open-malformed', 'capability header truncated');
      const code = m[off] as number;
      const clen = m[off + 1] as number;
      if (off + 2 + clen > pend)
        throw new BgpWireError('open-malformed', `capability ${code} overruns its parameter`);
      capabilities.push(decodeCapability(code, m, off + 2, clen));
      off += 2 + clen;
    }
  }
  return { type: 'open', version, myAs, holdTime, bgpId, capabilities, extendedParameters: extended };
}

export function encodeOpen(msg: OpenMessage): Buffer {
  const id = parseAddress(msg.bgpId);
  if (id?.family !== 4) throw new BgpEncodeError(`OPEN: bad BGP identifier '${msg.bgpId}'`);
  const caps = msg.capabilities.map(encodeCapability);
  const total = caps.reduce((n, c) => n + c.length, 0);
  const params: Buffer[] = [];
  let extended = msg.extendedParameters;
  if (!extended) {
    // Fill parameters of at most 255 octets; if their sum is still over 255, RFC 9072 it is.
    let group: Buffer[] = [];
    let size = 0;
    const flush = (): void => {
      if (group.length === 0) return;
      params.push(Buffer.concat([Buffer.from([CAPABILITIES_PARAM, size]), ...group]));
      group = [];
      size = 0;
    };
    for (const c of caps) {
      if (size + c.length > 255) flush();
      group.push(c);
      size += c.length;
    }
    flush();
    extended = params.reduce((n, p) => n + p.length, 0) > 255;
  }
  let opt: Buffer;
  if (extended) {
    const head = total > 0 ? Buffer.from([CAPABILITIES_PARAM, total >> 8, total & 0xff]) : Buffer.alloc(0);
    const body = Buffer.concat([head, ...caps]);
    opt = Buffer.concat([Buffer.from([255, 255, body.length >> 8, body.length & 0xff]), body]);
  } else {
    const body = Buffer.concat(params);
    opt = Buffer.concat([Buffer.from([body.length]), body]);
  }
  const length = HEADER_LENGTH + 9 + opt.length;
  if (length > MAX_MESSAGE_SIZE) throw new BgpEncodeError(`OPEN of ${length} octets exceeds 4096`);
  const out = Buffer.alloc(length);
  writeHeader(out, length, MessageType.Open);
  out[19] = msg.version;
  out.writeUInt16BE(msg.myAs & 0xffff, 20);
  out.writeUInt16BE(msg.holdTime & 0xffff, 22);
  out.set(id.addr, 24);
  out.set(opt, 28);
  return out;
}

/** The speaker's real AS: the 4-octet AS capability when present, else My Autonomous System. */
export function openAsn(open: OpenMessage): number {
  const cap = open.capabilities.find((c): c is FourOctetAsCapability => c.kind === 'four-octet-as');
  return cap ? cap.asn : open.myAs;
}

/** An OPEN for `asn` (AS_TRANS in the 2-octet field when needed; add the 4-octet AS capability). */
export function buildOpen(opts: {
  asn: number;
  holdTime: number;
  bgpId: string;
  capabilities: Capability[];
}): OpenMessage {
  return {
    type: 'open',
    version: BGP_VERSION,
    myAs: opts.asn > 0xffff ? AS_TRANS : opts.asn,
    holdTime: opts.holdTime,
    bgpId: opts.bgpId,
    capabilities: opts.capabilities,
    extendedParameters: false,
  };
}
