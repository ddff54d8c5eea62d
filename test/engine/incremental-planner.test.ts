import { expect } from 'chai';
import fc from 'fast-check';
import { diffPlans, planCluster } from '../../src/sync/planner/index.js';
import { planChanges } from '../../src/sync/planner/plan-changes.js';
import { changedPart } from '../../src/sync/planner/list-changes.js';
import { incrementalPlanner, snapshotDelta } from '../../src/sync/planner/snapshot-delta.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { config, node, numberedServices, peer, pool, service, slice, snapshot } from '../sync/builders.js';

const cfg = config([pool('default', ['192.168.197.0/28'])], [peer('192.168.200.1')]);
const NODES = ['n1', 'n2', 'n3'];

/** A small random cluster: up to 8 services, each with a policy, a pinned IP or not, and endpoints. */
const clusterArb = fc
  .record({
    services: fc.array(
      fc.record({
        id: fc.integer({ min: 0, max: 9 }),
        local: fc.boolean(),
        pinned: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
        on: fc.subarray(NODES),
      }),
      { maxLength: 8 },
    ),
    readyNodes: fc.subarray(NODES, { minLength: 1 }),
  })
  .map(({ services, readyNodes }): ClusterSnapshot => {
    const unique = [...new Map(services.map((s) => [s.id, s])).values()];
    return snapshot({
      nodes: NODES.map((n, i) => node(n, [`192.168.201.${11 + i}`], { ready: readyNodes.includes(n) })),
      services: unique.map((s) =>
        service(`svc-${s.id}`, {
          externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
          ...(s.pinned === undefined ? {} : { loadBalancerIP: `192.168.197.${s.pinned}` }),
        }),
      ),
      endpointSlices: unique.map((s) => slice(`svc-${s.id}`, s.on)),
    });
  });

describe('engine: incremental planning from whole snapshots', () => {
  it('gives the same plan as planning each snapshot from scratch, over any sequence of snapshots', () => {
    fc.assert(
      fc.property(fc.array(clusterArb, { minLength: 1, maxLength: 6 }), (snapshots) => {
        const plan = incrementalPlanner(cfg);
        for (const s of snapshots) expect(plan(s)).to.deep.equal(planCluster(cfg, s));
      }),
      { numRuns: 150 },
    );
  });

  it('finds the same plan changes as diffPlans, looking only at the changed middle', () => {
    fc.assert(
      fc.property(fc.array(clusterArb, { minLength: 2, maxLength: 6 }), (snapshots) => {
        const plan = incrementalPlanner(cfg);
        let previous = plan(snapshots[0]!);
        for (const s of snapshots.slice(1)) {
          const next = plan(s);
          expect(planChanges(previous, next)).to.deep.equal(diffPlans(previous, next));
          previous = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  it("records each list's change from the previous plan: every other entry is the same object", () => {
    /** `after` is `before` with the entries of `old` taken out and those of `now` put in. */
    const describes = <T>(before: readonly T[], after: readonly T[]) => {
      const [old, now] = changedPart(before, after);
      const gone = new Set(old);
      const added = new Set(now);
      expect(after.length).to.equal(before.length - old.length + now.length);
      for (const x of before) if (!gone.has(x)) expect(after).to.include(x);
      for (const x of after) if (!added.has(x)) expect(before).to.include(x);
    };
    fc.assert(
      fc.property(fc.array(clusterArb, { minLength: 2, maxLength: 6 }), (snapshots) => {
        const plan = incrementalPlanner(cfg);
        let previous: Plan = plan(snapshots[0]!);
        for (const s of snapshots.slice(1)) {
          const next = plan(s);
          describes(previous.allocations, next.allocations);
          describes(previous.peers[0]!.routes, next.peers[0]!.routes);
          previous = next;
        }
      }),
      { numRuns: 150 },
    );
  });

  describe('the work of one change does not grow with the number of services', () => {
    const wide = config([pool('default', ['10.96.0.0/16'])], [peer('192.168.200.1')]);
    const cluster = (n: number, on: (i: number) => string): ClusterSnapshot => numberedServices(n, NODES, on);

    for (const n of [300, 3000]) {
      it(`hands out two changed routes and one allocation for a burst at both ends of ${n} services`, () => {
        const plan = incrementalPlanner(wide);
        const before = plan(cluster(n, () => 'n1'));
        // The first and the last service move to another node, and a new service comes.
        const moved = cluster(n, (i) => (i === 1 || i === n ? 'n2' : 'n1'));
        const after = plan({
          ...moved,
          services: [...moved.services, service('new', { externalTrafficPolicy: 'Local' })],
          endpointSlices: [...moved.endpointSlices, slice('new', ['n3'])],
        });
        const [oldRoutes, newRoutes] = changedPart(before.peers[0]!.routes, after.peers[0]!.routes);
        expect(oldRoutes.map((r) => r.prefix.text)).to.deep.equal([
          `10.96.0.1/32`,
          `10.96.${n >> 8}.${n & 255}/32`,
        ]);
        expect(newRoutes).to.have.length(3);
        const [oldAllocations, newAllocations] = changedPart(before.allocations, after.allocations);
        expect(oldAllocations).to.deep.equal([]);
        expect(newAllocations.map((a) => a.service)).to.deep.equal(['default/new']);
      });
    }
  });

  it('turns snapshot changes into upserts and removals by key, ignoring equal re-parsed objects', () => {
    const a = snapshot({ services: [service('x'), service('y')], nodes: [node('n1', ['192.168.201.11'])] });
    const b = snapshot({
      services: [service('x'), service('z')],
      nodes: [node('n1', ['192.168.201.11'], { ready: false })],
    });
    const d = snapshotDelta(a, b);
    expect(d.services).to.deep.equal({
      upsert: [service('z')],
      remove: [{ namespace: 'default', name: 'y' }],
    });
    expect(d.nodes!.upsert!.map((n) => n.ready)).to.deep.equal([false]);
    expect(d.endpointSlices).to.deep.equal({ upsert: [], remove: [] });
  });
});
