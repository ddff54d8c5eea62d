import { expect } from 'chai';
import fc from 'fast-check';
import { ClusterObjects, type RawObject } from '../../src/k8s/cluster-objects.js';
import { NODES, namespaceObject, nodeObject, serviceObject, sliceObject } from './api-objects.js';
import { Planner, planCluster } from '../../src/sync/planner/index.js';
import { applyDelta, carryDelta, incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import {
  endpointSliceFromObject,
  namespaceFromObject,
  nodeFromObject,
  serviceFromObject,
  type ClusterKind,
} from '../../src/sources/kube-objects.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { config, peer, pool } from '../sync/builders.js';
import { PlanIndex } from '../../src/k8s/plan-index.js';
import type { Plan } from '../../src/sync/plan-types.js';
import type { DecisionInput } from '../../src/k8s/service-events.js';
import { recordingAnnouncer } from '../support/recording-speaker.js';

const cfg = config([pool('default', ['192.168.197.0/28'])], [peer('192.168.200.1')]);
const KINDS: readonly ClusterKind[] = ['Service', 'EndpointSlice', 'Node', 'Namespace'];

/** One write on the API server: an object put (created or replaced) or deleted. */
type Write = { kind: ClusterKind; key: string; object: RawObject | undefined };

const writeArb: fc.Arbitrary<Write> = fc.oneof(
  fc
    .record({
      id: fc.integer({ min: 0, max: 5 }),
      local: fc.boolean(),
      pinned: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
      broken: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      del: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    })
    .map(({ id, local, pinned, broken, del }) => ({
      kind: 'Service' as const,
      key: `default/svc-${id}`,
      object: del ? undefined : serviceObject(id, local, pinned, broken),
    })),
  fc
    .record({
      id: fc.integer({ min: 0, max: 5 }),
      on: fc.subarray(NODES),
      ready: fc.boolean(),
      del: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    })
    .map(({ id, on, ready, del }) => ({
      kind: 'EndpointSlice' as const,
      key: `default/svc-${id}-abc`,
      object: del ? undefined : sliceObject(id, on, ready),
    })),
  fc
    .record({
      name: fc.constantFrom(...NODES),
      ready: fc.boolean(),
      del: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    })
    .map(({ name, ready, del }) => ({
      kind: 'Node' as const,
      key: name,
      object: del ? undefined : nodeObject(name, ready),
    })),
);

/**
 * What reaches the informers: the server applies each write (bumping resourceVersion); a write
 * is delivered as a watch event, lost (a watch that broke: only a later relist of its kind
 * brings the object back), or delivered late (behind writes of other kinds: kinds are separate
 * watch streams, ordered only within one); the planner takes the queued changes at any point.
 */
type Step =
  | { op: 'write'; write: Write; delivery: 'now' | 'lost' | 'late' }
  | { op: 'relist'; kind: ClusterKind }
  | { op: 'deliver-late' }
  | { op: 'plan'; announce: boolean };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('write' as const), write: writeArb, delivery: fc.constantFrom('now' as const, 'now' as const, 'lost' as const, 'late' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('relist' as const), kind: fc.constantFrom(...KINDS) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'deliver-late' as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('plan' as const), announce: fc.boolean() }) },
); // prettier-ignore

const CONVERT = {
  Service: serviceFromObject,
  EndpointSlice: endpointSliceFromObject,
  Node: nodeFromObject,
  Namespace: namespaceFromObject,
};

/** What the controller decides for one service, read off a whole plan. */
function decisionOf(plan: Plan, service: string): DecisionInput {
  return {
    allocations: plan.allocations.filter((a) => a.service === service),
    peers: plan.peers.flatMap((p) => {
      const routes = p.routes.filter((r) => r.services.includes(service));
      return routes.length ? [{ ...p, routes }] : [];
    }),
  };
}

/** The server's objects converted on their own, sorted by key: the from-scratch input. */
function snapshotOf(server: Record<ClusterKind, Map<string, RawObject>>): ClusterSnapshot {
  const values = <T>(kind: ClusterKind, convert: (o: unknown) => { ok: boolean; value?: T }): T[] =>
    [...server[kind]]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([, o]) => {
        const c = convert(o);
        return c.ok ? [c.value as T] : [];
      });
  return {
    services: values('Service', CONVERT.Service),
    endpointSlices: values('EndpointSlice', CONVERT.EndpointSlice),
    nodes: values('Node', CONVERT.Node),
    namespaces: values('Namespace', CONVERT.Namespace),
  };
}

describe('k8s: watch events as keyed changes into the incremental planner', () => {
  it('plans and announces what planning the final cluster from scratch plans, through bursts, reordering, lost events and relists', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { maxLength: 40 }), (steps) => {
        const server: Record<ClusterKind, Map<string, RawObject>> = {
          Service: new Map(),
          EndpointSlice: new Map(),
          Node: new Map(NODES.map((n) => [n, nodeObject(n, true)])),
          Namespace: new Map([['default', namespaceObject]]),
        };
        let version = 0;
        const objects = new ClusterObjects();
        // The initial sync: every kind listed, one whole snapshot into a fresh planner.
        for (const kind of KINDS) objects.replace(kind, server[kind]);
        objects.drain();
        const planner = new Planner(cfg, objects.snapshot());
        // The run path: the source's snapshots, each carrying its changes, into the engine's planner.
        const viaSnapshots = incrementalPlanner(cfg);
        let last = objects.snapshot();
        viaSnapshots(last);
        // The controller's per-key view (src/k8s/plan-index.ts), moved along plan by plan.
        const index = new PlanIndex();
        let decided = planner.plan();
        index.advance(decided);
        // The engine's announcer, which skips the plans the engine coalesced: it hands the speaker
        // the changes the planner recorded over several plans (list-changes.ts).
        const { speaker, announcer } = recordingAnnouncer();
        announcer.setRoutes('router', decided.peers[0]!.routes);
        const drainBoth = () => {
          const { delta } = objects.drain();
          applyDelta(planner, delta);
          const next = objects.snapshot();
          carryDelta(last, delta, next);
          last = next;
          const plan = planner.plan();
          expect(viaSnapshots(next)).to.deep.equal(plan);
          // Every service whose decision changed is among those the controller looks at, and
          // what it looks at for a service is that service's part of the whole plan.
          const changed = new Set([
            ...(delta.services?.upsert ?? []).map((x) => `${x.namespace}/${x.name}`),
            ...(delta.services?.remove ?? []).map((x) => `${x.namespace}/${x.name}`),
            ...(index.advance(plan) ?? []),
          ]);
          const keys = new Set([
            ...[...server.Service.keys()],
            ...decided.allocations.map((a) => a.service),
            ...plan.allocations.map((a) => a.service),
          ]);
          for (const key of keys) {
            const now = decisionOf(plan, key);
            if (!changed.has(key)) expect(now, key).to.deep.equal(decisionOf(decided, key));
            expect(index.restrict([key]), key).to.deep.equal(now);
          }
          decided = plan;
          return plan;
        };
        const late: Write[] = [];
        const deliver = (w: Write) => objects.set(w.kind, w.key, w.object);

        for (const step of steps) {
          if (step.op === 'write') {
            const { kind, key, object } = step.write;
            const stored = object && {
              ...object,
              metadata: { ...(object.metadata as object), resourceVersion: String(++version) },
            };
            if (stored) server[kind].set(key, stored);
            else server[kind].delete(key);
            const event = { kind, key, object: stored };
            if (step.delivery === 'now') {
              // Events of one kind stay in order: a late one of this kind goes first.
              for (const w of late.filter((l) => l.kind === kind)) deliver(w);
              late.splice(0, late.length, ...late.filter((l) => l.kind !== kind));
              deliver(event);
            } else if (step.delivery === 'late') late.push(event);
          } else if (step.op === 'relist') {
            // A watch restart past a 410 Gone: the late events of the kind are superseded.
            late.splice(0, late.length, ...late.filter((l) => l.kind !== step.kind));
            objects.replace(step.kind, new Map(server[step.kind]));
          } else if (step.op === 'deliver-late') {
            late.splice(0).forEach(deliver);
          } else {
            const plan = drainBoth();
            if (step.announce) announcer.setRoutes('router', plan.peers[0]!.routes);
            // Mid-way the planner sees exactly what the informers have seen.
            expect(planner.plan()).to.deep.equal(planCluster(cfg, objects.snapshot()));
          }
        }
        // Lost events are what relists are for: every kind relisted, every late event delivered.
        late.splice(0).forEach(deliver);
        for (const kind of KINDS) objects.replace(kind, new Map(server[kind]));
        announcer.setRoutes('router', drainBoth().peers[0]!.routes);
        expect(objects.snapshot()).to.deep.equal(snapshotOf(server));
        const fromScratch = planCluster(cfg, snapshotOf(server));
        expect(planner.plan()).to.deep.equal(fromScratch);
        expect(speaker.held()).to.deep.equal(
          Object.fromEntries(fromScratch.peers[0]!.routes.map((r) => [r.prefix.text, r.services])),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("takes a snapshot's carried changes as they are, without diffing the snapshots", () => {
    const objects = new ClusterObjects();
    objects.set('Namespace', 'default', namespaceObject);
    for (const n of NODES) objects.set('Node', n, nodeObject(n, true));
    const first = objects.snapshot();
    const plan = incrementalPlanner(cfg);
    const before = plan(first);
    objects.set('Service', 'default/svc-1', serviceObject(1, false, undefined, false));
    const next = objects.snapshot();
    // An empty carried delta: the new service in `next` goes unseen, which shows no diff was made.
    carryDelta(first, {}, next);
    expect(plan(next)).to.deep.equal(before);
    expect(planCluster(cfg, next).allocations).to.have.length(1);
  });

  it('copies only the kinds changed since the last snapshot: the other lists are the same arrays', () => {
    const objects = new ClusterObjects();
    objects.set('Namespace', 'default', namespaceObject);
    for (const n of NODES) objects.set('Node', n, nodeObject(n, true));
    objects.set('Service', 'default/svc-1', serviceObject(1, false, undefined, false));
    const first = objects.snapshot();
    objects.set('Service', 'default/svc-2', serviceObject(2, false, undefined, false));
    const next = objects.snapshot();
    expect(next.services).to.not.equal(first.services);
    expect(next.services).to.have.length(2);
    expect(first.services).to.have.length(1);
    expect(next.nodes).to.equal(first.nodes);
    expect(next.namespaces).to.equal(first.namespaces);
    expect(next.endpointSlices).to.equal(first.endpointSlices);
  });

  it('drains nothing for a write that changes nothing the planner reads, and keeps the object', () => {
    const objects = new ClusterObjects();
    const svc = serviceObject(1, false, undefined, false);
    objects.set('Service', 'default/svc-1', {
      ...svc,
      metadata: { ...(svc.metadata as object), resourceVersion: '1' },
    });
    const [converted] = objects.drain().delta.services!.upsert!;
    objects.set('Service', 'default/svc-1', {
      ...svc,
      metadata: { ...(svc.metadata as object), resourceVersion: '2', managedFields: [] },
    });
    expect(objects.pending).to.equal(false);
    expect(objects.snapshot().services[0]).to.equal(converted);
  });

  it('removes an object that stops converting and names it among the issues of the drain', () => {
    const objects = new ClusterObjects();
    objects.set('Service', 'default/svc-1', serviceObject(1, false, undefined, false));
    objects.drain();
    objects.set('Service', 'default/svc-1', serviceObject(1, false, undefined, true));
    const { delta, issues } = objects.drain();
    expect(delta.services).to.deep.equal({ upsert: [], remove: [{ namespace: 'default', name: 'svc-1' }] });
    expect(issues.map((i) => [i.kind, i.object, i.field])).to.deep.equal([
      ['Service', 'default/svc-1', 'spec.type'],
    ]);
  });
});
