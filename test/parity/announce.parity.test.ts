/**
 * MetalLB's announcement and sharing rules (speaker/bgp_controller.go ShouldAnnounce,
 * internal/k8s/nodes, internal/k8s/epslices EndpointCanServe, internal/allocator sharingOK and
 * checkSharing), one table row per rule.
 */
import { expect } from 'chai';
import type { AddressPool } from '../../src/config/model.js';
import type { EndpointSliceInfo, NodeInfo, ServiceInfo } from '../../src/sync/cluster.js';
import { parseManifests } from '../../src/sources/manifest-parse.js';
import { planCluster } from '../../src/sync/planner/index.js';
import {
  advertisement,
  config,
  node,
  peer,
  pool,
  selector,
  service,
  slice,
  snapshot,
} from '../sync/builders.js';
import { allocationTable, routeTable, type AllocationRow } from './support.js';

const core = peer('192.168.201.1', { name: 'core' });
const rack = (r: string, over: Partial<NodeInfo> = {}): Partial<NodeInfo> => ({
  labels: { 'topology.example.com/rack': r },
  ...over,
});
const nodes = [
  node('a', ['192.168.201.11'], rack('r1')),
  node('b', ['192.168.201.12'], rack('r1')),
  node('c', ['192.168.201.13'], rack('r2')),
];
const r1Only = pool('p', ['10.0.0.0/24'], {
  bgpAdvertisements: [
    advertisement({ name: 'r1', nodeSelectors: [selector({ 'topology.example.com/rack': 'r1' })] }),
  ],
});

interface AnnounceRow {
  rule: string;
  pool?: AddressPool;
  nodes?: NodeInfo[];
  services: ServiceInfo[];
  slices: EndpointSliceInfo[];
  routes: Record<string, string[]>;
}

const announceRows: AnnounceRow[] = [
  {
    rule: 'NetworkUnavailable true: never a next hop (nodeNetworkUnavailable)',
    nodes: [...nodes.slice(0, 2), node('c', ['192.168.201.13'], { networkUnavailable: true })],
    services: [service('s')],
    slices: [slice('s', ['c'])],
    routes: { 'core 10.0.0.0/32': ['192.168.201.11', '192.168.201.12'] },
  },
  {
    rule: 'label node.kubernetes.io/exclude-from-external-load-balancers: never a next hop, whatever its value',
    nodes: [
      node('a', ['192.168.201.11'], {
        labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': 'false' },
      }),
      node('b', ['192.168.201.12']),
    ],
    services: [service('s')],
    slices: [slice('s', ['a'])],
    routes: { 'core 10.0.0.0/32': ['192.168.201.12'] },
  },
  {
    rule: 'a cordoned (unschedulable) node still announces: ShouldAnnounce does not look at it',
    nodes: [node('a', ['192.168.201.11'], { unschedulable: true }), node('b', ['192.168.201.12'])],
    services: [service('s', { externalTrafficPolicy: 'Local' })],
    slices: [slice('s', ['a'])],
    routes: { 'core 10.0.0.0/32': ['192.168.201.11'] },
  },
  {
    rule: 'an endpoint without addresses is not healthy (hasHealthyEndpoint)',
    services: [service('s')],
    slices: [{ ...slice('s', ['a']), endpoints: [{ addresses: [], ready: true, nodeName: 'a' }] }],
    routes: {},
  },
  {
    rule: 'BGPAdvertisement nodeSelectors: only the nodes they select (poolMatchesNodeBGP / ad.Nodes)',
    pool: r1Only,
    services: [service('s')],
    slices: [slice('s', ['c'])],
    routes: { 'core 10.0.0.0/32': ['192.168.201.11', '192.168.201.12'] },
  },
  {
    rule: 'externalTrafficPolicy Local: only nodes with a ready local endpoint (noLocalEndpoints)',
    services: [service('s', { externalTrafficPolicy: 'Local' })],
    slices: [slice('s', ['b', 'c'])],
    routes: { 'core 10.0.0.0/32': ['192.168.201.12', '192.168.201.13'] },
  },
  {
    rule: 'externalTrafficPolicy Local with nodeSelectors: a ready endpoint on an unselected node does not count',
    pool: r1Only,
    services: [service('s', { externalTrafficPolicy: 'Local' })],
    slices: [slice('s', ['c'])],
    routes: {},
  },
  {
    rule: 'externalTrafficPolicy Cluster with no ready endpoint anywhere: not announced at all (noEndpoints)',
    services: [service('s')],
    slices: [
      { ...slice('s', ['a']), endpoints: [{ addresses: ['10.244.0.1'], ready: false, nodeName: 'a' }] },
    ],
    routes: {},
  },
];

describe('parity with MetalLB: node eligibility and endpoints', () => {
  for (const row of announceRows) {
    it(`MetalLB rule: ${row.rule}`, () => {
      const plan = planCluster(
        config([row.pool ?? pool('p', ['10.0.0.0/24'])], [core]),
        snapshot({ nodes: row.nodes ?? nodes, services: row.services, endpointSlices: row.slices }),
      );
      expect(routeTable(plan)).to.deep.equal(row.routes);
      if (Object.keys(row.routes).length === 0) expect(plan.issues).to.have.length.greaterThan(0);
    });
  }

  it('MetalLB rule: a terminating endpoint that is still serving counts as healthy (EndpointCanServe)', () => {
    const parsed = parseManifests([
      {
        file: 'slices.yaml',
        text: [
          'apiVersion: discovery.k8s.io/v1',
          'kind: EndpointSlice',
          'metadata: { name: s-1, namespace: default, labels: { kubernetes.io/service-name: s } }',
          'addressType: IPv4',
          'endpoints:',
          '  - { addresses: [10.244.0.1], conditions: { ready: false, serving: true, terminating: true }, nodeName: b }',
          '  - { addresses: [10.244.0.2], conditions: { ready: false, serving: false, terminating: true }, nodeName: c }',
        ].join('\n'),
      },
    ]);
    expect(parsed.problems).to.deep.equal([]);
    const plan = planCluster(
      config([pool('p', ['10.0.0.0/24'])], [core]),
      snapshot({
        nodes,
        services: [service('s', { externalTrafficPolicy: 'Local' })],
        endpointSlices: parsed.snapshot.endpointSlices,
      }),
    );
    expect(routeTable(plan)).to.deep.equal({ 'core 10.0.0.0/32': ['192.168.201.12'] });
  });
});

interface SharingRow {
  rule: string;
  services: ServiceInfo[];
  expect: Record<string, AllocationRow>;
  /** Words the refusal message must contain, so the user sees which rule refused it. */
  reason?: string;
}

const at = (minute: number): string => `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`;
const sharing = (name: string, key: string | undefined, over: Partial<ServiceInfo> = {}): ServiceInfo =>
  service(name, {
    loadBalancerIP: '10.0.0.7',
    annotations: key === undefined ? {} : { 'metallb.io/allow-shared-ip': key },
    ...over,
  });

const sharingRows: SharingRow[] = [
  {
    rule: 'same sharing key, different ports, Cluster: one address',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1), ports: [{ protocol: 'TCP', port: 80 }] }),
      sharing('b', 'k', { creationTimestamp: at(2), ports: [{ protocol: 'TCP', port: 443 }] }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': ['10.0.0.7@p'] },
  },
  {
    rule: 'same port number with another protocol does not overlap',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1), ports: [{ protocol: 'TCP', port: 53 }] }),
      sharing('b', 'k', { creationTimestamp: at(2), ports: [{ protocol: 'UDP', port: 53 }] }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': ['10.0.0.7@p'] },
  },
  {
    rule: 'overlapping port and protocol: refused (port already in use)',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1) }),
      sharing('b', 'k', { creationTimestamp: at(2) }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': 'failed: sharing-conflict' },
    reason: 'port TCP/80 on 10.0.0.7 is already used by default/a',
  },
  {
    rule: 'different sharing keys: refused',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1) }),
      sharing('b', 'other', { creationTimestamp: at(2), ports: [{ protocol: 'TCP', port: 443 }] }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': 'failed: sharing-conflict' },
    reason: 'sharing key "k", not "other"',
  },
  {
    rule: 'no sharing key on one side: refused (does not allow sharing)',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1) }),
      sharing('b', undefined, { creationTimestamp: at(2), ports: [{ protocol: 'TCP', port: 443 }] }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': 'failed: requested-ip-in-use' },
    reason: 'already in use by default/a',
  },
  {
    rule: 'Local policy: same selector (backend key) shares',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1), externalTrafficPolicy: 'Local', selector: { app: 'x' } }),
      sharing('b', 'k', {
        creationTimestamp: at(2),
        externalTrafficPolicy: 'Local',
        selector: { app: 'x' },
        ports: [{ protocol: 'TCP', port: 443 }],
      }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': ['10.0.0.7@p'] },
  },
  {
    rule: 'Local policy: another selector (backend key) is refused',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1), externalTrafficPolicy: 'Local', selector: { app: 'x' } }),
      sharing('b', 'k', {
        creationTimestamp: at(2),
        externalTrafficPolicy: 'Local',
        selector: { app: 'y' },
        ports: [{ protocol: 'TCP', port: 443 }],
      }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': 'failed: sharing-conflict' },
    reason: 'different pod selector',
  },
  {
    rule: 'Cluster policy: different selectors still share (empty backend key)',
    services: [
      sharing('a', 'k', { creationTimestamp: at(1), selector: { app: 'x' } }),
      sharing('b', 'k', {
        creationTimestamp: at(2),
        selector: { app: 'y' },
        ports: [{ protocol: 'TCP', port: 443 }],
      }),
    ],
    expect: { 'default/a': ['10.0.0.7@p'], 'default/b': ['10.0.0.7@p'] },
  },
];

describe('parity with MetalLB: IP sharing (allow-shared-ip)', () => {
  for (const row of sharingRows) {
    it(`MetalLB sharing rule: ${row.rule}`, () => {
      const plan = planCluster(config([pool('p', ['10.0.0.0/24'])]), snapshot({ services: row.services }));
      expect(allocationTable(plan)).to.deep.equal(row.expect);
      if (row.reason !== undefined) {
        expect(plan.allocations.find((a) => a.failure)?.failure?.message).to.include(row.reason);
      }
    });
  }
});

interface LocalPrefRow {
  rule: string;
  ads: Parameters<typeof advertisement>[0][];
  peers?: ReturnType<typeof peer>[];
  /** `peer prefix -> localPref` of what is announced. */
  routes: Record<string, number | undefined>;
  issue?: string;
  /** externalTrafficPolicy Local (the endpoint is on node a, rack r1). */
  local?: boolean;
}

const ibgp = (name: string, address: string) => peer(address, { name, peerAsn: 64500, myAsn: 64500 });
const localPrefRows: LocalPrefRow[] = [
  {
    rule: 'different localPref, same aggregation, common nodes: the service is not announced, and said why',
    ads: [
      { name: 'x', localPref: 100 },
      { name: 'y', localPref: 200 },
    ],
    routes: {},
    issue:
      '10.0.0.0 is not announced to core: advertisements x, y of pool p set conflicting localPref 100 and 200',
  },
  {
    rule: 'an unset localPref differs from a set one (MetalLB compares 0)',
    ads: [{ name: 'x' }, { name: 'y', localPref: 200 }],
    routes: {},
    issue:
      '10.0.0.0 is not announced to core: advertisements x, y of pool p set conflicting localPref unset and 200',
  },
  {
    rule: 'different aggregation lengths never clash (isAggrLengthDifferent)',
    ads: [
      { name: 'host', localPref: 100 },
      { name: 'agg', localPref: 200, aggregationLength: 24 },
    ],
    routes: { 'core 10.0.0.0/24': 200, 'core 10.0.0.0/32': 100 },
  },
  {
    rule: 'advertisements with disjoint nodeSelectors never clash (ad.Nodes overlap)',
    ads: [
      { name: 'r1', localPref: 100, nodeSelectors: [selector({ 'topology.example.com/rack': 'r1' })] },
      { name: 'r2', localPref: 200, nodeSelectors: [selector({ 'topology.example.com/rack': 'r2' })] },
    ],
    local: true,
    routes: { 'core 10.0.0.0/32': 100 },
  },
  {
    // Deliberate difference: MetalLB's speakers on r1 and r2 would each send their own path; our
    // one session sends one route per prefix, whose paths cannot carry two localPrefs.
    rule: 'disjoint nodeSelectors that both announce one prefix: reported instead (one route, one localPref)',
    ads: [
      { name: 'r1', localPref: 100, nodeSelectors: [selector({ 'topology.example.com/rack': 'r1' })] },
      { name: 'r2', localPref: 200, nodeSelectors: [selector({ 'topology.example.com/rack': 'r2' })] },
    ],
    routes: {},
    issue:
      '10.0.0.0/32 is not announced to core: the services aggregated into it set conflicting localPref 100 and 200',
  },
  {
    rule: 'advertisements for disjoint peers never clash',
    ads: [
      { name: 'x', localPref: 100, peers: ['core'] },
      { name: 'y', localPref: 200, peers: ['edge'] },
    ],
    peers: [ibgp('core', '192.168.201.1'), ibgp('edge', '192.168.201.2')],
    routes: { 'core 10.0.0.0/32': 100, 'edge 10.0.0.0/32': 200 },
  },
];

describe('parity with MetalLB: conflicting localPref (BGPAdvertisementsHaveCompatibleLocalPref)', () => {
  for (const row of localPrefRows) {
    it(`MetalLB localPref rule: ${row.rule}`, () => {
      const plan = planCluster(
        config(
          [pool('p', ['10.0.0.0/24'], { bgpAdvertisements: row.ads.map((a) => advertisement(a)) })],
          row.peers ?? [ibgp('core', '192.168.201.1')],
        ),
        snapshot({
          nodes,
          services: [service('s', row.local ? { externalTrafficPolicy: 'Local' } : {})],
          endpointSlices: [slice('s', ['a'])],
        }),
      );
      const routes: Record<string, number | undefined> = {};
      for (const p of plan.peers) for (const r of p.routes) routes[`${p.peer} ${r.prefix}`] = r.localPref;
      expect(routes).to.deep.equal(row.routes);
      expect(plan.issues.map((i) => i.message)).to.deep.equal(row.issue === undefined ? [] : [row.issue]);
    });
  }
});
