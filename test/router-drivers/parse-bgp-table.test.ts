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

  it('Quagga 1.2.4 `show ipv6 bgp`: wrapped prefixes, wrapped next hops, paths not valid', () => {
    const external = { asPath: '64500', origin: 'incomplete', weight: 0 };
    const invalid = { ...external, valid: false, best: false };
    expect(parseBgpTableText(fixture('quagga-1.2.4/table-forms/show_ipv6_bgp.txt'))).to.deep.equal(
      [
        path('2001:db8:1::/48', 'fd00:201::2', external),
        path('2001:db8:2::/48', '2001:db8:aaaa:bbbb:cccc::1', invalid),
        path('2001:db8:1234:5678::/64', 'fd00:201::2', external),
        path('2001:db8:ffff:ffff:ffff::/80', '2001:db8:aaaa:bbbb:cccc::1', invalid),
      ].map(({ metric: _, ...p }) => p),
    );
  });

  it('Quagga 1.2.4 `show ip bgp` from an iBGP peer: internal paths, one not valid; classful networks', () => {
    const internal = { origin: 'incomplete', weight: 0, localPref: 100 };
    expect(parseBgpTableText(fixture('quagga-1.2.4/table-forms/show_ip_bgp.txt'))).to.deep.equal(
      [
        path('10.0.0.0', '192.0.2.1', { ...internal, valid: false, best: false }),
        path('172.16.5.0/24', '192.168.201.13', internal),
        path('192.168.10.0', '192.168.201.13', internal),
      ].map(({ metric: _, ...p }) => p),
    );
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
