import { expect } from 'chai';
import sinon from 'sinon';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { SyncEngine } from '../../src/app/engine/engine.js';
import type { Config } from '../../src/config/model.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import type { Finding, VerifierResult, VerificationReason } from '../../src/app/engine/ports.js';
import {
  FakeAnnouncer,
  FakeNeighbors,
  FakeSource,
  FakeVerifier,
  FakeWriter,
  config,
  fakePlanner,
  lbService,
  snapshot,
} from './fakes.js';
import { peer } from '../sync/builders.js';

const PEER = 'peer-192.168.200.1';

describe('engine: the sync loop', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  function setup(
    opts: {
      cfg?: Config;
      results?: ConstructorParameters<typeof FakeVerifier>[0];
      established?: boolean;
    } = {},
  ) {
    const cfg = opts.cfg ?? config();
    const source = new FakeSource();
    const announcer = new FakeAnnouncer(cfg.peers, opts.established ?? true);
    const verifier = new FakeVerifier(opts.results);
    const writer = new FakeWriter();
    const neighbors = new FakeNeighbors();
    const metrics = new Metrics();
    const planner = sinon.spy((snap: ClusterSnapshot) => fakePlanner(cfg, snap));
    const reports: Array<{ v: VerifierResult<string>; reason: VerificationReason }> = [];
    const engine = new SyncEngine<string>({
      config: cfg,
      source,
      planner,
      announcer,
      verifier,
      allocations: writer,
      neighbors,
      metrics,
      logger: silentLogger(),
      reporter: (v, reason) => reports.push({ v, reason }),
      settleMs: 1000,
    });
    return { cfg, source, announcer, verifier, writer, neighbors, metrics, planner, reports, engine };
  }

  it('plans nothing until the source says its initial snapshot is complete', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]), false);
    t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]), false);
    await clock.tickAsync(5000);
    expect(t.planner.callCount).to.equal(0);
    expect(t.announcer.calls).to.deep.equal([]);
    expect(t.engine.readiness()).to.include('initial sync not done');

    t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]), true);
    await clock.tickAsync(0);
    expect(t.planner.callCount).to.equal(1);
    expect(t.announcer.calls).to.deep.equal([`set ${PEER} 192.168.197.1/32,192.168.197.2/32`]);
    expect(t.engine.readiness()).to.deep.equal([]);
  });

  it("declares the initial routes set once, after every peer's first routes and never before a plan", async () => {
    const cfg = config({ peers: [peer('192.168.200.1'), peer('192.168.200.2')] });
    const t = setup({ cfg });
    await t.engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]), false);
    await clock.tickAsync(5000);
    expect(t.announcer.initialRoutesSetAfter).to.deep.equal([]);
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
    await clock.tickAsync(0);
    expect(t.announcer.initialRoutesSetAfter).to.deep.equal([2]);
    t.source.emit(snapshot([lbService('a', '192.168.197.2')]));
    await clock.tickAsync(0);
    expect(t.announcer.calls).to.have.length(4);
    expect(t.announcer.initialRoutesSetAfter).to.deep.equal([2]);
  });

  it('coalesces a burst of snapshots into one plan of the newest', async () => {
    const t = setup();
    await t.engine.start();
    for (let i = 1; i <= 20; i++) {
      t.source.emit(
        snapshot(Array.from({ length: i }, (_, k) => lbService(`s${k}`, `192.168.197.${k + 1}`))),
      );
    }
    await clock.tickAsync(0);
    expect(t.planner.callCount).to.equal(1);
    expect(t.planner.firstCall.args[0].services).to.have.length(20);
    expect(t.announcer.routes.get(PEER)).to.have.length(20);
  });

  it('with a coalescing window, changes spread over the window still make one plan', async () => {
    const t = setup();
    const engine = new SyncEngine<string>({
      config: t.cfg,
      source: t.source,
      planner: t.planner,
      announcer: t.announcer,
      verifier: t.verifier,
      metrics: t.metrics,
      logger: silentLogger(),
      reporter: () => {},
      coalesceMs: 50,
    });
    await engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
    await clock.tickAsync(20);
    t.source.emit(snapshot([lbService('a', '192.168.197.2')]));
    await clock.tickAsync(20);
    expect(t.planner.callCount).to.equal(0);
    await clock.tickAsync(10);
    expect(t.planner.callCount).to.equal(1);
    expect(t.announcer.routes.get(PEER)!.map((r) => r.prefix.text)).to.deep.equal(['192.168.197.2/32']);
  });

  it('verifies after the router had time to settle, reports, and verifies again every verifyIntervalSec', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
    await clock.tickAsync(999);
    expect(t.reports).to.have.length(0);
    await clock.tickAsync(1);
    expect(t.reports.map((r) => r.reason)).to.deep.equal(['initial']);
    expect(t.reports[0]!.v.report).to.equal('ok: 192.168.197.1/32');
    await clock.tickAsync(30_000);
    expect(t.reports.map((r) => r.reason)).to.deep.equal(['initial', 'periodic']);
    await clock.tickAsync(30_000);
    expect(t.reports.map((r) => r.reason)).to.deep.equal(['initial', 'periodic', 'periodic']);
  });

  it('a change verifies with the newest plan and the report follows it', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
    await clock.tickAsync(1000);
    t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.9')]));
    await clock.tickAsync(1000);
    expect(t.reports.map((r) => [r.reason, r.v.report])).to.deep.equal([
      ['initial', 'ok: 192.168.197.1/32'],
      ['change', 'ok: 192.168.197.1/32 192.168.197.9/32'],
    ]);
  });

  it('writes only changed allocations, releases deleted ones, and retries a failed write', async () => {
    const t = setup();
    await t.engine.start();
    t.writer.failNext = 1;
    t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]));
    await clock.tickAsync(0);
    expect(t.writer.writes).to.have.length(0);
    await clock.tickAsync(5000);
    expect(t.writer.writes.map((w) => w.changed.map((c) => c.service))).to.deep.equal([
      ['default/a', 'default/b'],
    ]);
    t.source.emit(snapshot([lbService('a', '192.168.197.3')]));
    await clock.tickAsync(0);
    expect(t.writer.writes[1]).to.deep.equal({
      changed: [{ service: 'default/a', ips: ['192.168.197.3'], pools: ['default'] }],
      released: ['default/b'],
    });
  });

  it('keeps the previous plan when planning throws, and plans again on the next snapshot', async () => {
    const t = setup();
    let fail = false;
    const engine = new SyncEngine<string>({
      config: t.cfg,
      source: t.source,
      planner: (snap) => {
        if (fail) throw new Error('planner bug');
        return fakePlanner(t.cfg, snap);
      },
      announcer: t.announcer,
      verifier: t.verifier,
      metrics: t.metrics,
      logger: silentLogger(),
      reporter: () => {},
    });
    await engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
    await clock.tickAsync(0);
    const first = engine.plan;
    fail = true;
    t.source.emit(snapshot([lbService('a', '192.168.197.2')]));
    await clock.tickAsync(0);
    expect(engine.plan).to.equal(first);
    expect(t.announcer.calls).to.deep.equal([`set ${PEER} 192.168.197.1/32`]);
    fail = false;
    t.source.emit(snapshot([lbService('a', '192.168.197.3')]));
    await clock.tickAsync(0);
    expect(t.announcer.calls).to.deep.equal([`set ${PEER} 192.168.197.1/32`, `set ${PEER} 192.168.197.3/32`]);
  });

  describe('drift repair', () => {
    const found = (...findings: Finding[]) => ({ verdict: 'drift' as const, findings });

    async function driftRun(findings: Finding[], cfg?: Config) {
      const t = setup({ cfg, results: [found(...findings), { verdict: 'ok', findings: [] }] });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(1000);
      return t;
    }

    async function metric(t: ReturnType<typeof setup>, name: string): Promise<string[]> {
      return (await t.metrics.text()).split('\n').filter((l) => l.startsWith(name));
    }

    it('re-announces when the router lost a route, counts it, and checks again', async () => {
      const t = await driftRun([
        { kind: 'route-missing', peer: PEER, prefix: '192.168.197.1/32', message: 'not in RIB' },
      ]);
      expect(t.announcer.calls.slice(1)).to.deep.equal([`resend ${PEER} 192.168.197.1/32`]);
      expect(await metric(t, 'crs_drift_repairs_total')).to.deep.equal([
        'crs_drift_repairs_total{kind="reannounce"} 1',
      ]);
      await clock.tickAsync(1000);
      expect(t.reports.map((r) => [r.reason, r.v.verdict])).to.deep.equal([
        ['initial', 'drift'],
        ['repair-check', 'ok'],
      ]);
    });

    it('while the router waits for our End-of-RIB: repairs nothing, looks again, less often each time', async () => {
      const restarting: Finding = { kind: 'restart-in-progress', peer: PEER, message: 'graceful restart' };
      const missing: Finding = {
        kind: 'route-missing',
        peer: PEER,
        prefix: '192.168.197.1/32',
        message: 'x',
      };
      const t = setup({
        results: [
          found(restarting, missing),
          found(restarting),
          found(restarting),
          { verdict: 'ok', findings: [] },
        ],
      });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(1000);
      // The router's routes may still be our previous session's: a missing one is not re-sent,
      // nor counted as drift (every restart would feed the unrepaired-drift alert).
      expect(t.announcer.calls.slice(1)).to.deep.equal([]);
      expect(await metric(t, 'crs_drift_reported_total')).to.deep.equal([]);
      expect(await metric(t, 'crs_drift_repairs_total')).to.deep.equal([]);
      await clock.tickAsync(1000);
      expect(t.reports.map((r) => r.reason)).to.deep.equal(['initial', 'restart-check']);
      await clock.tickAsync(1999);
      expect(t.reports).to.have.length(2);
      await clock.tickAsync(1);
      await clock.tickAsync(4000);
      expect(t.reports.map((r) => [r.reason, r.v.verdict])).to.deep.equal([
        ['initial', 'drift'],
        ['restart-check', 'drift'],
        ['restart-check', 'drift'],
        ['restart-check', 'ok'],
      ]);
    });

    it('does not repair against a plan that changed while the router was being read', async () => {
      const t = setup({
        results: [
          {
            verdict: 'drift',
            findings: [
              { kind: 'route-unwanted', peer: PEER, prefix: '192.168.197.2/32', message: 'not planned' },
            ],
          },
          { verdict: 'ok', findings: [] },
        ],
      });
      // The first read of the router is slow; a new service is planned meanwhile.
      const verify = t.verifier.verify.bind(t.verifier);
      let first = true;
      sinon.stub(t.verifier, 'verify').callsFake(async (plan) => {
        const result = await verify(plan);
        if (first) {
          first = false;
          t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]));
          await clock.tickAsync(50);
        }
        return result;
      });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(5000);
      expect(t.announcer.calls.filter((c) => c.startsWith('withdraw'))).to.deep.equal([]);
      // Only verifications against the plan the router had time to take are reported.
      expect(t.reports.map((r) => r.v.verdict))
        .to.include('ok')
        .and.not.include('drift');
      expect(await metric(t, 'crs_drift_repairs_total')).to.deep.equal([]);
    });

    it('withdraws a route from our session that the plan does not want, and resends the desired set', async () => {
      const t = await driftRun([
        { kind: 'route-unwanted', peer: PEER, prefix: '192.168.197.77/32', message: 'not planned' },
      ]);
      expect(t.announcer.calls.slice(1)).to.deep.equal([
        `withdraw ${PEER} 192.168.197.77/32`,
        `set ${PEER} 192.168.197.1/32`,
      ]);
      expect(await metric(t, 'crs_drift_repairs_total')).to.deep.equal([
        'crs_drift_repairs_total{kind="withdraw-unwanted"} 1',
      ]);
    });

    it('re-adds our neighbor statement when manageNeighbors is on', async () => {
      const t = await driftRun(
        [{ kind: 'neighbor-missing', peer: PEER, message: 'no neighbor 192.168.200.1' }],
        config({ manageNeighbors: true }),
      );
      expect(t.neighbors.added).to.deep.equal(['192.168.200.1']);
      expect(await metric(t, 'crs_drift_repairs_total')).to.deep.equal([
        'crs_drift_repairs_total{kind="neighbor-readd"} 1',
      ]);
    });

    it('only reports a missing neighbor when manageNeighbors is off', async () => {
      const t = await driftRun([
        { kind: 'neighbor-missing', peer: PEER, message: 'no neighbor 192.168.200.1' },
      ]);
      expect(t.neighbors.added).to.deep.equal([]);
      expect(await metric(t, 'crs_drift_reported_total')).to.deep.equal([
        'crs_drift_reported_total{kind="neighbor-missing"} 1',
      ]);
      await clock.tickAsync(1000);
      expect(t.reports).to.have.length(1);
    });

    it('does not re-announce over a session that is down: the speaker reconnects, then it is verified', async () => {
      const t = setup({
        established: false,
        results: [
          found(
            { kind: 'session-down', peer: PEER, message: 'Active' },
            { kind: 'route-missing', peer: PEER, prefix: '192.168.197.1/32', message: 'not in RIB' },
          ),
          { verdict: 'ok', findings: [] },
        ],
      });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(1000);
      expect(t.announcer.calls.filter((c) => c.startsWith('resend'))).to.deep.equal([]);
      expect(t.engine.readiness()).to.deep.equal([`BGP session to ${PEER} (192.168.200.1) is Active`]);
      t.announcer.setState(PEER, 'Established');
      await clock.tickAsync(1000);
      t.announcer.setState(PEER, 'Idle');
      t.announcer.setState(PEER, 'Established');
      expect(await metric(t, 'crs_bgp_session_drops_total')).to.deep.equal([
        `crs_bgp_session_drops_total{peer="${PEER}"} 1`,
      ]);
      await clock.tickAsync(1000);
      expect(t.reports.map((r) => [r.reason, r.v.verdict])).to.deep.equal([
        ['initial', 'drift'],
        ['session', 'ok'],
        ['session', 'ok'],
      ]);
      expect(await metric(t, 'crs_drift_reported_total')).to.have.members([
        'crs_drift_reported_total{kind="session-down"} 1',
        'crs_drift_reported_total{kind="route-missing"} 1',
      ]);
    });

    it('path slot sessions go up and down on their own; routes are repaired while one of them is up', async () => {
      const t = setup({
        results: [
          found({ kind: 'route-missing', peer: PEER, prefix: '192.168.197.1/32', message: 'not in RIB' }),
          { verdict: 'ok', findings: [] },
        ],
      });
      const [base] = t.announcer.status;
      t.announcer.status = [0, 1].map((slot) => ({ ...base!, session: `${PEER}#${slot}` }));
      await t.engine.start();
      t.announcer.setState(`${PEER}#0`, 'Established');
      t.announcer.setState(`${PEER}#1`, 'Established');
      t.announcer.setState(`${PEER}#1`, 'Active');
      expect(await metric(t, 'crs_bgp_session_drops_total')).to.deep.equal([
        `crs_bgp_session_drops_total{peer="${PEER}#1"} 1`,
      ]);
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(1000);
      expect(t.engine.readiness()).to.deep.equal([`BGP session to ${PEER}#1 (192.168.200.1) is Active`]);
      expect(t.announcer.calls.filter((c) => c.startsWith('resend'))).to.deep.equal([
        `resend ${PEER} 192.168.197.1/32`,
      ]);
    });

    it('finds hand-made drift at the periodic verification', async () => {
      const t = setup({
        results: [
          { verdict: 'ok', findings: [] },
          found({
            kind: 'route-missing',
            peer: PEER,
            prefix: '192.168.197.1/32',
            message: 'cleared by hand',
          }),
          { verdict: 'ok', findings: [] },
        ],
      });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(1000 + 30_000 + 1000);
      expect(t.reports.map((r) => [r.reason, r.v.verdict])).to.deep.equal([
        ['initial', 'ok'],
        ['periodic', 'drift'],
        ['repair-check', 'ok'],
      ]);
      expect(t.announcer.calls.filter((c) => c.startsWith('resend'))).to.deep.equal([
        `resend ${PEER} 192.168.197.1/32`,
      ]);
    });
  });

  describe('drift repair that does not help', () => {
    const missing = (message: string): Finding => ({
      kind: 'route-missing',
      peer: PEER,
      prefix: '192.168.197.1/32',
      message,
    });
    const drift = (...findings: Finding[]) => ({ verdict: 'drift' as const, findings });
    const OK = { verdict: 'ok' as const, findings: [] };
    const resends = (t: ReturnType<typeof setup>) => t.announcer.calls.filter((c) => c.startsWith('resend'));

    async function run(results: ConstructorParameters<typeof FakeVerifier>[0], ms: number) {
      const t = setup({ results });
      await t.engine.start();
      t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
      await clock.tickAsync(ms);
      return t;
    }

    it('re-announces once; the same finding after that is reported at every verification, not resent', async () => {
      // e.g. the router filters the prefix inbound: every UPDATE reaches it and changes nothing.
      const t = await run(
        [drift(missing('the router has no BGP route for this prefix'))],
        1000 + 1000 + 3 * 30_000,
      );
      expect(t.reports.map((r) => r.reason)).to.deep.equal([
        'initial',
        'repair-check',
        'periodic',
        'periodic',
        'periodic',
      ]);
      expect(resends(t)).to.deep.equal([`resend ${PEER} 192.168.197.1/32`]);
      expect((await t.metrics.text()).split('\n')).to.include.members([
        'crs_drift_repairs_total{kind="reannounce"} 1',
        'crs_drift_reported_total{kind="route-missing"} 4',
      ]);
    });

    it('withdraws an unwanted route once, not at every verification', async () => {
      const unwanted: Finding = {
        kind: 'route-unwanted',
        peer: PEER,
        prefix: '192.168.197.77/32',
        message: 'not planned',
      };
      const t = await run([drift(unwanted)], 1000 + 1000 + 2 * 30_000);
      expect(t.announcer.calls.filter((c) => c.startsWith('withdraw'))).to.have.length(1);
    });

    it('repairs again when the finding changed after the first repair', async () => {
      const t = await run(
        [
          drift(missing('1 of 2 next hops; missing 192.168.201.12')),
          drift(missing('no next hop at all')),
          OK,
        ],
        1000 + 1000 + 30_000,
      );
      expect(resends(t)).to.have.length(2);
    });

    it('repairs again when a fixed finding comes back later', async () => {
      const lost = missing('the router has no BGP route for this prefix');
      const t = await run([drift(lost), OK, drift(lost), OK], 1000 + 1000 + 30_000 + 1000);
      expect(t.reports.map((r) => [r.reason, r.v.verdict])).to.deep.equal([
        ['initial', 'drift'],
        ['repair-check', 'ok'],
        ['periodic', 'drift'],
        ['repair-check', 'ok'],
      ]);
      expect(resends(t)).to.have.length(2);
    });

    it('repairs again after the session came back up (a new session is a new state)', async () => {
      const t = await run([drift(missing('the router has no BGP route for this prefix'))], 2000);
      expect(resends(t)).to.have.length(1);
      t.announcer.setState(PEER, 'Idle');
      t.announcer.setState(PEER, 'Established');
      await clock.tickAsync(1000);
      expect(resends(t)).to.have.length(2);
    });
  });

  describe('shutdown', () => {
    for (const mode of ['keep-routes', 'withdraw'] as const) {
      it(`stops the source and closes the speaker with mode ${mode}`, async () => {
        const t = setup();
        await t.engine.start();
        t.source.emit(snapshot([lbService('a', '192.168.197.1')]));
        await clock.tickAsync(0);
        await t.engine.stop(mode);
        expect(t.source.stopped).to.equal(true);
        expect(t.announcer.shutdownMode).to.equal(mode);
        t.source.emit(snapshot([]));
        await clock.tickAsync(60_000);
        expect(t.planner.callCount).to.equal(1);
        expect(t.reports).to.have.length(0);
      });
    }
  });

  it('exposes sessions, routes, pools and verdicts as metrics, including MetalLB names', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]));
    await clock.tickAsync(1000);
    const text = await t.metrics.text();
    for (const line of [
      'crs_bgp_session_up{peer="peer-192.168.200.1"} 1',
      'crs_bgp_session_state{peer="peer-192.168.200.1",state="Established"} 1',
      'crs_bgp_routes_announced{peer="peer-192.168.200.1"} 2',
      'crs_pool_allocated_addresses{pool="default"} 2',
      'crs_pool_usable_addresses{pool="default"} 256',
      'crs_verifications_total{verdict="ok"} 1',
      'crs_reconcile_duration_seconds_count 1',
      'metallb_bgp_session_up{peer="192.168.200.1:179"} 1',
      'metallb_bgp_announced_prefixes_total{peer="192.168.200.1:179"} 2',
      'metallb_allocator_addresses_in_use_total{pool="default"} 2',
      'metallb_allocator_addresses_total{pool="default"} 256',
    ]) {
      expect(text).to.include(line);
    }
  });
});
