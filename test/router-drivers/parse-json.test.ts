import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { RouterJsonParseError } from '../../src/router-drivers/errors.js';
import {
  parseBgpNeighborsJson,
  parseBgpRibJson,
  parseBgpSummaryJson,
  parseRouteJson,
} from '../../src/router-drivers/parse-json.js';
import { parseBgpNeighborsText } from '../../src/router-drivers/parse-neighbors-text.js';
import { parseRouteText } from '../../src/router-drivers/parse-route-text.js';
import { parseBgpSummaryText } from '../../src/router-drivers/parse-summary-text.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

const MESSAGES_11 = {
  sent: { opens: 1, notifications: 0, updates: 1, keepalives: 1, routeRefresh: 0, capability: 0, total: 3 },
  received: {
    opens: 1,
    notifications: 0,
    updates: 5,
    keepalives: 1,
    routeRefresh: 0,
    capability: 0,
    total: 7,
  },
};
const ZERO = {
  opens: 0,
  notifications: 0,
  updates: 0,
  keepalives: 0,
  routeRefresh: 0,
  capability: 0,
  total: 0,
};

const NEIGHBOR_11 = {
  address: '192.168.201.11',
  remoteAs: 64500,
  localAs: 64501,
  external: true,
  hostname: 'vm',
  remoteRouterId: '192.168.201.11',
  state: 'Established',
  upTimeText: '00:00:03',
  upTimeSec: 3,
  holdTimeSec: 90,
  keepaliveSec: 30,
  configuredHoldTimeSec: 180,
  configuredKeepaliveSec: 60,
  capabilities: {
    fourByteAs: 'advertised and received',
    routeRefresh: 'advertised and received(new)',
    addPath: [
      {
        addressFamily: 'IPv4 Unicast',
        txAdvertised: false,
        txReceived: true,
        rxAdvertised: true,
        rxReceived: false,
      },
    ],
    multiprotocol: [{ addressFamily: 'IPv4 Unicast', status: 'advertised and received' }],
  },
  messages: MESSAGES_11,
  acceptedPrefixes: 5,
};

function expectJsonError(fn: () => unknown, path: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(RouterJsonParseError);
    expect((err as RouterJsonParseError).path).to.equal(path);
    return;
  }
  throw new Error('expected a RouterJsonParseError');
}

describe('router-drivers: FRR JSON outputs', () => {
  it('show bgp summary json gives the text parser records (plus the hostname)', () => {
    const json = parseBgpSummaryJson(fixture('frr-8.4.4/show_bgp_summary_json.txt'));
    const text = parseBgpSummaryText(fixture('frr-8.4.4/show_bgp_summary.txt'));
    expect(json[0]?.peers[0]?.hostname).to.equal('vm');
    delete json[0]?.peers[0]?.hostname;
    expect(json).to.deep.equal(text);
  });

  it('show ip route bgp json gives the same records as the text form', () => {
    const json = parseRouteJson(fixture('frr-8.4.4/show_ip_route_bgp_json.txt'));
    expect(json).to.deep.equal(parseRouteText(fixture('frr-8.4.4/show_ip_route_bgp.txt')));
    expect(json[2]?.nextHops.map((h) => [h.address, h.interface, h.fib, h.weight])).to.deep.equal([
      ['192.168.201.11', 'crs_vr', true, 1],
      ['192.168.201.12', 'crs_vr', true, 1],
    ]);
  });

  it('show bgp neighbors json: state, timers, AddPath, message stats', () => {
    const n = parseBgpNeighborsJson(fixture('frr-8.4.4/show_bgp_neighbors_json.txt'));
    expect(n[0]).to.deep.equal(NEIGHBOR_11);
    expect(n[1]).to.deep.equal({
      address: '192.168.201.12',
      remoteAs: 64500,
      localAs: 64501,
      external: true,
      remoteRouterId: '0.0.0.0',
      state: 'Active',
      holdTimeSec: 180,
      keepaliveSec: 60,
      configuredHoldTimeSec: 180,
      configuredKeepaliveSec: 60,
      capabilities: { addPath: [], multiprotocol: [] },
      messages: { sent: ZERO, received: ZERO },
      acceptedPrefixes: 0,
    });
  });

  for (const version of ['7.5.1', '8.4.4', '10.3'])
    it(`show bgp neighbors json of FRR ${version}: End-of-RIB awaited, then received, after our restart`, () => {
      const state = (dir: string) =>
        parseBgpNeighborsJson(
          fixture(`frr-graceful-restart/frr-${version}/${dir}/show_bgp_neighbors_json.txt`),
        );
      const [awaiting] = state('awaiting-end-of-rib');
      expect(awaiting?.state).to.equal('Established');
      expect(awaiting?.gracefulRestart).to.deep.equal([
        { addressFamily: 'IPv4 Unicast', endOfRibReceived: false },
      ]);
      expect(state('end-of-rib-received')[0]?.gracefulRestart).to.deep.equal([
        { addressFamily: 'IPv4 Unicast', endOfRibReceived: true },
      ]);
    });

  it('show bgp neighbors X (text) gives the same record as the JSON', () => {
    expect(parseBgpNeighborsText(fixture('frr-8.4.4/show_bgp_neighbors_192.168.201.11.txt'))).to.deep.equal([
      NEIGHBOR_11,
    ]);
  });

  it('show bgp ipv4 unicast json: every path, best and multipath', () => {
    const paths = parseBgpRibJson(fixture('frr-8.4.4/show_bgp_ipv4_unicast_json.txt'));
    const common = {
      valid: true,
      peerId: '192.168.201.11',
      asPath: '64500',
      origin: 'incomplete',
      weight: 0,
    };
    expect(paths).to.deep.equal([
      { prefix: '192.168.197.0/32', best: true, multipath: false, nextHops: ['192.168.201.11'], ...common },
      { prefix: '192.168.197.1/32', best: true, multipath: false, nextHops: ['192.168.201.12'], ...common },
      { prefix: '192.168.197.2/32', best: false, multipath: true, nextHops: ['192.168.201.12'], ...common },
      { prefix: '192.168.197.2/32', best: true, multipath: false, nextHops: ['192.168.201.11'], ...common },
      { prefix: '192.168.197.254/32', best: true, multipath: false, nextHops: ['192.168.201.12'], ...common },
    ]);
  });

  it('an address family with no neighbors ({}) is skipped', () => {
    expect(parseBgpSummaryJson('{"ipv6Unicast":{}}')).to.deep.equal([]);
  });

  describe('malformed JSON names where it broke', () => {
    it('not JSON at all', () => expectJsonError(() => parseRouteJson('% Unknown command'), ''));
    it('a wrong type deep inside', () =>
      expectJsonError(
        () =>
          parseBgpSummaryJson(
            '{"ipv4Unicast":{"routerId":"1.1.1.1","as":1,"peers":{"10.0.0.1":{"remoteAs":"x"}}}}',
          ),
        'ipv4Unicast.peers.10.0.0.1.remoteAs',
      ));
    it('an unknown protocol', () =>
      expectJsonError(
        () =>
          parseRouteJson(
            '{"1.0.0.0/8":[{"prefix":"1.0.0.0/8","protocol":"martian","uptime":"00:00:01","nexthops":[]}]}',
          ),
        '1.0.0.0/8.0.protocol',
      ));
    it('a bad uptime', () =>
      expectJsonError(
        () =>
          parseRouteJson(
            '{"1.0.0.0/8":[{"prefix":"1.0.0.0/8","protocol":"bgp","uptime":"soon","nexthops":[]}]}',
          ),
        '1.0.0.0/8.0.uptime',
      ));
    it('a prefix whose entries are malformed, before a protocol problem in an earlier entry', () =>
      expectJsonError(
        () =>
          parseRouteJson(
            JSON.stringify({
              '1.0.0.0/8': [
                { prefix: '1.0.0.0/8', protocol: 'martian', uptime: '00:00:01', nexthops: [] },
                { prefix: '1.0.0.0/8', protocol: 'bgp', uptime: '00:00:01', nexthops: [{ weight: -1 }] },
              ],
            }),
          ),
        '1.0.0.0/8.1.nexthops.0.weight',
      ));
    it('neighbors without message stats', () =>
      expectJsonError(
        () =>
          parseBgpNeighborsJson(
            '{"10.0.0.1":{"remoteAs":1,"localAs":2,"remoteRouterId":"0.0.0.0","bgpState":"Idle","bgpTimerHoldTimeMsecs":0,"bgpTimerKeepAliveIntervalMsecs":0}}',
          ),
        '10.0.0.1.messageStats',
      ));
    it('a graceful-restart family without its End-of-RIB state', () => {
      const text = fixture('frr-graceful-restart/frr-10.3/awaiting-end-of-rib/show_bgp_neighbors_json.txt');
      const broken = text.replace('"endOfRibRecv":false', '"endOfRibRecv":"no"');
      expect(broken).to.not.equal(text);
      expectJsonError(
        () => parseBgpNeighborsJson(broken),
        '192.168.201.2.gracefulRestartInfo.ipv4Unicast.endOfRibStatus.endOfRibRecv',
      );
    });
  });
});
