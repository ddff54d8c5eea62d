import { expect } from 'chai';
import sinon from 'sinon';
import { diffConfig } from '../../src/config/config-diff.js';
import type { Config } from '../../src/config/model.js';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { SyncEngine } from '../../src/app/engine/engine.js';
import { incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import type { PlanFn } from '../../src/app/engine/ports.js';
import { config as builtConfig, peer, pool, service } from '../sync/builders.js';
import {
  FakeAnnouncer,
  FakeSource,
  FakeVerifier,
  config,
  fakePlanner,
  lbService,
  snapshot,
} from './fakes.js';

describe('engine: live reconfiguration (a new config under a running engine)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  async function running(cfg: Config, planner: PlanFn, snap: ClusterSnapshot) {
    const source = new FakeSource();
    const announcer = new FakeAnnouncer(cfg.peers);
    const verifier = new FakeVerifier();
    const engine = new SyncEngine<string>({
      config: cfg,
      source,
      planner,
      announcer,
      verifier,
      metrics: new Metrics(),
      logger: silentLogger(),
      reporter: () => {},
      settleMs: 1000,
    });
    await engine.start();
    source.emit(snap);
    await clock.tickAsync(1000);
    announcer.calls.length = 0;
    return { engine, announcer, verifier };
  }

  const twoPeers = () =>
    config({ peers: [peer('192.168.200.1', { name: 'r1' }), peer('192.168.200.2', { name: 'r2' })] });

  it('removes, resets only the changed peer, adds, then re-plans the latest snapshot for every peer', async () => {
    const before = twoPeers();
    const snap = snapshot([lbService('a', '192.168.197.1')]);
    const t = await running(before, (s) => fakePlanner(before, s), snap);
    const after = config({
      peers: [peer('192.168.200.1', { name: 'r1', holdTimeSec: 30 }), peer('192.168.200.3', { name: 'r3' })],
    });
    const planner = sinon.spy((s: ClusterSnapshot) => fakePlanner(after, s));
    const diff = diffConfig(before, after);
    await t.engine.reconfigure({ config: after, planner }, diff, t.announcer);

    expect(t.announcer.calls).to.deep.equal([
      'remove-peer r2',
      'reset-peer r1',
      'add-peer r3',
      'set r1 192.168.197.1/32',
      'set r3 192.168.197.1/32',
    ]);
    // No new snapshot was needed: the one the engine had is planned again by the new planner.
    expect(planner.firstCall.args[0]).to.equal(snap);
    expect(t.engine.plan!.peers.map((p) => p.peer)).to.deep.equal(['r1', 'r3']);
  });

  it('an unchanged peer keeps its session; only a re-plan and a verification follow', async () => {
    const before = twoPeers();
    const t = await running(
      before,
      (s) => fakePlanner(before, s),
      snapshot([lbService('a', '192.168.197.1')]),
    );
    const verified = t.verifier.plans.length;
    const after = { ...before, verifyIntervalSec: 5 };
    await t.engine.reconfigure(
      { config: after, planner: (s) => fakePlanner(after, s) },
      diffConfig(before, after),
      t.announcer,
    );
    expect(t.announcer.calls.filter((c) => !c.startsWith('set '))).to.deep.equal([]);
    await clock.tickAsync(1000);
    expect(t.verifier.plans.length).to.equal(verified + 1);
  });

  it('a pool range change keeps a service address that is still in a pool and moves one that is not', async () => {
    const before = builtConfig([pool('p', ['192.168.197.0/24'])], [peer('192.168.200.1')]);
    const kept = service('kept', { statusIngress: ['192.168.197.10'] });
    const snap: ClusterSnapshot = { services: [kept], endpointSlices: [], nodes: [], namespaces: [] };
    const t = await running(before, incrementalPlanner(before), snap);
    expect(t.engine.plan!.allocations[0]!.ips).to.deep.equal(['192.168.197.10']);

    const wider = builtConfig([pool('p', ['192.168.196.0/24', '192.168.197.0/24'])], [peer('192.168.200.1')]);
    await t.engine.reconfigure(
      { config: wider, planner: incrementalPlanner(wider) },
      diffConfig(before, wider),
      t.announcer,
    );
    expect(t.engine.plan!.allocations[0]!.ips).to.deep.equal(['192.168.197.10']);

    const moved = builtConfig([pool('p', ['192.168.196.0/24'])], [peer('192.168.200.1')]);
    await t.engine.reconfigure(
      { config: moved, planner: incrementalPlanner(moved) },
      diffConfig(wider, moved),
      t.announcer,
    );
    expect(t.engine.plan!.allocations[0]!.ips[0]).to.match(/^192\.168\.196\./);
  });
});
