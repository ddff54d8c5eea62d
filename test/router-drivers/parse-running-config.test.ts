import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseRunningConfig } from '../../src/router-drivers/parse-running-config.js';
import { expectParseError } from './expect-parse-error.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');
const plain = (name: string, remoteAs: number) => ({
  name,
  isPeerGroup: false,
  hasPassword: false,
  otherLines: [],
  remoteAs,
});

describe('router-drivers: show running-config', () => {
  it('parses FRR 8.4.4 running-config', () => {
    expect(parseRunningConfig(fixture('frr-8.4.4/show_running-config.txt'))).to.deep.equal({
      bgp: [
        {
          asn: 64501,
          routerId: '192.168.198.254',
          neighbors: [plain('192.168.201.11', 64500), plain('192.168.201.12', 64500)],
          addressFamilies: [],
          otherLines: ['no bgp ebgp-requires-policy'],
          lines: [
            'router bgp 64501',
            ' bgp router-id 192.168.198.254',
            ' no bgp ebgp-requires-policy',
            ' neighbor 192.168.201.11 remote-as 64500',
            ' neighbor 192.168.201.12 remote-as 64500',
          ],
        },
      ],
      prefixLists: [],
      routeMaps: [],
    });
  });
  it('parses the seed block', () => {
    const c = parseRunningConfig(fixture('seed/router/show_running-config.txt'));
    expect(c.bgp).to.have.length(1);
    expect(c.bgp[0]?.asn).to.equal(64501);
    expect(c.bgp[0]?.routerId).to.equal('192.168.198.254');
    expect(c.bgp[0]?.neighbors).to.deep.equal([
      plain('192.168.201.11', 64500),
      plain('192.168.201.12', 64500),
    ]);
  });
  it('types neighbor options, peer-groups, address families, prefix-lists, route-maps; redacts passwords', () => {
    const text = [
      'r1# show running-config',
      'ip prefix-list LB seq 5 permit 192.168.197.0/24 le 32',
      'ipv6 prefix-list LB6 permit 2001:db8::/48 le 128',
      '!',
      'router bgp 64501',
      ' bgp router-id 10.0.0.1',
      ' no bgp default ipv4-unicast',
      ' neighbor NODES peer-group',
      ' neighbor NODES remote-as external',
      ' neighbor 192.168.201.11 remote-as 64500',
      ' neighbor 192.168.201.11 description crs-managed',
      ' neighbor 192.168.201.11 password s3cr3t pass',
      ' neighbor 192.168.201.11 update-source 192.168.201.1',
      ' neighbor 192.168.201.11 ebgp-multihop 2',
      ' neighbor 192.168.201.12 peer-group NODES',
      ' neighbor 192.168.201.12 ttl-security hops 1',
      ' neighbor 192.168.201.12 timers 3 10',
      ' neighbor 192.168.201.13 remote-as 64500',
      ' neighbor 192.168.201.13 ebgp-multihop',
      ' !',
      ' address-family ipv4 unicast',
      '  network 10.0.0.0/8',
      '  neighbor 192.168.201.11 activate',
      '  neighbor 192.168.201.11 addpath-tx-all-paths',
      '  neighbor 192.168.201.11 route-map IN in',
      '  neighbor 192.168.201.11 route-map OUT out',
      '  no neighbor 192.168.201.13 activate',
      '  maximum-paths 16',
      '  maximum-paths ibgp 4',
      ' exit-address-family',
      ' address-family ipv6',
      '  neighbor NODES activate',
      ' exit-address-family',
      'exit',
      '!',
      'route-map IN permit 10',
      ' match ip address prefix-list LB',
      'exit',
      '!',
      'end',
    ].join('\n');
    const c = parseRunningConfig(text);
    expect(c.prefixLists).to.deep.equal([
      { name: 'LB', family: 4, seq: 5, action: 'permit', match: '192.168.197.0/24 le 32' },
      { name: 'LB6', family: 6, action: 'permit', match: '2001:db8::/48 le 128' },
    ]);
    expect(c.routeMaps).to.deep.equal([
      { name: 'IN', action: 'permit', seq: 10, lines: ['match ip address prefix-list LB'] },
    ]);
    const b = c.bgp[0];
    expect(b?.otherLines).to.deep.equal(['no bgp default ipv4-unicast']);
    expect(b?.neighbors).to.deep.equal([
      { name: 'NODES', isPeerGroup: true, hasPassword: false, otherLines: [], remoteAs: 'external' },
      {
        name: '192.168.201.11',
        isPeerGroup: false,
        hasPassword: true,
        otherLines: [],
        remoteAs: 64500,
        description: 'crs-managed',
        updateSource: '192.168.201.1',
        ebgpMultihop: 2,
      },
      {
        name: '192.168.201.12',
        isPeerGroup: false,
        hasPassword: false,
        otherLines: ['neighbor 192.168.201.12 timers 3 10'],
        peerGroup: 'NODES',
        ttlSecurityHops: 1,
      },
      {
        name: '192.168.201.13',
        isPeerGroup: false,
        hasPassword: false,
        otherLines: [],
        remoteAs: 64500,
        ebgpMultihop: true,
      },
    ]);
    expect(b?.addressFamilies).to.deep.equal([
      {
        name: 'ipv4 unicast',
        maximumPaths: 16,
        maximumPathsIbgp: 4,
        otherLines: ['network 10.0.0.0/8'],
        neighbors: [
          {
            name: '192.168.201.11',
            activate: true,
            addpathTxAllPaths: true,
            routeMapIn: 'IN',
            routeMapOut: 'OUT',
            otherLines: [],
          },
          { name: '192.168.201.13', activate: false, addpathTxAllPaths: false, otherLines: [] },
        ],
      },
      {
        name: 'ipv6 unicast',
        otherLines: [],
        neighbors: [{ name: 'NODES', activate: true, addpathTxAllPaths: false, otherLines: [] }],
      },
    ]);
    expect(JSON.stringify(c)).not.to.contain('s3cr3t');
    expect(b?.lines).to.include(' neighbor 192.168.201.11 password <redacted>');
  });
  it('rejects an out-of-range AS with the line number and text', () => {
    expectParseError(() => parseRunningConfig('!\nrouter bgp 4294967296\n'), 2, 'router bgp 4294967296');
  });
  it('rejects a stray exit-address-family', () => {
    expectParseError(() => parseRunningConfig('router bgp 1\n exit-address-family\n'), 2);
  });
});
