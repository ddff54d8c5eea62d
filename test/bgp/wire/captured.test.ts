import { expect } from 'chai';
import {
  BgpFramer,
  createContext,
  decodeMessage,
  encodeMessage,
  endOfRibFamily,
  extendedCommunityToString,
  formatNlri,
  type BgpMessage,
  type NotificationMessage,
  type OpenMessage,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { captured, capturedNames, contextFor, senderContextFor } from './fixtures.js';

function decode<T extends BgpMessage>(name: string): T {
  return decodeMessage(captured(name), contextFor(name)) as T;
}

const prefixes = (ps: { family: 4 | 6; addr: Uint8Array; len: number; pathId?: number }[]): string[] =>
  ps.map((p) => formatNlri(p, true));

describe('bgp wire: messages captured from FRR 8.4.4 and GoBGP 3.10.0', () => {
  it('decodes the FRR OPEN field by field', () => {
    const m = decode<OpenMessage>('frr-8.4.4-001-open');
    expect(m).to.deep.include({ type: 'open', version: 4, myAs: 65000, holdTime: 90, bgpId: '10.199.1.1' });
    expect(m.extendedParameters).to.equal(false);
    expect(m.capabilities).to.deep.equal([
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'multiprotocol', afi: 2, safi: 1 },
      { kind: 'route-refresh-cisco' },
      { kind: 'route-refresh' },
      { kind: 'enhanced-route-refresh' },
      { kind: 'four-octet-as', asn: 65000 },
      { kind: 'extended-message' },
      {
        kind: 'add-path',
        families: [
          { afi: 1, safi: 1, send: true, receive: true },
          { afi: 2, safi: 1, send: true, receive: true },
        ],
      },
      { kind: 'fqdn', hostname: 'crs-frr', domain: '' },
      { kind: 'graceful-restart', restarting: true, notification: true, restartTime: 120, families: [] },
      {
        kind: 'long-lived-graceful-restart',
        families: [
          { afi: 1, safi: 1, forwarding: true, staleTime: 0 },
          { afi: 2, safi: 1, forwarding: true, staleTime: 0 },
        ],
      },
    ]);
  });

  it('decodes the GoBGP OPEN field by field', () => {
    const m = decode<OpenMessage>('gobgp-3.10.0-001-open');
    expect(m).to.deep.include({
      version: 4,
      myAs: 65001,
      holdTime: 90,
      bgpId: '10.199.1.2',
      extendedParameters: false,
    });
    expect(m.capabilities).to.deep.equal([
      { kind: 'route-refresh' },
      { kind: 'fqdn', hostname: 'vm', domain: '' },
      { kind: 'multiprotocol', afi: 1, safi: 1 },
      { kind: 'multiprotocol', afi: 2, safi: 1 },
      { kind: 'four-octet-as', asn: 65001 },
      {
        kind: 'graceful-restart',
        restarting: false,
        notification: false,
        restartTime: 120,
        families: [
          { afi: 1, safi: 1, forwarding: false },
          { afi: 2, safi: 1, forwarding: false },
        ],
      },
      {
        kind: 'long-lived-graceful-restart',
        families: [{ afi: 1, safi: 1, forwarding: false, staleTime: 3600 }],
      },
      { kind: 'extended-next-hop', entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }] },
      {
        kind: 'add-path',
        families: [
          { afi: 1, safi: 1, send: true, receive: true },
          { afi: 2, safi: 1, send: true, receive: false },
        ],
      },
    ]);
  });

  it('negotiates 4-octet AS and ADD-PATH per family and direction from the two OPENs', () => {
    expect(contextFor('gobgp-3.10.0-005-update')).to.deep.equal({
      fourOctetAs: true,
      extendedMessage: false,
      addPath: { send: { ipv4: true, ipv6: false }, receive: { ipv4: true, ipv6: true } },
      ibgp: false,
    });
    expect(contextFor('frr-8.4.4-003-update').addPath.receive).to.deep.equal({ ipv4: true, ipv6: false });
  });

  it('decodes KEEPALIVEs', () => {
    expect(decode('frr-8.4.4-002-keepalive')).to.deep.equal({ type: 'keepalive' });
    expect(decode('gobgp-3.10.0-002-keepalive')).to.deep.equal({ type: 'keepalive' });
  });

  it('decodes FRR IPv4 UPDATEs with ADD-PATH ids and a 4-octet AS in AS_PATH', () => {
    const a = decode<UpdateMessage>('frr-8.4.4-003-update');
    expect(a.withdrawn).to.deep.equal([]);
    expect(a.attributes).to.deep.equal({
      origin: 0,
      asPath: [{ type: 2, asns: [65000, 4200000001] }],
      nextHop: '10.199.1.1',
      med: 0,
    });
    expect(prefixes(a.nlri)).to.deep.equal(['192.168.197.1/32 path-id 2']);
    const b = decode<UpdateMessage>('frr-8.4.4-010-update');
    expect(b.attributes).to.deep.equal({
      origin: 2,
      asPath: [{ type: 2, asns: [65000, 4200000001, 65001] }],
      nextHop: '10.199.1.1',
      communities: [65001 * 65536 + 100],
      largeCommunities: [{ globalAdmin: 65001, localData1: 1, localData2: 1 }],
    });
    expect(prefixes(b.nlri)).to.deep.equal(['10.197.0.1/32 path-id 5']);
    expect(decode<UpdateMessage>('frr-8.4.4-011-update').attributes.origin).to.equal(1);
  });

  it('decodes the FRR UPDATE its route-map decorated: MED, communities, extended and large communities', () => {
    const m = decode<UpdateMessage>('frr-8.4.4-005-update');
    expect(m.attributes).to.deep.equal({
      origin: 2,
      asPath: [{ type: 2, asns: [65000, 4200000001] }],
      nextHop: '10.199.1.1',
      med: 42,
      communities: [65000 * 65536 + 100, 65000 * 65536 + 200],
      extendedCommunities: [0x0002fde800000064n],
      largeCommunities: [{ globalAdmin: 65000, localData1: 1, localData2: 2 }],
    });
    expect(extendedCommunityToString(m.attributes.extendedCommunities?.[0] ?? 0n)).to.equal('rt 65000:100');
    expect(prefixes(m.nlri)).to.deep.equal(['198.51.100.0/24 path-id 3']);
  });

  it('decodes an FRR MP_REACH_NLRI carrying two IPv6 prefixes', () => {
    const m = decode<UpdateMessage>('frr-8.4.4-009-update');
    expect(m.attributes).to.deep.include({ origin: 2, asPath: [{ type: 2, asns: [65000, 65001] }] });
    expect(prefixes(m.attributes.mpReach?.nlri ?? [])).to.deep.equal([
      '2001:db8:1::1/128',
      '2001:db8:1::2/128',
    ]);
  });

  it('decodes FRR IPv6 UPDATEs (MP_REACH_NLRI with extended-length flags, no ADD-PATH)', () => {
    const m = decode<UpdateMessage>('frr-8.4.4-004-update');
    expect(m.nlri).to.deep.equal([]);
    expect(m.attributes).to.deep.include({ origin: 0, asPath: [{ type: 2, asns: [65000] }], med: 0 });
    const mp = m.attributes.mpReach;
    expect(mp).to.deep.include({ afi: 2, safi: 1, nextHop: { global: '::ffff:10.199.1.1' } });
    expect(prefixes(mp?.nlri ?? [])).to.deep.equal(['2001:db8:197::1/128']);
    expect(mp?.nlri[0]).to.not.have.property('pathId');
  });

  it('decodes GoBGP IPv4 UPDATEs: two paths of one prefix by path id, community, MED, ORIGIN EGP', () => {
    const a = decode<UpdateMessage>('gobgp-3.10.0-005-update');
    expect(a.attributes).to.deep.equal({
      origin: 2,
      asPath: [{ type: 2, asns: [65001] }],
      nextHop: '10.199.1.2',
      communities: [65001 * 65536 + 100],
      largeCommunities: [{ globalAdmin: 65001, localData1: 1, localData2: 1 }],
    });
    expect(prefixes(a.nlri)).to.deep.equal(['10.197.0.1/32 path-id 1']);
    const b = decode<UpdateMessage>('gobgp-3.10.0-006-update');
    expect(b.attributes.med).to.equal(20);
    expect(prefixes(b.nlri)).to.deep.equal(['10.197.0.1/32 path-id 2']);
    const c = decode<UpdateMessage>('gobgp-3.10.0-007-update');
    expect(c.attributes.origin).to.equal(1);
    expect(prefixes(c.nlri)).to.deep.equal(['10.197.0.2/32 path-id 1']);
  });

  it('decodes GoBGP IPv6 UPDATEs with ADD-PATH inside MP_REACH_NLRI', () => {
    const m = decode<UpdateMessage>('gobgp-3.10.0-008-update');
    expect(m.attributes.mpReach).to.deep.include({ afi: 2, safi: 1, nextHop: { global: 'fd00:199::2' } });
    expect(prefixes(m.attributes.mpReach?.nlri ?? [])).to.deep.equal(['2001:db8:1::1/128 path-id 1']);
  });

  it('recognises both End-of-RIB forms from both speakers', () => {
    for (const [name, fam] of [
      ['frr-8.4.4-007-update', 4],
      ['frr-8.4.4-006-update', 6],
      ['gobgp-3.10.0-003-update', 4],
      ['gobgp-3.10.0-004-update', 6],
    ] as const) {
      expect(endOfRibFamily(decode<UpdateMessage>(name)), name).to.equal(fam);
    }
    expect(endOfRibFamily(decode<UpdateMessage>('frr-8.4.4-013-update'))).to.equal(undefined);
  });

  it('decodes withdrawals, classic and MP_UNREACH_NLRI, with and without path ids', () => {
    expect(prefixes(decode<UpdateMessage>('frr-8.4.4-013-update').withdrawn)).to.deep.equal([
      '10.197.0.2/32 path-id 6',
    ]);
    expect(prefixes(decode<UpdateMessage>('gobgp-3.10.0-010-update').withdrawn)).to.deep.equal([
      '10.197.0.2/32 path-id 1',
    ]);
    const frr6 = decode<UpdateMessage>('frr-8.4.4-014-update').attributes;
    expect(frr6.mpUnreach).to.deep.include({ afi: 2, safi: 1 });
    expect(prefixes(frr6.mpUnreach?.withdrawn ?? [])).to.deep.equal(['2001:db8:1::2/128']);
    const gob6 = decode<UpdateMessage>('gobgp-3.10.0-011-update').attributes;
    expect(prefixes(gob6.mpUnreach?.withdrawn ?? [])).to.deep.equal(['2001:db8:1::2/128 path-id 1']);
  });

  it('decodes the FRR ROUTE-REFRESH', () => {
    expect(decode<RouteRefreshMessage>('frr-8.4.4-012-route-refresh')).to.deep.equal({
      type: 'route-refresh',
      afi: 1,
      safi: 1,
      subtype: 0,
    });
  });

  it('decodes the NOTIFICATIONs, with FRR shutdown communication', () => {
    const frr = decode<NotificationMessage>('frr-8.4.4-015-notification');
    expect(frr).to.deep.include({ code: 6, subcode: 2, shutdownCommunication: 'planned maintenance' });
    expect(frr.data[0]).to.equal('planned maintenance'.length);
    const gob = decode<NotificationMessage>('gobgp-3.10.0-012-notification');
    expect(gob).to.deep.equal({ type: 'notification', code: 6, subcode: 2, data: new Uint8Array(0) });
  });

  it('re-encodes every captured message to bytes that decode to the same message', () => {
    for (const name of capturedNames()) {
      const ctx = contextFor(name);
      const m = decodeMessage(captured(name), ctx);
      expect(decodeMessage(encodeMessage(m, senderContextFor(name)), ctx), name).to.deep.equal(m);
    }
  });

  it('re-encodes OPEN, KEEPALIVE, NOTIFICATION and ROUTE-REFRESH byte for byte when laid out our way', () => {
    for (const name of [
      'gobgp-3.10.0-001-open',
      'frr-8.4.4-002-keepalive',
      'frr-8.4.4-012-route-refresh',
      'frr-8.4.4-015-notification',
    ]) {
      expect(encodeMessage(decode(name), contextFor(name)).toString('hex'), name).to.equal(
        captured(name).toString('hex'),
      );
    }
  });

  it('frames the whole FRR stream fed in odd-sized chunks', () => {
    const names = capturedNames().filter((n) => n.startsWith('frr'));
    const stream = Buffer.concat(names.map(captured));
    const framer = new BgpFramer();
    const out: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 7) out.push(...framer.push(stream.subarray(i, i + 7)));
    expect(out.map((b) => b.toString('hex'))).to.deep.equal(names.map((n) => captured(n).toString('hex')));
    expect(framer.buffered).to.equal(0);
    expect(decodeMessage(out[0] as Buffer, createContext()).type).to.equal('open');
  });
});
