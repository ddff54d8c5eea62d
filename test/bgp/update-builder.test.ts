import { expect } from 'chai';
import { AdjRibOut } from '../../src/bgp/adj-rib-out.js';
import { encodeRibChanges, wireAttributes } from '../../src/bgp/update-builder.js';
import { createContext, decodeMessage, type UpdateMessage } from '../../src/bgp/wire/index.js';
import { nextHopsOf, routeAddressOf, routePrefixOf } from '../support/routes.js';

const attrs = {
  nextHop: routeAddressOf('192.168.201.11'),
  localPref: 200,
  communities: [64500 * 65536 + 1],
  largeCommunities: [{ globalAdmin: 64500, localData1: 1, localData2: 2 }],
};

describe('UPDATE building from Adj-RIB-Out changes', () => {
  it('eBGP: our AS as AS_PATH, no LOCAL_PREF (RFC 4271 §5.1.5), communities encoded', () => {
    const a = wireAttributes(4, attrs, { ctx: createContext({ fourOctetAs: true }), localAsn: 64500 });
    expect(a).to.deep.equal({
      origin: 0,
      asPath: [{ type: 2, asns: [64500] }],
      nextHop: '192.168.201.11',
      communities: [64500 * 65536 + 1],
      largeCommunities: [{ globalAdmin: 64500, localData1: 1, localData2: 2 }],
    });
  });

  it('iBGP: empty AS_PATH and LOCAL_PREF, 100 when the route names none', () => {
    const ctx = createContext({ fourOctetAs: true, ibgp: true });
    expect(wireAttributes(4, attrs, { ctx, localAsn: 64500 })).to.deep.include({
      asPath: [],
      localPref: 200,
    });
    const noPref = { nextHop: attrs.nextHop, communities: [], largeCommunities: [] };
    expect(wireAttributes(4, noPref, { ctx, localAsn: 64500 })).to.deep.include({ localPref: 100 });
  });

  it('IPv6 goes in MP_REACH_NLRI with the node address as next hop', () => {
    const ctx = createContext({ fourOctetAs: true });
    const rib = new AdjRibOut({ families: new Set([6]), addPathFamilies: new Set() });
    rib.setDesiredRoutes([
      {
        prefix: routePrefixOf('2001:db8::/64'),
        nextHops: nextHopsOf(['fd00:201::11']),
        communities: [],
        largeCommunities: [],
      },
    ]);
    const [msg] = encodeRibChanges(rib.takeChanges(), { ctx, localAsn: 64500 }).map(
      (b) => decodeMessage(b, ctx) as UpdateMessage,
    );
    expect(msg!.nlri).to.deep.equal([]);
    expect(msg!.attributes.nextHop).to.equal(undefined);
    expect(msg!.attributes.mpReach).to.deep.include({ afi: 2, safi: 1, nextHop: { global: 'fd00:201::11' } });
    expect(msg!.attributes.mpReach!.nlri.map((p) => p.len)).to.deep.equal([64]);
  });

  it('packs a large group into few maximum-size UPDATEs', () => {
    const ctx = createContext({ fourOctetAs: true });
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set() });
    rib.setDesiredRoutes(
      Array.from({ length: 5000 }, (_, i) => ({
        prefix: routePrefixOf(`10.0.${i >> 8}.${i & 255}/32`),
        nextHops: nextHopsOf(['192.168.201.11']),
        communities: [],
        largeCommunities: [],
      })),
    );
    const bufs = encodeRibChanges(rib.takeChanges(), { ctx, localAsn: 64500 });
    const decoded = bufs.map((b) => decodeMessage(b, ctx) as UpdateMessage);
    expect(decoded.reduce((n, u) => n + u.nlri.length, 0)).to.equal(5000);
    // 5 octets per /32 in a 4096-octet message: about 800 per UPDATE.
    expect(bufs.length).to.be.at.most(8);
    expect(bufs.every((b) => b.length <= 4096)).to.equal(true);
  });
});
