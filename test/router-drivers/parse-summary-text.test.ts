import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseBgpSummaryText } from '../../src/router-drivers/parse-summary-text.js';
import { commandErrorFor } from '../../src/router-drivers/vtysh-errors.js';
import type { BgpSummaryPeer } from '../../src/router-drivers/records.js';
import { expectParseError } from './expect-parse-error.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

function peer(p: Partial<BgpSummaryPeer> & Pick<BgpSummaryPeer, 'address'>): BgpSummaryPeer {
  return {
    bgpVersion: 4,
    remoteAs: 64500,
    msgRcvd: 0,
    msgSent: 0,
    tableVersion: 0,
    inQ: 0,
    outQ: 0,
    upDownText: 'never',
    upDownSec: null,
    state: 'Established',
    ...p,
  };
}

const FRR_SUMMARY = [
  {
    addressFamily: 'IPv4 Unicast',
    vrf: 'default',
    routerId: '192.168.198.254',
    localAs: 64501,
    tableVersion: 5,
    peers: [
      peer({
        address: '192.168.201.11',
        msgRcvd: 7,
        msgSent: 3,
        upDownText: '00:00:03',
        upDownSec: 3,
        prefixesReceived: 5,
        prefixesSent: 4,
      }),
      peer({ address: '192.168.201.12', state: 'Active', prefixesSent: 0 }),
    ],
  },
];

function expectError(text: string, line: number, lineText: string): void {
  expectParseError(() => parseBgpSummaryText(text), line, lineText);
}

describe('router-drivers: show bgp summary text', () => {
  it('parses FRR 8.4.4 `show bgp summary` (PfxSnt and Desc columns)', () => {
    expect(parseBgpSummaryText(fixture('frr-8.4.4/show_bgp_summary.txt'))).to.deep.equal(FRR_SUMMARY);
  });
  it('parses FRR 8.4.4 `show ip bgp summary` the same way', () => {
    expect(parseBgpSummaryText(fixture('frr-8.4.4/show_ip_bgp_summary.txt'))).to.deep.equal(FRR_SUMMARY);
  });
  it('parses the seed (Quagga-style, dashed header, no PfxSnt)', () => {
    expect(parseBgpSummaryText(fixture('seed/router/show_bgp_summary.txt'))).to.deep.equal([
      {
        addressFamily: 'IPv4 Unicast',
        routerId: '192.168.198.254',
        localAs: 64501,
        peers: [
          peer({
            address: '192.168.201.11',
            msgRcvd: 10158,
            msgSent: 10157,
            upDownText: '3d12h38m',
            upDownSec: 304680,
            prefixesReceived: 1,
          }),
          peer({
            address: '192.168.201.12',
            msgRcvd: 10158,
            msgSent: 10157,
            upDownText: '3d12h38m',
            upDownSec: 304680,
            prefixesReceived: 2,
          }),
        ],
      },
    ]);
  });
  it('parses Quagga 1.2.4 `show ip bgp summary` (no section header): Active, Idle (Admin), iBGP', () => {
    const common = { upDownText: '00:00:00', upDownSec: 0 };
    expect(parseBgpSummaryText(fixture('quagga-1.2.4/table-forms/show_ip_bgp_summary.txt'))).to.deep.equal([
      {
        addressFamily: 'IPv4 Unicast',
        routerId: '192.168.198.254',
        localAs: 64501,
        peers: [
          peer({
            ...common,
            address: '192.168.201.11',
            msgRcvd: 6,
            msgSent: 8,
            upDownText: '00:00:09',
            upDownSec: 9,
            state: 'Active',
          }),
          peer({
            ...common,
            address: '192.168.201.12',
            msgRcvd: 7,
            msgSent: 5,
            upDownText: '00:00:10',
            upDownSec: 10,
            state: 'Idle (Admin)',
          }),
          peer({
            ...common,
            address: '192.168.201.13',
            remoteAs: 64501,
            msgRcvd: 2,
            msgSent: 3,
            prefixesReceived: 3,
          }),
        ],
      },
    ]);
  });
  it('parses Quagga 1.2.4 `show ipv6 bgp summary` with the family the caller names', () => {
    expect(
      parseBgpSummaryText(fixture('quagga-1.2.4/table-forms/show_ipv6_bgp_summary.txt'), 'IPv6 Unicast'),
    ).to.deep.equal([
      {
        addressFamily: 'IPv6 Unicast',
        routerId: '192.168.198.254',
        localAs: 64501,
        peers: [
          peer({
            address: 'fd00:201::2',
            msgRcvd: 4,
            msgSent: 3,
            upDownText: '00:00:01',
            upDownSec: 1,
            prefixesReceived: 4,
          }),
        ],
      },
    ]);
  });
  it('joins wrapped IPv6 neighbor lines, reads hostnames, Idle (Admin), descriptions, several families', () => {
    const text = [
      'IPv4 Unicast Summary (VRF default):',
      'BGP router identifier 10.0.0.1, local AS number 64501 vrf-id 0',
      'BGP table version 3',
      'RIB entries 1, using 192 bytes of memory',
      'Peers 2, using 43 KiB of memory',
      '',
      'Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
      'robot(192.168.201.139) 4      64540  11159975  11365599        0    0    0 05w2d05h      Connect        0 crs-managed',
      '10.0.0.9        4      64500         1         1        0    0    0 00:00:09 Idle (Admin)        0 N/A',
      '',
      'Total number of neighbors 2',
      '',
      'IPv6 Unicast Summary (VRF default):',
      'BGP router identifier 10.0.0.1, local AS number 64501 vrf-id 0',
      'Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
      '2001:db8:ffff:1::1234',
      '                4      64500        10        12        0    0    0 00:01:00            3        1 node a',
      '',
    ].join('\n');
    const s = parseBgpSummaryText(text);
    expect(s.map((x) => x.addressFamily)).to.deep.equal(['IPv4 Unicast', 'IPv6 Unicast']);
    expect(s[0]?.peers[0]).to.deep.equal(
      peer({
        address: '192.168.201.139',
        hostname: 'robot',
        remoteAs: 64540,
        msgRcvd: 11159975,
        msgSent: 11365599,
        upDownText: '05w2d05h',
        upDownSec: 37 * 86400 + 5 * 3600,
        state: 'Connect',
        prefixesSent: 0,
        description: 'crs-managed',
      }),
    );
    expect(s[0]?.peers[1]?.state).to.equal('Idle (Admin)');
    expect(s[1]?.peers[0]).to.deep.equal(
      peer({
        address: '2001:db8:ffff:1::1234',
        msgRcvd: 10,
        msgSent: 12,
        upDownText: '00:01:00',
        upDownSec: 60,
        prefixesReceived: 3,
        prefixesSent: 1,
        description: 'node a',
      }),
    );
  });
  it('an empty neighbor table is an empty answer, not an error', () => {
    expect(parseBgpSummaryText('% No BGP neighbors found in VRF default\n')).to.deep.equal([]);
    expect(commandErrorFor('show bgp summary', '% No BGP neighbors found in VRF default\n')).to.equal(
      undefined,
    );
    expect(parseBgpSummaryText('No IPv4 neighbor is configured\n')).to.deep.equal([]);
  });
  describe('malformed input', () => {
    const head =
      'BGP router identifier 10.0.0.1, local AS number 1\nNeighbor        V    AS MsgRcvd MsgSent   TblVer  InQ OutQ Up/Down  State/PfxRcd\n';
    it('a non-numeric counter', () => {
      expectError(
        `${head}10.0.0.2  4 65000 x 1 0 0 0 00:00:01 1\n`,
        3,
        '10.0.0.2  4 65000 x 1 0 0 0 00:00:01 1',
      );
    });
    it('an unknown state', () => {
      expectError(
        `${head}10.0.0.2  4 65000 1 1 0 0 0 never Dancing\n`,
        3,
        '10.0.0.2  4 65000 1 1 0 0 0 never Dancing',
      );
    });
    it('a bad Up/Down age', () => {
      expectError(`${head}10.0.0.2  4 65000 1 1 0 0 0 7 days 1\n`, 3, '10.0.0.2  4 65000 1 1 0 0 0 7 days 1');
    });
    it('an unknown line', () => {
      expectError('hello world\n', 1, 'hello world');
    });
    it('a wrapped neighbor without its second half', () => {
      expectError(`${head}2001:db8::1\n`, 3, '2001:db8::1');
    });
  });
});
