import { expect } from 'chai';
import {
  buildOpen,
  BgpFramer,
  BgpWireError,
  createContext,
  decodeMessage,
  encodeMessage,
  errorNotification,
  formatNlri,
  type CodecContext,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { captured, contextFor } from './fixtures.js';

const UPDATE = 'gobgp-3.10.0-005-update'; // ORIGIN, AS_PATH, NEXT_HOP, COMMUNITIES, LARGE_COMMUNITIES, 1 NLRI
const UPDATE6 = 'gobgp-3.10.0-008-update'; // ORIGIN, AS_PATH, MP_REACH_NLRI (IPv6, ADD-PATH)

function fixLengths(b: Buffer, attrDelta: number): Buffer {
  b.writeUInt16BE(b.length, 16);
  const wlen = b.readUInt16BE(19);
  const at = 21 + wlen;
  b.writeUInt16BE(b.readUInt16BE(at) + attrDelta, at);
  return b;
}

/** Offset and size of the attribute `type` in an UPDATE. */
function findAttr(b: Buffer, type: number): { at: number; size: number } {
  const wlen = b.readUInt16BE(19);
  let i = 23 + wlen;
  const end = i + b.readUInt16BE(21 + wlen);
  while (i < end) {
    const ext = ((b[i] as number) & 0x10) !== 0;
    const len = ext ? b.readUInt16BE(i + 2) : (b[i + 2] as number);
    const size = len + (ext ? 4 : 3);
    if (b[i + 1] === type) return { at: i, size };
    i += size;
  }
  throw new Error(`no attribute ${type}`);
}

/** The captured UPDATE with attribute `type` replaced by `tlv` (hex; '' removes it). */
function withAttr(name: string, type: number, tlv: string): Buffer {
  const b = captured(name);
  const { at, size } = findAttr(b, type);
  const repl = Buffer.from(tlv, 'hex');
  return fixLengths(Buffer.concat([b.subarray(0, at), repl, b.subarray(at + size)]), repl.length - size);
}

/** The UPDATE (a captured name, or bytes) with `tlv` (hex) added before its first attribute. */
function plusAttr(msg: string | Buffer, tlv: string): Buffer {
  const b = typeof msg === 'string' ? captured(msg) : msg;
  const at = 23 + b.readUInt16BE(19);
  const add = Buffer.from(tlv, 'hex');
  return fixLengths(Buffer.concat([b.subarray(0, at), add, b.subarray(at)]), add.length);
}

function errorOf(b: Buffer, ctx: CodecContext): BgpWireError {
  try {
    decodeMessage(b, ctx);
  } catch (e) {
    if (e instanceof BgpWireError) return e;
    throw e;
  }
  throw new Error('decoded without error');
}

function expectError(
  b: Buffer,
  ctx: CodecContext,
  code: number,
  subcode: number,
  action = 'session-reset',
): BgpWireError {
  const e = errorOf(b, ctx);
  expect({ code: e.code, subcode: e.subcode, action: e.action }, e.message).to.deep.equal({
    code,
    subcode,
    action,
  });
  return e;
}

describe('bgp wire: RFC 4271 §6 / RFC 7606 error handling on mutated captures', () => {
  const ctx = contextFor(UPDATE);

  describe('message header (1/x)', () => {
    it('1/1 when the marker is not all ones', () => {
      const b = captured('frr-8.4.4-002-keepalive');
      b[5] = 0xfe;
      expect(expectError(b, ctx, 1, 1).data.length).to.equal(0);
    });
    it('1/2 with the length field as data when it is out of range or wrong for the type', () => {
      const b = captured('frr-8.4.4-002-keepalive');
      b.writeUInt16BE(4097, 16);
      expect(expectError(b, ctx, 1, 2).data.toString('hex')).to.equal('1001');
      const long = Buffer.concat([captured('frr-8.4.4-002-keepalive'), Buffer.from([0])]);
      long.writeUInt16BE(20, 16);
      expect(expectError(long, ctx, 1, 2).data.toString('hex')).to.equal('0014');
      const shortOpen = captured('frr-8.4.4-001-open').subarray(0, 28);
      shortOpen.writeUInt16BE(28, 16);
      expect(expectError(shortOpen, ctx, 1, 2).data.toString('hex')).to.equal('001c');
    });
    it('allows 65535 octets only with the extended message capability', () => {
      const b = Buffer.alloc(5000);
      captured(UPDATE).copy(b);
      b.writeUInt16BE(5000, 16);
      b.writeUInt16BE(b.readUInt16BE(21) + 0, 21);
      expect(expectError(b, ctx, 1, 2).data.toString('hex')).to.equal('1388');
      // With extended messages the header passes and the trailing zero octets are /0 NLRI entries.
      const ext = decodeMessage(b, {
        ...ctx,
        extendedMessage: true,
        addPath: { ...ctx.addPath, receive: { ipv4: false, ipv6: false } },
      });
      expect(ext.type).to.equal('update');
    });
    it('1/3 with the type as data for an unknown type, ready to send as a NOTIFICATION', () => {
      const b = captured('frr-8.4.4-002-keepalive');
      b[18] = 6;
      const e = expectError(b, ctx, 1, 3);
      expect([...e.data]).to.deep.equal([6]);
      const sent = encodeMessage(errorNotification(e), ctx);
      expect(sent.toString('hex')).to.equal(`${'ff'.repeat(16)}0016030103` + '06');
    });
    it('the framer reports header errors from a stream', () => {
      const framer = new BgpFramer();
      const ka = captured('frr-8.4.4-002-keepalive');
      expect(framer.push(ka)).to.have.length(1);
      const bad = captured('frr-8.4.4-002-keepalive');
      bad.writeUInt16BE(18, 16);
      expect(() => framer.push(bad))
        .to.throw(BgpWireError)
        .with.property('subcode', 2);
    });
  });

  describe('OPEN (2/x)', () => {
    const open = (): Buffer => captured('gobgp-3.10.0-001-open');
    it('2/1 with version 4 as data for another version', () => {
      const b = open();
      b[19] = 3;
      expect(expectError(b, ctx, 2, 1).data.toString('hex')).to.equal('0004');
    });
    it('2/6 for a hold time of 1 or 2 seconds', () => {
      const b = open();
      b.writeUInt16BE(2, 22);
      expectError(b, ctx, 2, 6);
    });
    it('2/3 for BGP identifier 0.0.0.0', () => {
      const b = open();
      b.writeUInt32BE(0, 24);
      expectError(b, ctx, 2, 3);
    });
    it('2/4 for an optional parameter other than capabilities', () => {
      const b = open();
      b[29] = 1;
      expectError(b, ctx, 2, 4);
    });
    it('2/0 for a capability overrunning its parameter or a malformed known capability', () => {
      const b = open();
      b[32] = 0xf0; // first capability's length
      expectError(b, ctx, 2, 0);
      const c = open();
      // GoBGP's first capability is route refresh (2, length 0): make it claim 4-octet AS with length 0.
      c[31] = 65;
      expectError(c, ctx, 2, 0);
    });
    it('2/2 for AS 0 in My Autonomous System or in the 4-octet AS capability (RFC 7607 §2)', () => {
      const b = open();
      b.writeUInt16BE(0, 20);
      expectError(b, ctx, 2, 2);
      const zero = buildOpen({
        asn: 64500,
        holdTime: 90,
        bgpId: '192.0.2.1',
        capabilities: [{ kind: 'four-octet-as', asn: 0 }],
      });
      expectError(encodeMessage(zero, ctx), ctx, 2, 2);
    });
    it('decodes RFC 9072 extended optional parameters', () => {
      const b = open();
      // GoBGP sent one capabilities parameter: 2, length, capabilities. Re-lay it out per RFC 9072.
      const caps = b.subarray(31, 31 + (b[30] as number));
      const params = Buffer.concat([Buffer.from([2, caps.length >> 8, caps.length & 0xff]), caps]);
      const ext = Buffer.concat([
        b.subarray(0, 28),
        Buffer.from([255, 255, params.length >> 8, params.length & 0xff]),
        params,
      ]);
      ext.writeUInt16BE(ext.length, 16);
      const plain = decodeMessage(b, ctx);
      expect(decodeMessage(ext, ctx)).to.deep.equal({ ...plain, extendedParameters: true });
    });
  });

  describe('UPDATE (3/x) with RFC 7606 actions', () => {
    it('3/1 session reset when Withdrawn Routes Length or Total Attribute Length overrun', () => {
      const b = captured(UPDATE);
      b.writeUInt16BE(0x100, 19);
      expectError(b, ctx, 3, 1);
      const c = captured(UPDATE);
      c.writeUInt16BE(0x100, 21);
      expectError(c, ctx, 3, 1);
    });
    it('3/1 treat-as-withdraw when an attribute overruns the attribute list', () => {
      const b = captured(UPDATE);
      const { at } = findAttr(b, 32);
      b[at + 2] = 0xff;
      const e = expectError(b, ctx, 3, 1, 'treat-as-withdraw');
      expect(e.withdrawn.map((p) => formatNlri(p, true))).to.deep.equal(['10.197.0.1/32 path-id 1']);
    });
    it('3/2 session reset with the attribute as data for an unrecognised well-known attribute', () => {
      const e = expectError(plusAttr(UPDATE, '4063020102'), ctx, 3, 2);
      expect(e.data.toString('hex')).to.equal('4063020102');
    });
    it('3/3 treat-as-withdraw with the type code as data for a missing ORIGIN, AS_PATH or NEXT_HOP', () => {
      expect([...expectError(withAttr(UPDATE, 1, ''), ctx, 3, 3, 'treat-as-withdraw').data]).to.deep.equal([
        1,
      ]);
      expect([...expectError(withAttr(UPDATE, 2, ''), ctx, 3, 3, 'treat-as-withdraw').data]).to.deep.equal([
        2,
      ]);
      expect([...expectError(withAttr(UPDATE, 3, ''), ctx, 3, 3, 'treat-as-withdraw').data]).to.deep.equal([
        3,
      ]);
      const ibgp = { ...ctx, ibgp: true };
      expect([...expectError(captured(UPDATE), ibgp, 3, 3, 'treat-as-withdraw').data]).to.deep.equal([5]);
    });
    it('3/4 with the attribute as data when O/T flags conflict with the type', () => {
      const e = expectError(withAttr(UPDATE, 1, 'c0010100'), ctx, 3, 4, 'treat-as-withdraw');
      expect(e.data.toString('hex')).to.equal('c0010100');
    });
    it('3/5 attribute length errors: treat-as-withdraw for COMMUNITIES, discard for ATOMIC_AGGREGATE/AGGREGATOR', () => {
      const e = expectError(withAttr(UPDATE, 8, 'c00803fde900'), ctx, 3, 5, 'treat-as-withdraw');
      expect(e.data.toString('hex')).to.equal('c00803fde900');
      expect(e.withdrawn).to.have.length(1);
      const m = decodeMessage(plusAttr(UPDATE, '40060100c00705fde9000001'), ctx) as UpdateMessage;
      expect(m.nlri).to.have.length(1);
      expect(m.attributes).to.not.have.property('atomicAggregate');
      expect(m.attributes).to.not.have.property('aggregator');
      expect(m.discarded?.map((d) => [d.code, d.subcode, d.action])).to.deep.equal([
        [3, 5, 'attribute-discard'],
        [3, 5, 'attribute-discard'],
      ]);
    });
    it('3/6 for an ORIGIN value above 2', () => {
      expectError(withAttr(UPDATE, 1, '40010103'), ctx, 3, 6, 'treat-as-withdraw');
    });
    it('3/8 for a NEXT_HOP that is no host address', () => {
      expectError(withAttr(UPDATE, 3, '400304' + '00000000'), ctx, 3, 8, 'treat-as-withdraw');
      expectError(withAttr(UPDATE, 3, '400304' + 'e0000001'), ctx, 3, 8, 'treat-as-withdraw');
    });
    it('3/9 session reset for a bad MP_REACH_NLRI next hop length', () => {
      const b = captured(UPDATE6);
      const { at } = findAttr(b, 14);
      const ext = ((b[at] as number) & 0x10) !== 0;
      b[at + (ext ? 4 : 3) + 3] = 5;
      expectError(b, contextFor(UPDATE6), 3, 9);
    });
    it('3/10 session reset for a classic NLRI prefix longer than 32 bits', () => {
      const b = captured(UPDATE);
      b[b.length - 5] = 33; // the /32 length octet after the 4-octet path id
      expectError(b, ctx, 3, 10);
    });
    it('3/9 session reset for a bad prefix inside MP_REACH_NLRI (RFC 4760 §7)', () => {
      const c = captured(UPDATE6);
      c[c.length - 17] = 129;
      expectError(c, contextFor(UPDATE6), 3, 9);
    });
    it('3/11 for a malformed AS_PATH (bad segment type, empty segment)', () => {
      expectError(withAttr(UPDATE, 2, '40020605010000fde9'), ctx, 3, 11, 'treat-as-withdraw');
      expectError(withAttr(UPDATE, 2, '4002020200'), ctx, 3, 11, 'treat-as-withdraw');
    });
    it('AS 0: treat-as-withdraw in AS_PATH, attribute discard in AGGREGATOR (RFC 7607 §2, RFC 7606)', () => {
      expectError(withAttr(UPDATE, 2, '400206020100000000'), ctx, 3, 11, 'treat-as-withdraw');
      const m = decodeMessage(plusAttr(UPDATE, 'c0070800000000c0000201'), ctx) as UpdateMessage;
      expect(m.attributes).to.not.have.property('aggregator');
      expect(m.discarded?.map((d) => [d.code, d.subcode, d.action])).to.deep.equal([
        [3, 9, 'attribute-discard'],
      ]);
    });
    it('confederation segments from an external peer: treat-as-withdraw (RFC 5065 §5, RFC 7606 §7.2)', () => {
      expectError(withAttr(UPDATE, 2, '4002060301' + '0000fde9'), ctx, 3, 11, 'treat-as-withdraw');
      const ibgp = { ...ctx, ibgp: true };
      const confed = plusAttr(withAttr(UPDATE, 2, '4002060301' + '0000fde9'), '40050400000064');
      const m = decodeMessage(confed, ibgp) as UpdateMessage;
      expect(m.attributes.asPath).to.deep.equal([{ type: 3, asns: [65001] }]);
    });
    it('LOCAL_PREF from an external peer is dropped, from an internal one kept (RFC 7606 §7.5)', () => {
      const b = plusAttr(UPDATE, '40050400000064');
      const ext = decodeMessage(b, ctx) as UpdateMessage;
      expect(ext.attributes).to.not.have.property('localPref');
      expect(ext).to.not.have.property('discarded');
      const int = decodeMessage(b, { ...ctx, ibgp: true }) as UpdateMessage;
      expect(int.attributes.localPref).to.equal(100);
    });
    it('repeated attributes: discarded, except MP_REACH_NLRI which resets the session', () => {
      const m = decodeMessage(plusAttr(UPDATE, '40010100'), ctx) as UpdateMessage;
      expect(m.discarded?.map((d) => [d.code, d.subcode, d.action])).to.deep.equal([
        [3, 1, 'attribute-discard'],
      ]);
      const b = captured(UPDATE6);
      const { at, size } = findAttr(b, 14);
      expectError(plusAttr(UPDATE6, b.subarray(at, at + size).toString('hex')), contextFor(UPDATE6), 3, 1);
    });
    it('a repeated unknown attribute: the first kept, the repeat discarded (RFC 7606 §3(g))', () => {
      const m = decodeMessage(plusAttr(UPDATE, 'c063020102c063020304'), ctx) as UpdateMessage;
      expect(m.attributes.unknown).to.deep.equal([
        { flags: 0xe0, typeCode: 0x63, value: Uint8Array.from([1, 2]) },
      ]);
      expect(m.discarded?.map((d) => [d.code, d.subcode, d.action])).to.deep.equal([
        [3, 1, 'attribute-discard'],
      ]);
    });
    it('unknown optional attributes: transitive ones kept with Partial set, non-transitive ones dropped', () => {
      const m = decodeMessage(plusAttr(UPDATE, 'c0630201028064020304'), ctx) as UpdateMessage;
      expect(m.attributes.unknown).to.deep.equal([
        { flags: 0xe0, typeCode: 0x63, value: Uint8Array.from([1, 2]) },
      ]);
      expect(m).to.not.have.property('discarded');
    });
    it('AS4_PATH on a 2-octet session: kept when well formed, discarded when malformed', () => {
      const as2 = { ...createContext(), addPath: ctx.addPath };
      // GoBGP's UPDATE as a 2-octet speaker would send it: AS_PATH with 2 octets per AS.
      const two = withAttr(UPDATE, 2, '40020402' + '01fde9');
      const ok = decodeMessage(plusAttr(two, 'c0110602010000fde9'), as2) as UpdateMessage;
      expect(ok.attributes.asPath).to.deep.equal([{ type: 2, asns: [65001] }]);
      expect(ok.attributes.as4Path).to.deep.equal([{ type: 2, asns: [65001] }]);
      const bad = decodeMessage(plusAttr(two, 'c0110602020000fde9'), as2) as UpdateMessage;
      expect(bad.attributes).to.not.have.property('as4Path');
      expect(bad.discarded?.map((d) => [d.code, d.subcode, d.action])).to.deep.equal([
        [3, 9, 'attribute-discard'],
      ]);
    });
  });

  it('7/1 with the whole message as data for a ROUTE-REFRESH that is not 23 octets', () => {
    const b = Buffer.concat([captured('frr-8.4.4-012-route-refresh'), Buffer.from([0])]);
    b.writeUInt16BE(24, 16);
    expect(expectError(b, ctx, 7, 1).data.equals(b)).to.equal(true);
  });
});
