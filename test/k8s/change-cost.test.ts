import { expect } from 'chai';
import sinon from 'sinon';
import { AllocationMemory } from '../../src/app/engine/allocation-memory.js';
import { ClusterObjects } from '../../src/k8s/cluster-objects.js';
import { PlanIndex } from '../../src/k8s/plan-index.js';
import { serviceKey, type ClusterSnapshot } from '../../src/sync/cluster.js';
import { SyncEngine } from '../../src/app/engine/engine.js';
import { CheckedNextHops, type NextHopHealth } from '../../src/health/next-hop-health.js';
import { targetKey } from '../../src/health/targets.js';
import type { RawObject } from '../../src/k8s/cluster-objects.js';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { FakeSource } from '../engine/fakes.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { carryDelta, incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import { findListed, listOf, valuesOf } from '../../src/util/listed.js';
import { SortedMap } from '../../src/util/sorted-map.js';
import { FakeChecker } from '../health/fake-checker.js';
import { healthFromScratch } from '../health/from-scratch.js';
import { recordingAnnouncer } from '../support/recording-speaker.js';
import { config, peer, pool } from '../sync/builders.js';
import { NODES, namespaceObject, nodeObject, serviceObject, sliceObject } from './api-objects.js';

const cfg = config([pool('default', ['10.96.0.0/16'])], [peer('192.168.200.1')]);
const PEER = 'peer-192.168.200.1';

/** Service `i` as the status writer left it: 10.96.x.y by number. */
const address = (i: number) => `10.96.${i >> 8}.${i & 255}`;

/**
 * The cluster path of `run` against Kubernetes, minus the API server and the sockets: watch
 * events into ClusterObjects, a snapshot carrying the keyed change, the engine (the allocation
 * memory laid over each snapshot as kube-adapter.ts does, the incremental planner, the announcer,
 * the allocation writes, the plan metrics), and the controller's plan index with its look-ups of
 * the touched Services and their decisions.
 */
async function clusterPath(services: number, health?: NextHopHealth) {
  const objects = new ClusterObjects();
  objects.set('Namespace', 'default', namespaceObject);
  for (const n of NODES) objects.set('Node', n, nodeObject(n, true));
  for (let i = 0; i < services; i++) {
    objects.set('Service', `default/svc-${i}`, serviceObject(i, false, undefined, false, address(i)));
    objects.set('EndpointSlice', `default/svc-${i}-abc`, sliceObject(i, [NODES[i % 3]!], true));
  }
  objects.drain();
  const memory = new AllocationMemory({ untilWritten: true });
  const planner = incrementalPlanner(cfg);
  const { speaker, announcer } = recordingAnnouncer();
  const source = new FakeSource();
  const engine = new SyncEngine<null>({
    config: cfg,
    source,
    planner: (snapshot) => planner(memory.asStatus(snapshot)),
    announcer,
    allocations: memory,
    metrics: new Metrics(),
    logger: silentLogger(),
    reporter: () => {},
    ...(health !== undefined ? { health } : {}),
  });
  const index = new PlanIndex();
  let last: ClusterSnapshot = objects.snapshot();
  let latest: Plan | undefined;
  engine.on((e) => {
    if (e.type !== 'planned') return;
    latest = e.plan;
    // The controller's per-change work: the touched Services, found by key, and their decisions.
    const touched = index.advance(e.plan);
    if (touched === undefined) return;
    index.restrict(touched);
    for (const key of touched) findListed(listOf(last, 'services'), key, serviceKey);
  });
  /**
   * The next plan of `snapshot`, with its allocations written: the engine hands them to the
   * memory in the same turn as it plans, after the 'planned' event.
   */
  const planned = async (snapshot: ClusterSnapshot) => {
    const done = new Promise<Plan>((resolve) => {
      const off = engine.on((e) => {
        if (e.type !== 'planned') return;
        off();
        resolve(e.plan);
      });
    });
    source.emit(snapshot);
    return done;
  };
  await engine.start();
  await planned(last);
  /** One watch event, and the update it makes. */
  const event = async (...args: Parameters<ClusterObjects['set']>) => {
    objects.set(...args);
    const { delta } = objects.drain();
    const next = objects.snapshot();
    carryDelta(last, delta, next);
    last = next;
    return planned(next);
  };
  /** The plan after health that a probe transition leads the engine to. */
  const reapplied = (transition: () => void) =>
    new Promise<Plan>((resolve) => {
      const off = engine.on((e) => {
        if (e.type !== 'planned') return;
        off();
        resolve(e.plan);
      });
      transition();
    });
  return { objects, memory, speaker, event, reapplied, engine, plan: () => latest };
}

/**
 * How many times a whole list was asked for while `run` ran, and how many entries those lists
 * held: every array of a snapshot or a plan is a persistent map's values (src/util/listed.ts).
 */
async function wholeListsWhile(run: () => Promise<void>): Promise<{ lists: number; entries: number }> {
  const values = sinon.spy(SortedMap.prototype, 'values');
  try {
    await run();
  } finally {
    values.restore();
  }
  return { lists: values.callCount, entries: values.returnValues.reduce((n, list) => n + list.length, 0) };
}

describe('k8s: the work of a change on the cluster path does not grow with the number of Services', () => {
  for (const services of [1_000, 10_000]) {
    it(`makes no whole list for 40 changes among ${services} Services, and the speaker ends where a plan from scratch does`, async function () {
      this.timeout(120_000);
      const { objects, memory, speaker, event, engine, plan } = await clusterPath(services);
      const whole = await wholeListsWhile(async () => {
        for (let k = 0; k < 10; k++) {
          const i = (k * 7919) % services;
          // An endpoint moves to another node.
          await event('EndpointSlice', `default/svc-${i}-abc`, sliceObject(i, [NODES[(i + 1) % 3]!], true));
          // A new Service, with no status yet: the allocation memory keeps its address.
          const n = services + k;
          await event('Service', `default/svc-${n}`, serviceObject(n, false, undefined, false));
          await event('EndpointSlice', `default/svc-${n}-abc`, sliceObject(n, [NODES[0]!], true));
          // A Service goes.
          await event('Service', `default/svc-${i + 1}`, undefined);
        }
      });
      expect(whole).to.deep.equal({ lists: 0, entries: 0 });
      // Whole readers after the changes: the speaker holds what a plan from scratch of the cluster
      // now announces, the new Services' statuses (not written back here) laid over by the memory.
      const fromScratch = planCluster(cfg, memory.asStatus(objects.snapshot()));
      const routes = fromScratch.peers.find((p) => p.peer === PEER)?.routes ?? [];
      expect(speaker.held()).to.deep.equal(
        Object.fromEntries(routes.map((r) => [r.prefix.text, r.services])),
      );
      expect(plan()?.allocations).to.have.length(services);
      await engine.stop('keep-routes');
    });
  }
});

/** Service `i` with the Local policy and its own kube-proxy health port. */
function localService(i: number, port: number, ingress?: string): RawObject {
  const object = serviceObject(i, true, undefined, false, ingress);
  return { ...object, spec: { ...(object['spec'] as object), healthCheckNodePort: port } };
}

const NODE_HEALTH_PORT = 10256;
/** Every tenth Service is Local, probed on its own port. */
const portOf = (i: number) => 30000 + (i % 2000);

describe('k8s: health checks applied per change do not grow with the number of Services', () => {
  for (const services of [1_000, 10_000]) {
    it(`makes no whole list for 50 changes among ${services} Services with next hops failing, tells the checker only of targets that came or went, and ends where health from scratch does`, async function () {
      this.timeout(120_000);
      const checker = new FakeChecker();
      const { objects, memory, speaker, event, reapplied, engine, plan } = await clusterPath(
        services,
        new CheckedNextHops(checker, NODE_HEALTH_PORT),
      );
      for (let i = 0; i < services; i += 10)
        await event('Service', `default/svc-${i}`, localService(i, portOf(i), address(i)));
      // kube-proxy fails on the second node (Cluster Services lose that next hop), and the last
      // Local Service's port fails on the one node with its endpoint (it fails open).
      await reapplied(() => checker.set(targetKey('192.168.201.12', NODE_HEALTH_PORT), 'unhealthy'));
      const last = services - 10;
      const lastNode = `192.168.201.${11 + (last % 3)}`;
      await reapplied(() => checker.set(targetKey(lastNode, portOf(last)), 'unhealthy'));
      const told = sinon.spy(checker, 'updateTargets');
      const whole = await wholeListsWhile(async () => {
        for (let k = 0; k < 10; k++) {
          const i = (k * 7919) % services;
          // An endpoint moves to another node.
          await event('EndpointSlice', `default/svc-${i}-abc`, sliceObject(i, [NODES[(i + 1) % 3]!], true));
          // A new Local Service, with no status yet: the allocation memory keeps its address.
          const n = services + k;
          await event('Service', `default/svc-${n}`, localService(n, 32000 + k));
          await event('EndpointSlice', `default/svc-${n}-abc`, sliceObject(n, [NODES[k % 3]!], true));
          // A Service goes.
          await event('Service', `default/svc-${i + 1}`, undefined);
          // A Local Service's health port changes: its routes are probed on the new one.
          const j = 10 * (k + 1);
          await event('Service', `default/svc-${j}`, localService(j, portOf(j) + 1, address(j)));
        }
      });
      told.restore();
      expect(whole).to.deep.equal({ lists: 0, entries: 0 });
      const sizes = told.args.map(([added, gone]) => added.length + gone.length);
      expect(Math.max(...sizes), 'targets told in one change').to.be.at.most(2);
      expect(
        sizes.reduce((a, b) => a + b, 0),
        "the new Local Services' targets",
      ).to.be.greaterThan(0);
      // What from scratch finds after the changes: the same next hops after health.
      const snapshot = memory.asStatus(objects.snapshot());
      const reference = healthFromScratch(
        planCluster(cfg, snapshot),
        snapshot.services,
        NODE_HEALTH_PORT,
        (key) => checker.stateOf(key),
        (key) => checker.lastErrorOf(key),
      );
      const hops = (p: Plan | undefined) =>
        Object.fromEntries(
          valuesOf(listOf(p?.peers.find((x) => x.peer === PEER) ?? { routes: [] }, 'routes')).map((r) => [
            r.prefix.text,
            { nextHops: r.nextHops, health: r.health },
          ]),
        );
      expect(hops(plan())).to.deep.equal(hops(reference.plan));
      // The speaker holds them: the announcer diffed health's map against the planner's.
      const held = () =>
        Object.fromEntries(
          [...speaker.routes].map(([prefix, r]) => [prefix, { nextHops: r.nextHops, health: r.health }]),
        );
      expect(held()).to.deep.equal(hops(reference.plan));
      const after = Object.values(hops(plan()));
      expect(after.filter((r) => r.health?.failedOpen === true)).to.have.length.greaterThan(0);
      expect(after.filter((r) => r.health?.failedOpen === false)).to.have.length.greaterThan(0);
      expect(
        checker
          .statuses()
          .map((s) => s.target.key)
          .sort(),
      ).to.deep.equal(reference.targets.map((t) => t.key));
      // Every target healthy again: the plan itself is in force, and the speaker holds it.
      for (const status of checker.statuses())
        if (status.state.state === 'unhealthy')
          await reapplied(() => checker.set(status.target.key, 'healthy'));
      const planned = hops(planCluster(cfg, snapshot));
      expect(hops(plan())).to.deep.equal(planned);
      expect(held()).to.deep.equal(planned);
      await engine.stop('keep-routes');
    });
  }
});
