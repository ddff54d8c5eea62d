import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { RouterOutputParseError } from '../../src/router-drivers/errors.js';
import { parseRouteText } from '../../src/router-drivers/parse-route-text.js';
import type { RouteEntry } from '../../src/router-drivers/records.js';
import { formatUptime, parseUptime } from '../../src/router-drivers/uptime.js';
import { renderFrrRouteText } from './frr-text-render.js';
import { bgpRoute } from './route-entries.js';
import { expectParseError } from './expect-parse-error.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

const FRR_BGP_ROUTES = [
  bgpRoute('192.168.197.0/32', ['192.168.201.11'], 'crs_vr', '00:00:02', 1),
  bgpRoute('192.168.197.1/32', ['192.168.201.12'], 'crs_vr', '00:00:02', 1),
  bgpRoute('192.168.197.2/32', ['192.168.201.11', '192.168.201.12'], 'crs_vr', '00:00:02', 1),
  bgpRoute('192.168.197.254/32', ['192.168.201.12'], 'crs_vr', '00:00:02', 1),
];

function expectRouteTextError(text: string, line: number, lineText: string): RouterOutputParseError {
  const e = expectParseError(() => parseRouteText(text), line, lineText);
  expect(e.message).to.contain(`line ${line}`).and.contain(JSON.stringify(lineText));
  return e;
}

describe('router-drivers: show ip route text', () => {
  it('parses FRR 8.4.4 `show ip route bgp` with a multipath continuation line', () => {
    const routes = parseRouteText(fixture('frr-8.4.4/show_ip_route_bgp.txt'));
    expect(routes).to.deep.equal(FRR_BGP_ROUTES);
    expect(routes[2]?.nextHops.map((h) => h.address)).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    expect(routes[2]?.uptimeSec).to.equal(2);
  });

  it('parses FRR 8.4.4 `show ip route` with a directly connected route', () => {
    const routes = parseRouteText(fixture('frr-8.4.4/show_ip_route.txt'));
    expect(routes.slice(0, 4)).to.deep.equal(FRR_BGP_ROUTES);
    expect(routes[4]).to.deep.equal({
      prefix: '192.168.201.0/24',
      family: 4,
      protocolCode: 'C',
      selected: true,
      fib: true,
      queued: false,
      rejected: false,
      nextHops: [{ interface: 'crs_vr', fib: true, directlyConnected: true, active: true }],
      uptimeText: '00:00:10',
      uptimeSec: 10,
    });
  });

  it('parses the seed capture: echoed prompt, Quagga legend, first route on the legend line', () => {
    const routes = parseRouteText(fixture('seed/router/show_ip_route_bgp.txt'));
    expect(routes).to.deep.equal([
      bgpRoute('192.168.197.0/32', ['192.168.201.11'], 'br-LAN201', '3d13h00m'),
      bgpRoute('192.168.197.1/32', ['192.168.201.12'], 'br-LAN201', '3d13h00m'),
      bgpRoute('192.168.197.254/32', ['192.168.201.12'], 'br-LAN201', '00:00:12'),
    ]);
    expect(routes[0]?.uptimeSec).to.equal(3 * 86400 + 13 * 3600);
  });

  it('parses FRR 7.5.1 `show ip route`: inactive interface next hops and a blank-flag continuation line', () => {
    const routes = parseRouteText(fixture('frr-7.5.1-static/show_ip_route.txt'));
    expect(routes.map((r) => [r.protocolCode, r.prefix, r.selected, r.fib, r.uptimeSec])).to.deep.equal([
      ['S', '0.0.0.0/0', true, true, 2],
      ['C', '10.1.0.1/32', true, true, 6],
      ['S', '20.0.0.1/32', false, false, 2],
      ['C', '192.168.201.0/24', true, true, 6],
    ]);
    expect(routes[0]?.nextHops).to.deep.equal([
      {
        address: '192.168.201.254',
        interface: 'vr',
        fib: true,
        directlyConnected: false,
        active: true,
        weight: 1,
      },
    ]);
    expect(routes[2]).to.deep.equal({
      prefix: '20.0.0.1/32',
      family: 4,
      protocolCode: 'S',
      selected: false,
      fib: false,
      queued: false,
      rejected: false,
      distance: 1,
      metric: 0,
      nextHops: [
        { interface: 'lag1', fib: false, directlyConnected: true, active: false, weight: 1 },
        { interface: 'lag2', fib: false, directlyConnected: true, active: false, weight: 1 },
      ],
      uptimeText: '00:00:02',
      uptimeSec: 2,
    });
  });

  it('parses Quagga 1.2.4 `show ipv6 route`: its IPv6 legend (RIPng, OSPFv6), connected routes without an age', () => {
    const routes = parseRouteText(fixture('quagga-1.2.4/table-forms/show_ipv6_route.txt'));
    expect(routes.map((r) => [r.protocolCode, r.prefix, r.family, r.uptimeText])).to.deep.equal([
      ['C', '::1/128', 6, undefined],
      ['B', '2001:db8:1::/48', 6, '00:00:01'],
      ['B', '2001:db8:1234:5678::/64', 6, '00:00:01'],
      ['C', 'fd00:201::/64', 6, undefined],
      ['C', 'fe80::/64', 6, undefined],
    ]);
    // No IPv6 BGP route: Quagga prints nothing at all, not even the legend.
    expect(parseRouteText(fixture('quagga-1.2.4/single-path/show_ipv6_route_bgp.txt'))).to.deep.equal([]);
  });

  it('reads queued, rejected, inactive, blackhole and Quagga connected routes without an age', () => {
    const text = [
      'B   10.0.0.0/24 [20/0] via 192.0.2.1 inactive, weight 1, 00:01:00',
      'B q 10.0.1.0/24 [20/0] via 192.0.2.1, eth0, 01w2d03h',
      'B r 10.0.2.0/24 [20/0] via 192.0.2.1, eth0, 00:00:05',
      'S>* 10.9.0.0/16 [1/0] unreachable (blackhole), weight 1, 2d10h31m',
      'C>* 127.0.0.0/8 is directly connected, lo',
      'B>* 2001:db8::/64 [20/0] via fe80::1, eth0, weight 1, 00:00:09',
    ].join('\n');
    const routes = parseRouteText(text);
    expect(routes.map((r) => [r.prefix, r.selected, r.fib, r.queued, r.rejected])).to.deep.equal([
      ['10.0.0.0/24', false, false, false, false],
      ['10.0.1.0/24', false, false, true, false],
      ['10.0.2.0/24', false, false, false, true],
      ['10.9.0.0/16', true, true, false, false],
      ['127.0.0.0/8', true, true, false, false],
      ['2001:db8::/64', true, true, false, false],
    ]);
    expect(routes[0]?.nextHops[0]?.active).to.equal(false);
    expect(routes[1]?.uptimeSec).to.equal(7 * 86400 + 2 * 86400 + 3 * 3600);
    expect(routes[3]?.nextHops[0]).to.deep.equal({
      fib: true,
      directlyConnected: false,
      active: true,
      weight: 1,
    });
    expect(routes[4]?.uptimeText).to.equal(undefined);
    expect(routes[5]?.family).to.equal(6);
  });

  describe('malformed input names the line and quotes it', () => {
    it('a garbled route line', () => {
      expectRouteTextError(
        'B>* 192.168.197.0/32 [20/0] via 192.168.201.11, crs_vr, 00:00:02\nB>* nonsense\n',
        2,
        'B>* nonsense',
      );
    });
    it('a prefix that is not an address', () => {
      expectRouteTextError(
        'B>* 300.1.1.1/32 [20/0] via 10.0.0.1, eth0, 00:00:02',
        1,
        'B>* 300.1.1.1/32 [20/0] via 10.0.0.1, eth0, 00:00:02',
      );
    });
    it('a route without an age', () => {
      expectRouteTextError(
        '\nB>* 10.0.0.0/8 [20/0] via 10.0.0.1, eth0',
        2,
        'B>* 10.0.0.0/8 [20/0] via 10.0.0.1, eth0',
      );
    });
    it('an unknown legend entry', () => {
      expectRouteTextError(
        'Codes: K - kernel route, C - connected,\n       Z - zorglub\n',
        2,
        '       Z - zorglub',
      );
    });
    it('a continuation line before any route', () => {
      expectRouteTextError(
        '  *                         via 192.168.201.12, crs_vr, weight 1, 00:00:02',
        1,
        '  *                         via 192.168.201.12, crs_vr, weight 1, 00:00:02',
      );
    });
    it('two interface-like details on one next hop', () => {
      expectRouteTextError(
        'B>* 10.0.0.0/8 [20/0] via 10.0.0.1, eth0, eth1, 00:00:01',
        1,
        'B>* 10.0.0.0/8 [20/0] via 10.0.0.1, eth0, eth1, 00:00:01',
      );
    });
    it('counts an echoed prompt line in the line numbers', () => {
      expectRouteTextError('r1# show ip route bgp\nB>* broken', 2, 'B>* broken');
    });
  });

  it('round trip: FRR-rendered random tables parse back to the same records', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const hop = fc.record({
      address: ipv4,
      interface: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,14}$/),
      fib: fc.boolean(),
      weight: fc.option(fc.integer({ min: 1, max: 255 }), { nil: undefined }),
      active: fc.boolean(),
    });
    const route = fc
      .record({
        prefix: fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, l]) => `${a}/${l}`),
        selected: fc.boolean(),
        status: fc.constantFrom('*', 'q', 'r', ' '),
        distance: fc.integer({ min: 0, max: 255 }),
        metric: fc.integer({ min: 0, max: 4294967295 }),
        hops: fc.array(hop, { minLength: 1, maxLength: 4 }),
        age: fc.integer({ min: 0, max: 400 * 86400 }),
      })
      .map((r): RouteEntry => {
        const uptimeText = formatUptime(r.age);
        return {
          prefix: r.prefix,
          family: 4,
          protocolCode: 'B',
          selected: r.selected,
          fib: r.status === '*',
          queued: r.status === 'q',
          rejected: r.status === 'r',
          distance: r.distance,
          metric: r.metric,
          nextHops: r.hops.map((h, i) => ({
            address: h.address,
            interface: h.interface,
            fib: i === 0 ? r.status === '*' : h.fib,
            directlyConnected: false,
            active: h.active,
            ...(h.weight === undefined ? {} : { weight: h.weight }),
          })),
          uptimeText,
          uptimeSec: parseUptime(uptimeText) as number,
        };
      });
    fc.assert(
      fc.property(fc.array(route, { maxLength: 20 }), (routes) => {
        expect(parseRouteText(renderFrrRouteText(routes))).to.deep.equal(routes);
      }),
    );
  });
});
