import { expect } from 'chai';
import fc from 'fast-check';
import { diffPlans, planCluster } from '../../src/sync/planner/index.js';
import { planChanges } from '../../src/app/engine/plan-changes.js';
import { incrementalPlanner, snapshotDelta } from '../../src/app/engine/snapshot-delta.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { config, node, peer, pool, service, slice, snapshot } from '../sync/builders.js';

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
