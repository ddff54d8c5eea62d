import { expect } from 'chai';
import fc from 'fast-check';
import type { AddressPool } from '../../src/config/model.js';
import {
  serviceKey,
  type EndpointSliceInfo,
  type NodeInfo,
  type ServiceInfo,
} from '../../src/sync/cluster.js';
import { parseIp } from '../../src/ip/address.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { Planner, planCluster, type SnapshotDelta } from '../../src/sync/planner/index.js';
import {
  advertisement,
  config,
  namespace,
  node,
  peer,
  pool,
  selector,
  service,
  snapshot,
} from './builders.js';
import { communitiesOf } from '../support/routes.js';

// A small cluster so random operations collide often: tiny pools, shared keys, few names.
const pools: AddressPool[] = [
  pool('a', ['10.0.0.0/29'], {
    avoidBuggyIps: true,
    bgpAdvertisements: [
      advertisement({ name: 'host', communities: communitiesOf(['65000:1']) }),
      advertisement({ name: 'agg', aggregationLength: 30, peers: ['core'], localPref: 100 }),
    ],
  }),
  // Two advertisements with different localPref: never announced to the iBGP peer.
  pool('manual', ['10.0.1.0-10.0.1.3'], {
    autoAssign: false,
    bgpAdvertisements: [
      advertisement({ name: 'x', localPref: 100 }),
      advertisement({ name: 'y', localPref: 200 }),
    ],
  }),
  // 'dual' and 'team' aggregate into one 10.0.0.0/8 with different localPref: a table-level conflict.
  pool('dual', ['10.2.0.0/30', 'fd00::/126'], {
    bgpAdvertisements: [
      advertisement({ name: 'wide', aggregationLength: 8, aggregationLengthV6: 64, localPref: 300 }),
    ],
  }),
  pool('team', ['10.3.0.0/30'], {
    serviceAllocation: { priority: 1, namespaces: ['team'], namespaceSelectors: [], serviceSelectors: [] },
    bgpAdvertisements: [advertisement({ name: 'wide', aggregationLength: 8, localPref: 200 })],
  }),
  pool('l2', ['10.4.0.0/30'], { protocol: 'layer2' }),
];
const cfg = config(pools, [
  peer('192.168.200.1', { name: 'edge' }),
  peer('192.168.200.2', { name: 'core', peerAsn: 64500, nodeSelectors: [selector({ rack: 'b' })] }),
]);
const namespaces = [namespace('default'), namespace('team', { tier: 'x' })];

const NAMES = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9'];
const NODES = ['n0', 'n1', 'n2', 'n3', 'n4'];
const CANDIDATE_IPS = [
  '10.0.0.1',
  '10.0.0.5',
  '10.0.0.0',
  '10.0.1.2',
  '10.2.0.3',
  'fd00::3',
  '192.0.2.1',
  'x',
];

const serviceArb = fc.record({
  name: fc.constantFrom(...NAMES),
  ns: fc.constantFrom('default', 'default', 'team'),
  type: fc.constantFrom('LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'NodePort' as const),
  cls: fc.constantFrom(undefined, undefined, undefined, 'other'),
  etp: fc.constantFrom('Cluster' as const, 'Local' as const),
  fam: fc.constantFrom(0, 0, 0, 1, 2, 3, 4),
  request: fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...CANDIDATE_IPS).map((ip) => ({ spec: ip })) },
    {
      weight: 1,
      arbitrary: fc
        .subarray(CANDIDATE_IPS, { minLength: 1, maxLength: 2 })
        .map((ips) => ({ ann: ips.join(',') })),
    },
  ),
  poolAnn: fc.constantFrom(undefined, undefined, undefined, undefined, 'a', 'manual', 'dual', 'missing'),
  share: fc.constantFrom(undefined, undefined, 'k1', 'k2'),
  ports: fc.subarray(['TCP/80', 'TCP/443', 'UDP/53'], { minLength: 1 }),
  app: fc.constantFrom('x', 'y'),
  minute: fc.option(fc.integer({ min: 0, max: 59 })),
});
type ServiceSpec = typeof serviceArb extends fc.Arbitrary<infer T> ? T : never;

const FAMILIES: Array<Pick<ServiceInfo, 'ipFamilies' | 'ipFamilyPolicy'>> = [
  { ipFamilies: [4], ipFamilyPolicy: 'SingleStack' },
  { ipFamilies: [6], ipFamilyPolicy: 'SingleStack' },
  { ipFamilies: [4, 6], ipFamilyPolicy: 'PreferDualStack' },
  { ipFamilies: [4, 6], ipFamilyPolicy: 'RequireDualStack' },
  { ipFamilies: [6, 4], ipFamilyPolicy: 'PreferDualStack' },
];

function buildService(s: ServiceSpec, statusIngress: string[]): ServiceInfo {
  const annotations: Record<string, string> = {};
  if (s.request && 'ann' in s.request) annotations['metallb.universe.tf/loadBalancerIPs'] = s.request.ann;
  if (s.poolAnn) annotations['metallb.io/address-pool'] = s.poolAnn;
  if (s.share) annotations['metallb.universe.tf/allow-shared-ip'] = s.share;
  return service(s.name, {
    namespace: s.ns,
    type: s.type,
    ...(s.cls ? { loadBalancerClass: s.cls } : {}),
    externalTrafficPolicy: s.etp,
    ...FAMILIES[s.fam],
    ...(s.request && 'spec' in s.request ? { loadBalancerIP: s.request.spec } : {}),
    annotations,
    selector: { app: s.app },
    ports: s.ports.map((p) => ({
      protocol: p.split('/')[0] as 'TCP' | 'UDP',
      port: Number(p.split('/')[1]),
    })),
    statusIngress,
    ...(s.minute === null
      ? {}
      : { creationTimestamp: `2026-01-01T00:${String(s.minute).padStart(2, '0')}:00Z` }),
  });
}

const sliceArb = fc.record({
  service: fc.constantFrom(...NAMES),
  ns: fc.constantFrom('default', 'team'),
  v6: fc.boolean(),
  idx: fc.constantFrom(0, 1),
  endpoints: fc.array(fc.record({ node: fc.constantFrom(...NODES, undefined), ready: fc.boolean() }), {
    maxLength: 4,
  }),
});

const nodeArb = fc.record({
  name: fc.constantFrom(...NODES),
  ready: fc.constantFrom(true, true, true, false),
  unschedulable: fc.constantFrom(false, false, false, true),
  networkUnavailable: fc.constantFrom(false, false, false, true),
  rack: fc.constantFrom('a', 'b'),
  excluded: fc.constantFrom(false, false, false, true),
  v6: fc.boolean(),
});

const opArb = fc.oneof(
  { weight: 4, arbitrary: serviceArb.map((s) => ({ kind: 'upsertService' as const, s })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ name: fc.constantFrom(...NAMES), ns: fc.constantFrom('default', 'team') })
      .map((r) => ({ kind: 'deleteService' as const, ...r })),
  },
  { weight: 3, arbitrary: sliceArb.map((s) => ({ kind: 'upsertSlice' as const, s })) },
  { weight: 1, arbitrary: sliceArb.map((s) => ({ kind: 'deleteSlice' as const, s })) },
  { weight: 2, arbitrary: nodeArb.map((n) => ({ kind: 'upsertNode' as const, n })) },
  { weight: 1, arbitrary: fc.constantFrom(...NODES).map((name) => ({ kind: 'deleteNode' as const, name })) },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
const WRITE_STATUS = 'writeStatus' as const;

function buildSlice(s: typeof sliceArb extends fc.Arbitrary<infer T> ? T : never): EndpointSliceInfo {
  return {
    namespace: s.ns,
    name: `${s.service}-${s.v6 ? 6 : 4}-${s.idx}`,
    serviceName: s.service,
    addressType: s.v6 ? 'IPv6' : 'IPv4',
    endpoints: s.endpoints.map((e, i) => ({
      addresses: [s.v6 ? `fd00:244::${i + 1}` : `10.244.0.${i + 1}`],
      ready: e.ready,
      ...(e.node ? { nodeName: e.node } : {}),
    })),
  };
}

function buildNode(n: typeof nodeArb extends fc.Arbitrary<infer T> ? T : never): NodeInfo {
  const i = NODES.indexOf(n.name);
  const labels: Record<string, string> = { rack: n.rack };
  if (n.excluded) labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  return node(n.name, n.v6 ? [`192.168.201.${10 + i}`, `fd00:201::${10 + i}`] : [`192.168.201.${10 + i}`], {
    labels,
    ready: n.ready,
    unschedulable: n.unschedulable,
    networkUnavailable: n.networkUnavailable,
  });
}

/** The test's own reading of MetalLB's sharing rule, independent of the allocator's. */
function mayShare(a: ServiceInfo, b: ServiceInfo): boolean {
  const ka = a.annotations['metallb.universe.tf/allow-shared-ip'];
  const kb = b.annotations['metallb.universe.tf/allow-shared-ip'];
  if (ka === undefined || ka !== kb || a.externalTrafficPolicy !== b.externalTrafficPolicy) return false;
  if (a.externalTrafficPolicy === 'Local' && JSON.stringify(a.selector) !== JSON.stringify(b.selector))
    return false;
  return !a.ports.some((p) => b.ports.some((q) => p.protocol === q.protocol && p.port === q.port));
}

function inPool(ip: string, poolName: string): boolean {
  const p = pools.find((x) => x.name === poolName);
  const addr = parseIp(ip);
  if (!p || !addr) return false;
  if (p.avoidBuggyIps && addr.family === 4 && ((addr.value & 0xffn) === 0n || (addr.value & 0xffn) === 0xffn))
    return false;
  return p.addresses.some((r) => r.family === addr.family && r.first <= addr.value && addr.value <= r.last);
}

class Simulation {
  readonly specs = new Map<string, ServiceSpec>();
  readonly services = new Map<string, ServiceInfo>();
  readonly slices = new Map<string, EndpointSliceInfo>();
  readonly nodes = new Map<string, NodeInfo>();
  readonly incremental = new Planner(cfg, snapshot({ namespaces }));

  snap() {
    return snapshot({
      services: [...this.services.values()],
      endpointSlices: [...this.slices.values()],
      nodes: [...this.nodes.values()],
      namespaces,
    });
  }

  /** Applies one operation to the model and to the incremental planner. */
  apply(op: Op): { touched?: string } {
    let delta: SnapshotDelta;
    let touched: string | undefined;
    switch (op.kind) {
      case 'upsertService': {
        const key = `${op.s.ns}/${op.s.name}`;
        const svc = buildService(op.s, this.services.get(key)?.statusIngress ?? []);
        this.specs.set(key, op.s);
        this.services.set(key, svc);
        touched = key;
        delta = { services: { upsert: [svc] } };
        break;
      }
      case 'deleteService':
        this.services.delete(`${op.ns}/${op.name}`);
        delta = { services: { remove: [{ namespace: op.ns, name: op.name }] } };
        break;
      case 'upsertSlice': {
        const sl = buildSlice(op.s);
        this.slices.set(serviceKey(sl), sl);
        delta = { endpointSlices: { upsert: [sl] } };
        break;
      }
      case 'deleteSlice': {
        const sl = buildSlice(op.s);
        this.slices.delete(serviceKey(sl));
        delta = { endpointSlices: { remove: [{ namespace: sl.namespace, name: sl.name }] } };
        break;
      }
      case 'upsertNode': {
        const n = buildNode(op.n);
        this.nodes.set(n.name, n);
        delta = { nodes: { upsert: [n] } };
        break;
      }
      case 'deleteNode':
        this.nodes.delete(op.name);
        delta = { nodes: { remove: [op.name] } };
        break;
    }
    this.incremental.update(delta);
    return { touched };
  }

  /** What the status writer does: every service's status becomes its planned addresses. */
  writeStatus(plan: Plan): void {
    const upsert: ServiceInfo[] = [];
    for (const [key, svc] of this.services) {
      const ips = plan.allocations.find((a) => a.service === key)?.ips ?? [];
      if (ips.join() === svc.statusIngress.join()) continue;
      const next = { ...svc, statusIngress: ips };
      this.services.set(key, next);
      upsert.push(next);
    }
    if (upsert.length > 0) this.incremental.update({ services: { upsert } });
  }
}

function checkInvariants(sim: Simulation, plan: Plan, before: Map<string, string[]>, touched?: string): void {
  const holders = new Map<string, string[]>();
  for (const a of plan.allocations) {
    a.ips.forEach((ip, i) => {
      expect(inPool(ip, a.pools[i] as string), `${a.service} ${ip} in pool ${a.pools[i]}`).to.equal(true);
      holders.set(ip, [...(holders.get(ip) ?? []), a.service]);
    });
  }
  for (const [ip, users] of holders) {
    for (let i = 0; i < users.length; i++) {
      for (let j = i + 1; j < users.length; j++) {
        const a = sim.services.get(users[i] as string) as ServiceInfo;
        const b = sim.services.get(users[j] as string) as ServiceInfo;
        expect(mayShare(a, b), `${ip} shared by ${users[i]} and ${users[j]}`).to.equal(true);
      }
    }
  }
  // An address never moves while its service is untouched and shares it with no touched service.
  const touchedIps = new Set(touched ? (before.get(touched) ?? []) : []);
  for (const [key, ips] of before) {
    if (key === touched || !sim.services.has(key) || ips.some((ip) => touchedIps.has(ip))) continue;
    const now = plan.allocations.find((a) => a.service === key)?.ips ?? [];
    for (const ip of ips) expect(now, `${key} kept ${ip}`).to.include(ip);
  }
}

describe('planner: properties over random operation sequences', function () {
  this.timeout(60000);
  const RUNS = 100;
  const OPS = 110;

  it(`keeps allocations legitimate, stable and idempotent, and incremental = from scratch (${RUNS} x ${OPS} ops)`, () => {
    let total = 0;
    fc.assert(
      fc.property(fc.array(opArb, { minLength: OPS, maxLength: OPS }), (ops) => {
        const sim = new Simulation();
        for (const op of ops) {
          total++;
          const before = new Map([...sim.services].map(([k, s]) => [k, s.statusIngress]));
          const { touched } = sim.apply(op);
          const plan = planCluster(cfg, sim.snap());
          expect(sim.incremental.plan(), 'incremental plan equals the plan from scratch').to.deep.equal(plan);
          checkInvariants(sim, plan, before, touched);
          sim.writeStatus(plan);
          const again = planCluster(cfg, sim.snap());
          expect(again.allocations, 're-planning from the written status').to.deep.equal(plan.allocations);
          expect(again.peers).to.deep.equal(plan.peers);
          expect(sim.incremental.plan()).to.deep.equal(again);
        }
      }),
      { numRuns: RUNS },
    );
    expect(total).to.be.at.least(10000);
  });

  // Statuses written only now and then: services wait without status while others come and go,
  // which is where ServiceAllocations.update has to tell a safe change from one that moves others.
  it(`incremental = from scratch when statuses lag behind (${RUNS} x ${OPS} ops)`, () => {
    const lagging = fc.oneof(
      { weight: 8, arbitrary: opArb },
      { weight: 1, arbitrary: fc.constant(WRITE_STATUS) },
    );
    fc.assert(
      fc.property(fc.array(lagging, { minLength: OPS, maxLength: OPS }), (ops) => {
        const sim = new Simulation();
        for (const op of ops) {
          if (op === WRITE_STATUS) sim.writeStatus(sim.incremental.plan());
          else sim.apply(op);
          const plan = planCluster(cfg, sim.snap());
          expect(sim.incremental.plan(), 'incremental plan equals the plan from scratch').to.deep.equal(plan);
          checkInvariants(sim, plan, new Map());
        }
      }),
      { numRuns: RUNS },
    );
  });
});
