import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dialectFor } from '../../src/router-drivers/dialect.js';
import {
  BgpAlreadyRunningError,
  RouterCommandError,
  VtyshExitStatusError,
} from '../../src/router-drivers/errors.js';
import { parseBgpNeighborsText } from '../../src/router-drivers/parse-neighbors-text.js';
import { parseVersion } from '../../src/router-drivers/parse-version.js';
import { formatUptime, parseUptime } from '../../src/router-drivers/uptime.js';
import { commandErrorFor } from '../../src/router-drivers/vtysh-errors.js';
import { expectParseError } from './expect-parse-error.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

describe('router-drivers: uptime, version, vtysh errors, neighbors text', () => {
  it('parses every uptime form', () => {
    expect(parseUptime('00:00:12')).to.equal(12);
    expect(parseUptime('3d12h38m')).to.equal(3 * 86400 + 12 * 3600 + 38 * 60);
    expect(parseUptime('01w2d03h')).to.equal(9 * 86400 + 3 * 3600);
    expect(parseUptime('never')).to.equal(null);
    for (const bad of ['', '1:2:3', '00:61:00', '3d25h00m', '01w8d00h', '12 days'])
      expect(parseUptime(bad)).to.equal(undefined);
  });
  it('uptime round trip: format -> parse -> format is stable and never later than the truth', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 * 86400 }), (sec) => {
        const text = formatUptime(sec);
        const back = parseUptime(text) as number;
        expect(back).to.be.at.most(sec);
        expect(formatUptime(back)).to.equal(text);
      }),
    );
    expect(formatUptime(null)).to.equal('never');
  });

  it('reads FRR and Quagga versions and picks the dialect', () => {
    const frr = parseVersion(fixture('frr-8.4.4/show_version.txt'));
    expect(frr).to.deep.equal({ family: 'frr', version: '8.4.4', major: 8, minor: 4, hostname: 'vm' });
    expect(dialectFor(frr).name).to.equal('frr-json');
    const live = parseVersion('FRRouting 10.1.1 (r1) on Linux(6.18.44-fc-v595).\n');
    expect(live.major).to.equal(10);
    const quagga = parseVersion(
      '\nQuagga 0.99.22.4 (cr1.cluster.sysnetinc.com).\nCopyright 1996-2005 Kunihiro Ishiguro, et al.\n',
    );
    expect(quagga).to.deep.equal({
      family: 'quagga',
      version: '0.99.22.4',
      major: 0,
      minor: 99,
      hostname: 'cr1.cluster.sysnetinc.com',
    });
    expect(dialectFor(quagga).name).to.equal('text');
    expect(dialectFor(parseVersion('Quagga 1.2.4 (r).')).name).to.equal('text');
    expect(dialectFor(parseVersion('FRRouting 6.0.3 (r) on Linux(4.19).')).name).to.equal('text');
    expectParseError(() => parseVersion('Cisco IOS Software, C2900\n'), 1);
  });

  it('maps every captured vtysh refusal to its typed error', () => {
    const cases: [string, string, string][] = [
      ['frr-8.4.4/show_ip_route_nonsense.txt', 'show ip route nonsense', 'unknown-command'],
      [
        'frr-8.4.4/show_ip_bgp_neighbors_192.168.201.99.txt',
        'show ip bgp neighbors 192.168.201.99',
        'no-such-neighbor',
      ],
      [
        'frr-8.4.4/conf_bad_ip.txt',
        'neighbor 192.168.201.300 remote-as 64500',
        'create-peer-group-or-interface-first',
      ],
    ];
    for (const [file, command, kind] of cases) {
      const err = commandErrorFor(command, fixture(file));
      expect(err).to.be.instanceOf(RouterCommandError);
      expect(err?.kind).to.equal(kind);
      expect(err?.command).to.equal(command);
    }
    const running = commandErrorFor('router bgp 64999', fixture('frr-8.4.4/conf_wrong_as.txt'));
    expect(running).to.be.instanceOf(BgpAlreadyRunningError);
    expect((running as BgpAlreadyRunningError).runningAs).to.equal(64501);
    expect(commandErrorFor('sh ip b', '% Ambiguous command: sh ip b\n')?.kind).to.equal('ambiguous-command');
    expect(commandErrorFor('show ip', '% Command incomplete: show ip\n')?.kind).to.equal(
      'incomplete-command',
    );
    for (const ok of ['conf_t.txt', 'conf_add_neighbor.txt', 'show_bgp_summary.txt']) {
      expect(commandErrorFor('x', fixture(`frr-8.4.4/${ok}`))).to.equal(undefined);
    }
    const exit = commandErrorFor('show version', '', 127, 'sh: vtysh: not found\n');
    expect(exit).to.be.instanceOf(VtyshExitStatusError);
    expect(exit?.message).to.contain('status 127').and.contain('vtysh: not found');
  });

  it('neighbors text: Quagga form, and a block without its state line is refused', () => {
    const quagga = [
      'BGP neighbor is 192.168.50.20, remote AS 200, local AS 100, external link',
      '  BGP version 4, remote router ID 192.168.50.20',
      '  BGP state = Established, up for 00:10:04',
      '  Last read 00:00:04, hold time is 180, keepalive interval is 60 seconds',
      '  Hold time is 180, keepalive interval is 60 seconds',
      '  Neighbor capabilities:',
      '    4 Byte AS: advertised and received',
      '    Route refresh: advertised and received(old & new)',
      '    Address family IPv4 Unicast: advertised and received',
      '  Message statistics:',
      '    Inq depth is 0',
      '    Outq depth is 0',
      '                         Sent       Rcvd',
      '    Opens:                  1          1',
      '    Notifications:          0          0',
      '    Updates:                1          1',
      '    Keepalives:            12         10',
      '    Route Refresh:          0          0',
      '    Capability:             0          0',
      '    Total:                 14         12',
      '  1 accepted prefixes',
    ].join('\n');
    const [n] = parseBgpNeighborsText(quagga);
    expect(n?.remoteRouterId).to.equal('192.168.50.20');
    expect(n?.upTimeSec).to.equal(604);
    expect(n?.holdTimeSec).to.equal(180);
    expect(n?.capabilities.multiprotocol).to.deep.equal([
      { addressFamily: 'IPv4 Unicast', status: 'advertised and received' },
    ]);
    expect(n?.messages?.sent.total).to.equal(14);
    expect(n?.acceptedPrefixes).to.equal(1);
    const noState = expectParseError(
      () =>
        parseBgpNeighborsText(
          '\nBGP neighbor is 10.0.0.1, remote AS 1, local AS 2, external link\n  Hold time is 9, keepalive interval is 3 seconds\n',
        ),
      2,
    );
    expect(noState.message).to.contain('BGP state');
    expectParseError(() => parseBgpNeighborsText('Neighbor 10.0.0.1 is up\n'), 1, 'Neighbor 10.0.0.1 is up');
  });
});
