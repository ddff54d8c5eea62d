import { expect } from 'chai';
import {
  BgpFramer,
  openAsn,
  BgpWireError,
  extendedCommunityToString,
  buildNotification,
  buildOpen,
  createContext,
  decodeMessage,
  encodeAnnouncements,
  encodeEndOfRib,
  encodeKeepalive,
  encodeMessage,
  encodeWithdrawals,
  endOfRibFamily,
  formatNlri,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { nlri } from './nlri-text.js';

const ctx4 = createContext({ fourOctetAs: true });

describe('bgp wire: messages built here', () => {
  it('encodes a KEEPALIVE as 19 octets and decodes it', () => {
    const b = encodeKeepalive();
    expect(b.toString('hex')).to.equal('ff'.repeat(16) + '001304');
    expect(decodeMessage(b, ctx4)).to.deep.equal({ type: 'keepalive' });
  });

  it('puts AS_TRANS in My AS for a 4-octet AS and keeps the capability', () => {
    const open = buildOpen({
      asn: 4200000000,
      holdTime: 90,
      bgpId: '10.0.0.1',
      capabilities: [{ kind: 'four-octet-as', asn: 4200000000 }],
    });
    const back = decodeMessage(encodeMessage(open, ctx4), ctx4);
    expect(back).to.deep.equal({ ...open, myAs: 23456 });
  });

  it('carries an RFC 9003 shutdown communication on Cease/2', () => {
    const b = encodeMessage(buildNotification(6, 2, undefined, 'maintenance ✓'), ctx4);
    const n = decodeMessage(b, ctx4);
    expect(n).to.include({
      type: 'notification',
      code: 6,
      subcode: 2,
      shutdownCommunication: 'maintenance ✓',
    });
  });

  it('packs 2000 IPv4 /24s into UPDATEs no larger than 4096 and decodes them all back', () => {
    const prefixes = Array.from({ length: 2000 }, (_, i) => nlri(`10.${i >> 8}.${i & 255}.0/24`));
    const attrs = { origin: 0, asPath: [{ type: 2, asns: [65000] }], nextHop: '192.168.201.1' };
    const msgs = encodeAnnouncements(attrs, prefixes, ctx4);
    expect(msgs.every((m) => m.length <= 4096)).to.equal(true);
    const back = msgs.flatMap((m) => (decodeMessage(m, ctx4) as UpdateMessage).nlri);
    expect(back.map((p) => formatNlri(p))).to.deep.equal(prefixes.map((p) => formatNlri(p)));
    const wd = encodeWithdrawals(prefixes, ctx4).flatMap(
      (m) => (decodeMessage(m, ctx4) as UpdateMessage).withdrawn,
    );
    expect(wd).to.deep.equal(prefixes);
  });

  it('builds and recognises End-of-RIB for both families', () => {
    expect(endOfRibFamily(decodeMessage(encodeEndOfRib(4), ctx4) as UpdateMessage)).to.equal(4);
    expect(endOfRibFamily(decodeMessage(encodeEndOfRib(6), ctx4) as UpdateMessage)).to.equal(6);
  });

  it('rejects a bad marker with 1/1', () => {
    const b = encodeKeepalive();
    b[3] = 0;
    expect(() => decodeMessage(b, ctx4))
      .to.throw(BgpWireError)
      .that.include({ code: 1, subcode: 1 });
  });
});

describe('bgp wire: community and prefix helpers', () => {
  it('prints extended communities as route targets and origins (RFC 4360)', () => {
    expect(extendedCommunityToString(0x0002fde800000064n)).to.equal('rt 65000:100');
    expect(extendedCommunityToString(0x0203fde800000064n)).to.equal('soo 4259840000:100');
  });
});

describe('bgp wire: small helpers', () => {
  it('reads the real AS from an OPEN, 4-octet capability first', () => {
    const caps = [{ kind: 'four-octet-as' as const, asn: 4200000000 }];
    expect(
      openAsn(buildOpen({ asn: 4200000000, holdTime: 90, bgpId: '10.0.0.1', capabilities: caps })),
    ).to.equal(4200000000);
    expect(openAsn(buildOpen({ asn: 65000, holdTime: 90, bgpId: '10.0.0.1', capabilities: [] }))).to.equal(
      65000,
    );
  });

  it('prints IPv4-mapped IPv6 NLRI with a dotted quad (RFC 5952 §5)', () => {
    expect(formatNlri(nlri('::ffff:10.199.1.1/128'))).to.equal('::ffff:10.199.1.1/128');
    expect(formatNlri(nlri('::ffff:ac7:101/128'))).to.equal('::ffff:10.199.1.1/128');
    expect(formatNlri(nlri('10.0.0.0/8', 2), true)).to.equal('10.0.0.0/8 path-id 2');
  });

  it('accepts plain Uint8Array chunks in the framer', () => {
    const framer = new BgpFramer();
    const ka = Uint8Array.from(encodeKeepalive());
    expect(framer.push(ka.subarray(0, 10))).to.deep.equal([]);
    expect(framer.push(ka.subarray(10)).map((b) => b.length)).to.deep.equal([19]);
  });

  it('lets the framer pass messages up to 65535 octets once extended messages are negotiated', () => {
    const ext = createContext({ fourOctetAs: true, extendedMessage: true });
    const prefixes = Array.from({ length: 3000 }, (_, i) => nlri(`10.${i >> 8}.${i & 255}.0/24`));
    const [big] = encodeWithdrawals(prefixes, ext);
    expect(big?.length).to.be.greaterThan(4096);
    const framer = new BgpFramer();
    expect(() => framer.push(big as Buffer))
      .to.throw(BgpWireError)
      .with.property('subcode', 2);
    const wide = new BgpFramer();
    wide.setMaxMessageSize(65535);
    expect(wide.push(big as Buffer)).to.have.length(1);
  });
});
