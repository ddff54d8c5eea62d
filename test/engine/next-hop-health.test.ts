import { expect } from 'chai';
import sinon from 'sinon';
import { HealthChecker } from '../../src/health/health-checker.js';
import { CheckedNextHops } from '../../src/health/next-hop-health.js';
import type { ProbeResult } from '../../src/health/target-state.js';
import { startHealthServer } from '../../src/observability/health-server.js';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { SyncEngine } from '../../src/app/engine/engine.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { node } from '../sync/builders.js';
import { FakeAnnouncer, FakeSource, FakeVerifier, config, fakePlanner, lbService } from './fakes.js';
import { addressTexts } from '../../src/ip/address.js';

const PEER = 'peer-192.168.200.1';

describe('engine: next hops after health checks', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  function setup() {
    const cfg = config();
    const source = new FakeSource();
    const announcer = new FakeAnnouncer(cfg.peers);
    const verifier = new FakeVerifier();
    const answers = new Map<string, ProbeResult>();
    const checker = new HealthChecker({
      intervalMs: 200,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      random: () => 0.5,
      probe: (t) => Promise.resolve(answers.get(t.address) ?? { ok: true }),
    });
    const engine = new SyncEngine<string>({
      config: cfg,
      source,
      planner: (snap: ClusterSnapshot) => fakePlanner(cfg, snap),
      announcer,
      verifier,
      health: new CheckedNextHops(checker, 10256),
      metrics: new Metrics(),
      logger: silentLogger(),
      reporter: () => undefined,
      settleMs: 1000,
    });
    const snap: ClusterSnapshot = {
      services: [lbService('a', '192.168.197.1')],
      endpointSlices: [],
      nodes: [node('n1', ['192.168.201.11']), node('n2', ['192.168.201.12'])],
      namespaces: [],
    };
    const hops = () => addressTexts(announcer.routes.get(PEER)?.[0]?.nextHops ?? []);
    return { source, announcer, verifier, answers, checker, engine, snap, hops };
  }

  it('withdraws a failing next hop, fails open when all fail, and brings them back', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(t.snap);
    await clock.tickAsync(0);
    expect(t.hops()).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    expect(t.checker.statuses().map((s) => s.target.key)).to.deep.equal([
      '192.168.201.11|10256',
      '192.168.201.12|10256',
    ]);

    t.answers.set('192.168.201.12', { ok: false, error: 'ECONNREFUSED' });
    await clock.tickAsync(1000);
    expect(t.hops()).to.deep.equal(['192.168.201.11']);
    // The verifier judges the router against the plan after health.
    await clock.tickAsync(1000);
    expect(addressTexts(t.verifier.plans.at(-1)!.peers[0]!.routes[0]!.nextHops)).to.deep.equal([
      '192.168.201.11',
    ]);

    expect(t.engine.healthDetail()).to.deep.equal([
      'health checks: 2 targets, 1 healthy, 1 unhealthy, 0 unknown',
      '- unhealthy 192.168.201.12:10256 (ECONNREFUSED): default/a',
    ]);

    t.answers.set('192.168.201.11', { ok: false, error: 'HTTP 503' });
    await clock.tickAsync(1000);
    expect(t.hops()).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    expect(t.engine.healthDetail().at(-1)).to.equal(
      '- 192.168.197.1/32: every next hop unhealthy, all announced (fail open)',
    );

    t.answers.clear();
    await clock.tickAsync(1000);
    expect(t.hops()).to.deep.equal(['192.168.201.11', '192.168.201.12']);
    expect(t.checker.statuses().every((s) => s.state.state === 'healthy')).to.equal(true);
    await t.engine.stop('keep-routes');
    expect(t.checker.statuses()).to.deep.equal([]);
  });

  it('a re-plan of the cluster keeps a dead next hop out', async () => {
    const t = setup();
    await t.engine.start();
    t.source.emit(t.snap);
    t.answers.set('192.168.201.12', { ok: false, error: 'ECONNREFUSED' });
    await clock.tickAsync(1000);
    t.source.emit({ ...t.snap, services: [...t.snap.services, lbService('b', '192.168.197.2')] });
    await clock.tickAsync(0);
    expect(t.announcer.routes.get(PEER)!.map((r) => [r.prefix.text, addressTexts(r.nextHops)])).to.deep.equal(
      [
        ['192.168.197.1/32', ['192.168.201.11']],
        ['192.168.197.2/32', ['192.168.201.11']],
      ],
    );
    await t.engine.stop('keep-routes');
  });
});

describe('health server: /readyz detail', () => {
  it('adds the detail lines after the answer, ready or not', async () => {
    let reasons: string[] = [];
    const server = await startHealthServer({
      address: '127.0.0.1:0',
      metrics: new Metrics(),
      readiness: () => reasons,
      readyzDetail: () => ['health checks: 2 targets, 1 healthy, 1 unhealthy, 0 unknown'],
    });
    try {
      const url = `http://127.0.0.1:${server.port}/readyz`;
      expect(await (await fetch(url)).text()).to.equal(
        'ready\nhealth checks: 2 targets, 1 healthy, 1 unhealthy, 0 unknown\n',
      );
      reasons = ['initial sync not done'];
      const res = await fetch(url);
      expect(res.status).to.equal(503);
      expect(await res.text()).to.equal(
        'not ready:\n- initial sync not done\nhealth checks: 2 targets, 1 healthy, 1 unhealthy, 0 unknown\n',
      );
    } finally {
      await server.close();
    }
  });
});
