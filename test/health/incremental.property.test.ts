import { expect } from 'chai';
import fc from 'fast-check';
import { CheckedNextHops } from '../../src/health/next-hop-health.js';
import type { HealthState } from '../../src/health/target-state.js';
import { targetKey } from '../../src/health/targets.js';
import { comparePrefix, type IpPrefix } from '../../src/ip/prefix.js';
import { serviceKey, type ServiceInfo } from '../../src/sync/cluster.js';
import type { PeerRoutes, Plan, PlannedRoute } from '../../src/sync/plan-types.js';
import { backList, listOf, valuesOf, type Listed } from '../../src/util/listed.js';
import { byText } from '../../src/util/arrays.js';
import { SortedMap } from '../../src/util/sorted-map.js';
import { service } from '../sync/builders.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';
import { FakeChecker } from './fake-checker.js';
import { healthFromScratch } from './from-scratch.js';

const NODE_PORT = 10256;
const PEERS = ['peer-a', 'peer-b', 'peer-c'];
const PREFIXES = ['10.0.0.1/32', '10.0.0.2/32', '10.0.0.3/32', '10.0.1.0/24', '10.0.0.5/32'];
const HOPS = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
const SERVICES = ['s0', 's1', 's2', 's3'];
const PORTS = [31000, 31001];

type Op =
  | { op: 'route'; peer: number; prefix: number; hops: string[]; services: string[] }
  | { op: 'unroute'; peer: number; prefix: number }
  | { op: 'dropPeer'; peer: number }
  | { op: 'service'; index: number; local: boolean; port: number | undefined }
  | { op: 'unservice'; index: number }
  | { op: 'probe'; hop: number; port: number; to: HealthState }
  | { op: 'reapply' };

const subset = <T>(values: readonly T[]) => fc.subarray([...values]);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('route' as const),
      peer: fc.nat(PEERS.length - 1),
      prefix: fc.nat(PREFIXES.length - 1),
      hops: subset(HOPS),
      services: subset(SERVICES.map((s) => `default/${s}`)),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ op: fc.constant('unroute' as const), peer: fc.nat(2), prefix: fc.nat(4) }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('dropPeer' as const), peer: fc.nat(2) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('service' as const),
      index: fc.nat(SERVICES.length - 1),
      local: fc.boolean(),
      port: fc.option(fc.constantFrom(...PORTS), { nil: undefined }),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('unservice' as const), index: fc.nat(3) }), weight: 1 },
  {
    arbitrary: fc.record({
      op: fc.constant('probe' as const),
      hop: fc.nat(HOPS.length - 1),
      port: fc.constantFrom(NODE_PORT, NODE_PORT, ...PORTS),
      to: fc.constantFrom<HealthState>('unhealthy', 'unhealthy', 'healthy', 'unknown'),
    }),
    weight: 8,
  },
  { arbitrary: fc.constant({ op: 'reapply' as const }), weight: 1 },
);

/** The cluster and the plans as the planner hands them out: versions of persistent maps. */
class Model {
  private readonly peers = new Map<string, SortedMap<IpPrefix, PlannedRoute>>();
  services = SortedMap.empty<string, ServiceInfo>(byText);
  plan: Plan = { allocations: [], peers: [], issues: [] };

  step(op: Op, asArrays: boolean): void {
    switch (op.op) {
      case 'route': {
        const prefix = routePrefixOf(PREFIXES[op.prefix] as string);
        const routes = this.peers.get(PEERS[op.peer] as string) ?? SortedMap.empty(comparePrefix);
        const route: PlannedRoute = {
          prefix,
          family: 4,
          nextHops: nextHopsOf(op.hops),
          communities: [],
          largeCommunities: [],
          services: op.services,
        };
        this.peers.set(PEERS[op.peer] as string, routes.set(prefix, route));
        break;
      }
      case 'unroute': {
        const routes = this.peers.get(PEERS[op.peer] as string);
        if (routes !== undefined)
          this.peers.set(
            PEERS[op.peer] as string,
            routes.delete(routePrefixOf(PREFIXES[op.prefix] as string)),
          );
        break;
      }
      case 'dropPeer':
        this.peers.delete(PEERS[op.peer] as string);
        break;
      case 'service': {
        const s = service(SERVICES[op.index] as string, {
          externalTrafficPolicy: op.local ? 'Local' : 'Cluster',
          ...(op.port !== undefined ? { healthCheckNodePort: op.port } : {}),
        });
        this.services = this.services.set(serviceKey(s), s);
        break;
      }
      case 'unservice':
        this.services = this.services.delete(`default/${SERVICES[op.index] as string}`);
        break;
      default:
        return;
    }
    const peers = [...this.peers]
      .sort(([a], [b]) => byText(a, b))
      .map(([peer, routes]) => {
        const holder = { peer, peerAddress: '192.168.200.1', routes: [] } as PeerRoutes;
        // Sources that build their lists anew hand out plain arrays: the changed middle serves.
        return asArrays ? { ...holder, routes: [...routes.values()] } : backList(holder, 'routes', routes);
      });
    this.plan = { allocations: [], peers, issues: [] };
  }

  servicesListed(asArrays: boolean): Listed<ServiceInfo> {
    return asArrays ? [...this.services.values()] : this.services;
  }
}

const sortedEntries = <V>(m: ReadonlyMap<string, V>) => [...m].sort(([a], [b]) => byText(a, b));

describe('health: applied per change, the same as from scratch', () => {
  it('agrees on the plan after health, fail-open, removed next hops and the targets after every step (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(opArb, fc.boolean()), { minLength: 20, maxLength: 80 }), (steps) => {
        const checker = new FakeChecker();
        const health = new CheckedNextHops(checker, NODE_PORT);
        const model = new Model();
        const failedOpen = new Set<string>();
        for (const [op, asArrays] of steps) {
          if (op.op === 'probe') checker.set(targetKey(HOPS[op.hop] as string, op.port), op.to);
          model.step(op, asArrays);
          const services = model.servicesListed(asArrays);
          const applied = health.apply(model.plan, services);
          const reference = healthFromScratch(
            model.plan,
            valuesOf(services),
            NODE_PORT,
            (key) => checker.stateOf(key),
            (key) => checker.lastErrorOf(key),
          );
          if (reference.plan === model.plan) expect(applied.plan).to.equal(model.plan);
          expect(
            applied.plan.peers.map((p) => ({ peer: p.peer, routes: valuesOf(listOf(p, 'routes')) })),
          ).to.deep.equal(reference.plan.peers.map((p) => ({ peer: p.peer, routes: p.routes })));
          // The engine logs these; from them it keeps the prefixes failing open.
          for (const f of applied.opened) failedOpen.add(f.prefix);
          for (const prefix of applied.closed) failedOpen.delete(prefix);
          expect([...failedOpen].sort(byText)).to.deep.equal([...reference.failedOpen.keys()].sort(byText));
          expect(sortedEntries(applied.failedOpen)).to.deep.equal(sortedEntries(reference.failedOpen));
          expect(sortedEntries(applied.removed)).to.deep.equal(sortedEntries(reference.removed));
          expect(
            checker
              .statuses()
              .map((s) => s.target)
              .sort((a, b) => byText(a.key, b.key)),
          ).to.deep.equal(reference.targets);
        }
      }),
      { numRuns: 200 },
    );
  });
});
