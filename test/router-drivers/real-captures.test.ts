import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createDriverOn } from '../../src/router-drivers/driver.js';
import { NeighborVerificationError, RouterCommandError } from '../../src/router-drivers/errors.js';
import { applyNeighborPlan } from '../../src/router-drivers/neighbor-apply.js';
import {
  planNeighborChanges,
  renderNeighborPlan,
  type NeighborPolicy,
} from '../../src/router-drivers/neighbor-plan.js';
import { parseBgpTableText } from '../../src/router-drivers/parse-bgp-table-text.js';
import {
  parseBgpPrefixDetailText,
  parseRouteDetailText,
} from '../../src/router-drivers/parse-detail-text.js';
import { parseRouteText } from '../../src/router-drivers/parse-route-text.js';
import { parseBgpSummaryText } from '../../src/router-drivers/parse-summary-text.js';
import { createRecordedTransport } from '../../src/router-drivers/transport-recorded.js';
import type { RouterTransport } from '../../src/router-drivers/transport.js';
import { splitVtyshOutput } from '../../src/router-drivers/vtysh-invocation.js';
import { expectParseError } from './expect-parse-error.js';
import { silentLog } from '../../src/util/log.js';

/*
 * Every output here was printed by a real daemon: fixtures/quagga-1.2.4 (Quagga 1.2.4 peered with
 * our speaker; its static-routes and table-forms, and fixtures/check/*-quagga, from
 * fixtures/check/capture-quagga.ts), fixtures/frr-8.4.4-edge (FRR 8.4.4: empty tables, refusals,
 * blackhole routes).
 */
const path = (p: string): string => new URL(`../../fixtures/${p}`, import.meta.url).pathname;
const fixture = (p: string): string => readFileSync(path(p), 'utf8');
const SCENARIOS = [
  'single-path',
  'route-missing-filtered-in',
  'session-admin-shutdown',
  'graceful-restart-stale',
];
const quagga = (scenario: string) =>
  createDriverOn(createRecordedTransport(path(`quagga-1.2.4/${scenario}`)), silentLog);

describe('router-drivers: real Quagga 1.2.4 and FRR 8.4.4 captures', () => {
  it('Quagga 1.2.4: version without a hostname, then the text dialect reads every scenario', async () => {
    for (const scenario of SCENARIOS) {
      const d = quagga(scenario);
      expect(await d.version(), scenario).to.deep.equal({
        family: 'quagga',
        version: '1.2.4',
        major: 1,
        minor: 2,
      });
      expect((await d.dialect()).name).to.equal('text');
      const [summary] = await d.bgpSummary();
      expect(summary?.routerId).to.equal('192.168.198.254');
      expect(await d.bgpRoutes(6)).to.deep.equal([]);
      expect((await d.neighbors()).length).to.be.greaterThan(0);
      expect((await d.runningBgpConfig()).bgp[0]?.asn).to.equal(64501);
    }
  });

  it('Quagga 1.2.4 summary: the "Total num." lines are totals, not neighbors; states as printed', async () => {
    const peers = async (s: string) =>
      ((await quagga(s).bgpSummary())[0]?.peers ?? []).map((p) => [p.address, p.state, p.prefixesReceived]);
    expect(await peers('single-path')).to.deep.equal([['192.168.201.11', 'Established', 2]]);
    expect(await peers('session-admin-shutdown')).to.deep.equal([
      ['192.168.201.11', 'Established', 1],
      ['192.168.201.12', 'Idle (Admin)', undefined],
    ]);
    expect(await peers('graceful-restart-stale')).to.deep.equal([['192.168.201.11', 'Active', undefined]]);
    // `show bgp summary` names every family, with Quagga's Encap sections.
    const all = parseBgpSummaryText(fixture('quagga-1.2.4/single-path/show_bgp_summary.txt'));
    expect(all.map((s) => [s.addressFamily, s.peers.length])).to.deep.equal([['IPv4 Unicast', 1]]);
  });

  it('Quagga 1.2.4 neighbors: lower-case "hold time is" after "Last read", no ADD-PATH lines', async () => {
    const [n] = await quagga('single-path').neighbors();
    expect(n).to.include({
      address: '192.168.201.11',
      state: 'Established',
      holdTimeSec: 90,
      keepaliveSec: 30,
    });
    expect(n?.capabilities.addPath).to.deep.equal([]);
    const gr = await quagga('graceful-restart-stale').neighbors();
    expect(gr.map((x) => [x.state, x.holdTimeSec])).to.deep.equal([['Active (NSF passive)', 180]]);
    const down = await quagga('session-admin-shutdown').neighbors();
    expect(down.map((x) => x.state)).to.deep.equal(['Established', 'Idle']);
  });

  it('Quagga 1.2.4 routes, bgpd table and per-prefix detail, stale paths included', () => {
    const routes = parseRouteText(fixture('quagga-1.2.4/route-missing-filtered-in/show_ip_route_bgp.txt'));
    expect(routes.map((r) => [r.prefix, r.nextHops.map((h) => h.address)])).to.deep.equal([
      ['192.168.197.77/32', ['192.168.201.12', '192.168.201.11']],
    ]);
    const stale = parseBgpTableText(fixture('quagga-1.2.4/graceful-restart-stale/show_ip_bgp.txt'));
    expect(stale.map((p) => [p.prefix, p.stale, p.best])).to.deep.equal([
      ['192.168.197.0/32', true, true],
      ['192.168.197.77/32', true, true],
    ]);
    const detail = parseBgpPrefixDetailText(
      fixture('quagga-1.2.4/graceful-restart-stale/show_ip_bgp_192.168.197.77_32.txt'),
    );
    expect(detail.map((p) => [p.asPath, p.stale, p.nextHops])).to.deep.equal([
      ['64500', true, ['192.168.201.11']],
    ]);
    const zebra = parseRouteDetailText(
      fixture('quagga-1.2.4/route-missing-filtered-in/show_ip_route_192.168.197.77_32.txt'),
    );
    expect(zebra[0]?.fib).to.equal(true);
    expect(zebra[0]?.nextHops.map((h) => [h.address, h.fib, h.interface])).to.deep.equal([
      ['192.168.201.12', true, 'qg_vr'],
      ['192.168.201.11', true, 'qg_vr'],
    ]);
  });

  it('Quagga 1.2.4 static routes: no age, Null0 with bh or rej, an unreachable gateway inactive', () => {
    const routes = parseRouteText(fixture('quagga-1.2.4/static-routes/show_ip_route.txt'));
    const hop = (r: (typeof routes)[number]) => r.nextHops.map((h) => [h.address, h.interface, h.active]);
    expect(
      routes.map((r) => [r.protocolCode, r.prefix, r.selected, r.fib, r.uptimeText, ...hop(r)]),
    ).to.deep.equal([
      ['C', '127.0.0.0/8', true, true, undefined, [undefined, 'lo', true]],
      ['C', '192.168.201.0/24', true, true, undefined, [undefined, 'vr', true]],
      ['S', '198.51.100.0/26', true, true, undefined, ['192.168.201.254', 'vr', true]],
      ['S', '198.51.100.64/26', false, false, undefined, ['203.0.113.1', undefined, false]],
      ['S', '198.51.100.128/26', true, true, undefined, [undefined, 'vr', true]],
      ['S', '198.51.100.192/26', true, true, undefined, [undefined, 'Null0', true]],
      ['S', '203.0.113.0/24', true, true, undefined, [undefined, 'Null0', true]],
    ]);
    expect(parseRouteText(fixture('quagga-1.2.4/static-routes/show_ip_route_static.txt'))).to.deep.equal(
      routes.filter((r) => r.protocolCode === 'S'),
    );
  });

  it('Quagga 1.2.4 not-in-fib: a static Null0 route wins; the BGP route shows neither > nor *', () => {
    const routes = parseRouteText(fixture('check/not-in-fib-quagga/router/show_ip_route.txt'));
    expect(
      routes.filter((r) => r.prefix === '192.168.197.1/32').map((r) => [r.protocolCode, r.selected, r.fib]),
    ).to.deep.equal([
      ['S', true, true],
      ['B', false, false],
    ]);
    // A route a routing protocol learned still needs its age: only C, K and S print none.
    expectParseError(
      () => parseRouteText('B>* 192.168.197.1/32 [20/0] is directly connected, Null0, bh'),
      1,
      'B>* 192.168.197.1/32 [20/0] is directly connected, Null0, bh',
    );
  });

  it('Quagga 1.2.4 vtysh -E session splits into its three commands', () => {
    const outs = splitVtyshOutput(
      ['show version', 'show ip bgp summary', 'show ip route bgp'],
      fixture('quagga-1.2.4/session-admin-shutdown/vtysh-E_session.txt'),
      0,
      '',
    );
    expect(outs).to.have.length(3);
    expect(parseBgpSummaryText(outs[1] as string)[0]?.peers).to.have.length(2);
    expect(parseRouteText(outs[2] as string)).to.have.length(1);
  });

  it('a parse error names the command that was run and quotes the line', async () => {
    const transport: RouterTransport = {
      description: 'capture',
      run: async () => [
        'BGP router identifier 192.168.198.254, local AS number 64501\nTotal num. of sessions 1\n',
      ],
      close: async () => {},
    };
    const err = await createDriverOn(transport, silentLog, 'quagga')
      .bgpSummary()
      .then(
        () => expect.fail('expected a parse error'),
        (e: Error) => e,
      );
    expect(err.message).to.equal('show ip bgp summary: line 2: unexpected line: "Total num. of sessions 1"');
  });

  it('FRR 8.4.4 empty tables are empty answers; refusals are errors quoting the line', () => {
    expect(parseBgpTableText(fixture('frr-8.4.4-edge/show_ip_bgp.txt'))).to.deep.equal([]);
    expect(parseRouteText(fixture('frr-8.4.4-edge/show_ip_route_bgp.txt'))).to.deep.equal([]);
    const summary = parseBgpSummaryText(fixture('frr-8.4.4-edge/show_ip_bgp_summary.txt'));
    expect(summary[0]?.peers.map((p) => [p.state, p.upDownSec])).to.deep.equal([['Active', null]]);
    expectParseError(
      () => parseBgpPrefixDetailText(fixture('frr-8.4.4-edge/show_ip_bgp_192.168.197.9_32.txt')),
      1,
      '% Network not in table',
    );
    expectParseError(
      () => parseRouteDetailText(fixture('frr-8.4.4-edge/show_ip_route_192.168.197.9_32.txt')),
      1,
      '% Network not in table',
    );
    expectParseError(
      () => parseBgpSummaryText(fixture('frr-8.4.4-edge/show_ipv6_bgp_summary.txt')),
      1,
      '% Unknown command: show ipv6 bgp summary',
    );
    const statics = parseRouteText(fixture('frr-8.4.4-edge/show_ip_route.txt')).filter(
      (r) => r.protocolCode === 'S',
    );
    expect(statics.map((r) => [r.prefix, r.fib, r.nextHops.length])).to.deep.equal([
      ['192.168.195.0/24', true, 1],
      ['192.168.196.0/24', true, 1],
      ['192.168.199.0/24', true, 1],
    ]);
  });
});

/** Answers `show running-config` from the captures in turn and keeps every config batch sent. */
function configsInTurn(files: string[]): { transport: RouterTransport; sent: string[][] } {
  const sent: string[][] = [];
  let next = 0;
  const transport: RouterTransport = {
    description: 'recorded quagga-1.2.4',
    run: async (commands) => {
      if (commands[0] === 'configure terminal') {
        sent.push([...commands]);
        return commands.map(() => '');
      }
      const file = files[Math.min(next, files.length - 1)] as string;
      next += 1;
      return [fixture(file)];
    },
    close: async () => {},
  };
  return { transport, sent };
}

describe('neighbors on the real Quagga 1.2.4 running configs', () => {
  const POLICY: NeighborPolicy = {
    routerAs: 64501,
    descriptionMarker: 'cluster-router-sync',
    neighbors: [{ address: '192.168.201.11', remoteAs: 64500 }],
    importPools: [{ addresses: '192.168.197.0/24' }],
  };
  const BEFORE = 'quagga-1.2.4/graceful-restart-stale/show_running-config.txt';
  const AFTER = 'quagga-1.2.4/show_running-config_after-neighbors-apply.txt';

  it('apply: the route-map line Quagga shows at the router bgp level reads back as applied', async () => {
    const { transport, sent } = configsInTurn([BEFORE, AFTER]);
    const driver = createDriverOn(transport, silentLog, 'quagga');
    const plan = planNeighborChanges(await driver.runningBgpConfig(), POLICY);
    expect(renderNeighborPlan(plan)).to.equal(
      [
        'router bgp 64501',
        '  address-family ipv4 unicast',
        '+  neighbor 192.168.201.11 route-map cluster-router-sync-in in',
        '  exit-address-family',
        '',
      ].join('\n'),
    );
    expect(await applyNeighborPlan(driver, plan, POLICY, { log: silentLog })).to.deep.equal({
      applied: 1,
      verified: true,
      wroteMemory: false,
    });
    expect(sent).to.have.length(1);
    // A second dry run against the applied config has nothing to do.
    expect(planNeighborChanges(await driver.runningBgpConfig(), POLICY).steps).to.deep.equal([]);
  });

  it('rollback removes only what it added and checks that every line read before is back', async () => {
    const { transport, sent } = configsInTurn([BEFORE, BEFORE, BEFORE]);
    const driver = createDriverOn(transport, silentLog, 'quagga');
    const plan = planNeighborChanges(await driver.runningBgpConfig(), POLICY);
    const err = await applyNeighborPlan(driver, plan, POLICY, { log: silentLog }).then(
      () => expect.fail('expected a verification error'),
      (e: unknown) => e as NeighborVerificationError,
    );
    expect(err).to.be.instanceOf(NeighborVerificationError);
    expect(err.message).to.contain('rolled back to the previous neighbor lines');
    expect(sent[1]).to.deep.equal([
      'configure terminal',
      'router bgp 64501',
      'address-family ipv4 unicast',
      'no neighbor 192.168.201.11 route-map cluster-router-sync-in in',
      'exit-address-family',
      'end',
    ]);
  });

  it('a rollback that leaves the router different from before says which lines', async () => {
    const { transport } = configsInTurn([BEFORE, BEFORE, AFTER]);
    const driver = createDriverOn(transport, silentLog, 'quagga');
    const plan = planNeighborChanges(await driver.runningBgpConfig(), POLICY);
    const err = await applyNeighborPlan(driver, plan, POLICY, { log: silentLog }).then(
      () => expect.fail('expected a verification error'),
      (e: unknown) => e as Error,
    );
    expect(err.message).to.contain(`left " neighbor 192.168.201.11 route-map cluster-router-sync-in in"`);
  });

  it('a hand-written neighbor (no marker) gets no description and no filter', async () => {
    const { transport } = configsInTurn(['quagga-1.2.4/single-path/show_running-config.txt']);
    const plan = planNeighborChanges(
      await createDriverOn(transport, silentLog, 'quagga').runningBgpConfig(),
      POLICY,
    );
    expect(plan.steps).to.deep.equal([]);
    expect(plan.notes[0]).to.match(/^neighbor 192\.168\.201\.11 is configured without the description/);
  });

  it('a refusal while applying is reported as the router refusing, then rolled back', async () => {
    const { transport } = configsInTurn([BEFORE, BEFORE, BEFORE]);
    const refusing: RouterTransport = {
      ...transport,
      run: async (commands) => {
        const out = await transport.run(commands);
        if (commands[0] === 'configure terminal' && commands.some((c) => c.startsWith('neighbor ')))
          throw new RouterCommandError('router-message', commands[3] as string, '% Malformed', 'Malformed');
        return out;
      },
    };
    const driver = createDriverOn(refusing, silentLog, 'quagga');
    const plan = planNeighborChanges(await driver.runningBgpConfig(), POLICY);
    const err = await applyNeighborPlan(driver, plan, POLICY, { log: silentLog }).then(
      () => expect.fail('expected an error'),
      (e: Error) => e,
    );
    expect(err.message).to.contain('refused').and.contain('rolled back to the previous neighbor lines');
  });
});
