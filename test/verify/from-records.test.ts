import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseBgpNeighborsJson } from '../../src/router-drivers/parse-json.js';
import type { BgpSummary, RouteEntry } from '../../src/router-drivers/records.js';
import { observedFromRecords } from '../../src/sync/verify/from-records.js';
import { bgpRoute } from '../router-drivers/route-entries.js';

const summary = (addressFamily: string, pfx: number): BgpSummary => ({
  addressFamily,
  routerId: '192.168.198.254',
  localAs: 64501,
  peers: [
    {
      address: '2001:DB8:0:0::11',
      bgpVersion: 4,
      remoteAs: 64500,
      msgRcvd: 1,
      msgSent: 1,
      tableVersion: 0,
      inQ: 0,
      outQ: 0,
      upDownText: '00:00:03',
      upDownSec: 3,
      state: 'Established',
      prefixesReceived: pfx,
    },
  ],
});

const entry = (overrides: Partial<RouteEntry>): RouteEntry => ({
  ...bgpRoute('192.168.197.2/32', ['192.168.201.11'], 'crs_vr', '00:00:02'),
  ...overrides,
});

describe('observedFromRecords', () => {
  it('merges a neighbor across address families and adds up its prefixes', () => {
    const o = observedFromRecords({
      summary: [summary('IPv4 Unicast', 2), summary('IPv6 Unicast', 3)],
      routes: [],
    });
    expect(o).to.deep.include({ routerId: '192.168.198.254', localAs: 64501 });
    expect(o.sessions).to.deep.equal([
      {
        neighbor: '2001:db8::11',
        remoteAs: 64500,
        state: 'Established',
        upDownText: '00:00:03',
        prefixesReceived: 5,
      },
    ]);
  });

  it("names the families whose End-of-RIB the router awaits after our restart (FRR 10.3's neighbors JSON)", () => {
    const neighbors = (state: string) =>
      parseBgpNeighborsJson(
        readFileSync(
          new URL(
            `../../fixtures/frr-graceful-restart/frr-10.3/${state}/show_bgp_neighbors_json.txt`,
            import.meta.url,
          ),
          'utf8',
        ),
      );
    const sessionWith = (state: string) => {
      const [detail] = neighbors(state);
      const s = summary('IPv4 Unicast', 1);
      s.peers[0]!.address = detail!.address;
      return observedFromRecords({ summary: [s], routes: [], neighbors: neighbors(state) }).sessions[0];
    };
    expect(sessionWith('awaiting-end-of-rib')?.endOfRibAwaited).to.deep.equal([4]);
    expect(sessionWith('end-of-rib-received')).to.not.have.property('endOfRibAwaited');
  });

  it('keeps BGP routes only and spells their codes as vtysh does', () => {
    const o = observedFromRecords({
      summary: [],
      routes: [
        entry({}),
        entry({ prefix: '192.168.197.3/32', fib: false, rejected: true }),
        entry({ prefix: '192.168.197.4/32', selected: false, fib: false }),
        entry({ prefix: '192.168.201.0/24', protocolCode: 'C' }),
      ],
    });
    expect(o.routes.map((r) => [r.prefix, r.codes, r.installed])).to.deep.equal([
      ['192.168.197.2/32', 'B>*', true],
      ['192.168.197.3/32', 'B>r', false],
      ['192.168.197.4/32', 'B', false],
    ]);
    expect(o.routes[0]!.ageText).to.equal('00:00:02');
    expect(o.configuredNeighbors).to.equal(undefined);
  });

  it("takes the default VRF's neighbor statements from the running config, not peer groups", () => {
    const o = observedFromRecords({
      summary: [],
      routes: [],
      runningConfig: {
        prefixLists: [],
        routeMaps: [],
        bgp: [
          {
            asn: 64501,
            neighbors: [
              { name: 'SPEAKERS', isPeerGroup: true, hasPassword: false, otherLines: [] },
              {
                name: '192.168.201.11',
                isPeerGroup: false,
                remoteAs: 64500,
                hasPassword: false,
                otherLines: [],
              },
            ],
            addressFamilies: [],
            otherLines: [],
            lines: [],
          },
          { asn: 64502, vrf: 'blue', neighbors: [], addressFamilies: [], otherLines: [], lines: [] },
        ],
      },
    });
    expect(o.configuredNeighbors).to.deep.equal([{ neighbor: '192.168.201.11', remoteAs: 64500 }]);
  });
});
