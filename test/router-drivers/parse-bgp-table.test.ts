import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseBgpTableText } from '../../src/router-drivers/parse-bgp-table-text.js';
import {
  parseBgpPrefixDetailText,
  parseRouteDetailText,
} from '../../src/router-drivers/parse-detail-text.js';
import { parseBgpRibJson } from '../../src/router-drivers/parse-json.js';
import { parseRouteJson } from '../../src/router-drivers/parse-json.js';
import type { BgpRibPath } from '../../src/router-drivers/records.js';
import { expectParseError } from './expect-parse-error.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');
const path = (prefix: string, nextHop: string, p: Partial<BgpRibPath> = {}): BgpRibPath => ({
  prefix,
  valid: true,
  best: true,
  multipath: false,
  nextHops: [nextHop],
  asPath: '',
  origin: 'IGP',
  weight: 32768,
  metric: 0,
  ...p,
});

describe("router-drivers: bgpd's table and the per-prefix detail outputs", () => {
  it('FRR 8.4.4 `show bgp ipv4 unicast` gives the JSON records (less the peer id the text lacks)', () => {
    const fromJson = parseBgpRibJson(fixture('frr-8.4.4/show_bgp_ipv4_unicast_json.txt')).map((p) => {
      const copy = { ...p };
      delete copy.peerId;
      return copy;
    });
    expect(parseBgpTableText(fixture('frr-8.4.4/show_bgp_ipv4_unicast.txt'))).to.deep.equal(fromJson);
    expect(fromJson.map((p) => [p.prefix, p.best, p.multipath, p.nextHops[0]])).to.deep.equal([
      ['192.168.197.0/32', true, false, '192.168.201.11'],
      ['192.168.197.1/32', true, false, '192.168.201.12'],
      ['192.168.197.2/32', false, true, '192.168.201.12'],
      ['192.168.197.2/32', true, false, '192.168.201.11'],
      ['192.168.197.254/32', true, false, '192.168.201.12'],
    ]);
  });

  it('Quagga 1.2 `show ipv6 bgp`: wrapped prefixes, wrapped next hops, invalid paths', () => {
    expect(parseBgpTableText(fixture('router/quagga-1.2/show_ipv6_bgp.txt'))).to.deep.equal([
      path('::/0', '::'),
      path('2001:470:78b7::/54', '::'),
      path('2a01:d0:c353::/50', '::'),
      path('2a01:d0:c353:fd::/64', 'fd00:1002:1288:fd::1', {
        valid: false,
        best: false,
        asPath: '65503',
        weight: 0,
      }),
      {
        prefix: '2a01:d0:c353:170::/60',
        valid: false,
        best: false,
        multipath: false,
        nextHops: ['fd00:1002:1289:10::4'],
        asPath: '65301',
        origin: 'IGP',
        weight: 0,
      },
      path('fd00:1002:1288::/48', '::'),
      path('fd00:1002:1289::/48', '::'),
    ]);
  });

  it('Cumulus Quagga 0.99 `show ipv6 bgp` (internal paths) and Quagga 0.99 `show ip bgp` (classful)', () => {
    expect(parseBgpTableText(fixture('router/quagga-0.99-cumulus/show_ipv6_bgp.txt'))).to.deep.equal([
      path('1::/64', '::'),
      path('3::/64', '::', { valid: false, best: false, weight: 0, localPref: 100 }),
      path('3::/64', '::'),
      path('4::/64', '::', { valid: false, best: false, weight: 0, localPref: 100 }),
    ]);
    expect(parseBgpTableText(fixture('router/quagga-0.99/show_ip_bgp.txt'))).to.deep.equal([
      path('192.168.10.0', '0.0.0.0'),
      path('192.168.20.0', '192.168.50.20', { asPath: '200', weight: 0 }),
    ]);
  });

  it('FRR 8.4.4 `show bgp ipv4 unicast 192.168.197.2/32`: both ADD-PATH paths', () => {
    const common = {
      prefix: '192.168.197.2/32',
      valid: true,
      peerId: '192.168.201.11',
      asPath: '64500',
      origin: 'incomplete',
      weight: 0,
    };
    expect(
      parseBgpPrefixDetailText(fixture('frr-8.4.4/show_bgp_ipv4_unicast_192.168.197.2_32.txt')),
    ).to.deep.equal([
      { ...common, best: false, multipath: true, nextHops: ['192.168.201.12'], addPathRxId: 2 },
      { ...common, best: true, multipath: true, nextHops: ['192.168.201.11'], addPathRxId: 1 },
    ]);
  });

  it('FRR 8.4.4 `show ip route 192.168.197.2/32` gives the same record as the JSON table', () => {
    const [detail] = parseRouteDetailText(fixture('frr-8.4.4/show_ip_route_192.168.197.2_32.txt'));
    const fromJson = parseRouteJson(fixture('frr-8.4.4/show_ip_route_bgp_json.txt')).find(
      (r) => r.prefix === '192.168.197.2/32',
    );
    expect(detail).to.deep.equal(fromJson);
  });

  describe('malformed input', () => {
    const head = '   Network          Next Hop            Metric LocPrf Weight Path\n';
    it('table: unknown status codes', () =>
      expectParseError(
        () => parseBgpTableText(`${head}XY 10.0.0.0/8 1.1.1.1 0 0 i\n`),
        2,
        'XY 10.0.0.0/8 1.1.1.1 0 0 i',
      ));
    it('table: no origin code', () =>
      expectParseError(
        () =>
          parseBgpTableText(`${head}*> 10.0.0.0/8       1.1.1.1                  0             0 65000\n`),
        2,
        '*> 10.0.0.0/8       1.1.1.1                  0             0 65000',
      ));
    it('table: a cut-off wrapped prefix', () =>
      expectParseError(
        () => parseBgpTableText(`${head}*> 2001:db8:ffff::/48\n`),
        2,
        '*> 2001:db8:ffff::/48',
      ));
    it('table: no header', () =>
      expectParseError(
        () => parseBgpTableText('*> 10.0.0.0/8 1.1.1.1 0 0 i\n'),
        1,
        '*> 10.0.0.0/8 1.1.1.1 0 0 i',
      ));
    it('prefix detail: a path without its Origin line', () =>
      expectParseError(
        () =>
          parseBgpPrefixDetailText(
            'BGP routing table entry for 10.0.0.0/8\n  64500\n    1.1.1.1 from 1.1.1.1 (1.1.1.1)\n',
          ),
        3,
        '    1.1.1.1 from 1.1.1.1 (1.1.1.1)',
      ));
    it('route detail: unknown protocol', () =>
      expectParseError(
        () =>
          parseRouteDetailText('Routing entry for 10.0.0.0/8\n  Known via "martian", distance 1, metric 0\n'),
        2,
        '  Known via "martian", distance 1, metric 0',
      ));
    it('route detail: no Known via', () =>
      expectParseError(
        () => parseRouteDetailText('Routing entry for 10.0.0.0/8\n  Last update 00:00:01 ago\n'),
        1,
        'Routing entry for 10.0.0.0/8',
      ));
  });
});
