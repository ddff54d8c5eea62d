import { expect } from 'chai';
import type { AddressPool } from '../../src/config/model.js';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import type { AllocationFailureReason } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { config, namespace, pool, selector, service, snapshot } from './builders.js';
import { allocationOf, ipsOf } from './helpers.js';

interface Case {
  name: string;
  pools: AddressPool[];
  services: ServiceInfo[];
  namespaces?: Array<{ name: string; labels: Record<string, string> }>;
  loadBalancerClass?: string;
  /** service name -> expected ips, or a failure reason. */
  expect: Record<string, string[] | AllocationFailureReason | 'absent'>;
  /** service name -> expected pool of each ip. */
  pools_?: Record<string, string[]>;
}

const v4 = (name: string, addresses = ['10.0.0.0/24'], over: Partial<AddressPool> = {}): AddressPool =>
  pool(name, addresses, over);
const at = (minute: number): string => `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`;
const shared = (name: string, key: string, port: number, over: Partial<ServiceInfo> = {}): ServiceInfo =>
  service(name, {
    annotations: { 'metallb.universe.tf/allow-shared-ip': key },
    ports: [{ protocol: 'TCP', port }],
    ...over,
  });

const cases: Case[] = [
  {
    name: 'MetalLB: auto-assignment takes the lowest free address of the first pool',
    pools: [v4('a', ['10.0.0.0/30']), v4('b', ['10.0.1.0/24'])],
    services: [
      service('s1', { creationTimestamp: at(1) }),
      service('s2', { creationTimestamp: at(2) }),
      service('s3', { creationTimestamp: at(3) }),
      service('s4', { creationTimestamp: at(4) }),
      service('s5', { creationTimestamp: at(5) }),
    ],
    expect: {
      s1: ['10.0.0.0'],
      s2: ['10.0.0.1'],
      s3: ['10.0.0.2'],
      s4: ['10.0.0.3'],
      s5: ['10.0.1.0'],
    },
    pools_: { s4: ['a'], s5: ['b'] },
  },
  {
    name: 'allocation order: explicit requests first, then creationTimestamp, then namespace/name',
    pools: [v4('a', ['10.0.0.0/29'])],
    services: [
      service('zz', { creationTimestamp: at(1) }),
      service('bb', { creationTimestamp: at(2) }),
      service('aa', { creationTimestamp: at(2) }),
      service('late-explicit', { creationTimestamp: at(9), loadBalancerIP: '10.0.0.0' }),
      service('no-time'),
    ],
    expect: {
      'late-explicit': ['10.0.0.0'],
      zz: ['10.0.0.1'],
      aa: ['10.0.0.2'],
      bb: ['10.0.0.3'],
      'no-time': ['10.0.0.4'],
    },
  },
  {
    name: 'MetalLB: spec.loadBalancerIP is honoured',
    pools: [v4('a')],
    services: [service('s', { loadBalancerIP: '10.0.0.77' })],
    expect: { s: ['10.0.0.77'] },
  },
  {
    name: 'MetalLB: metallb.universe.tf/loadBalancerIPs gives one address per family',
    pools: [v4('dual', ['10.0.0.0/24', '2001:db8::/64'])],
    services: [
      service('s', {
        ipFamilies: [6, 4],
        ipFamilyPolicy: 'RequireDualStack',
        annotations: { 'metallb.universe.tf/loadBalancerIPs': '2001:db8::0:5, 10.0.0.5' },
      }),
    ],
    expect: { s: ['10.0.0.5', '2001:db8::5'] },
  },
  {
    name: 'MetalLB: the metallb.io/loadBalancerIPs spelling is honoured too',
    pools: [v4('a')],
    services: [service('s', { annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.9' } })],
    expect: { s: ['10.0.0.9'] },
  },
  {
    name: 'MetalLB: spec.loadBalancerIP together with the loadBalancerIPs annotation is refused',
    pools: [v4('a')],
    services: [
      service('s', { loadBalancerIP: '10.0.0.8', annotations: { 'metallb.io/loadBalancerIPs': '10.0.0.9' } }),
    ],
    expect: { s: 'invalid-request' },
  },
  {
    name: 'MetalLB: metallb.universe.tf/address-pool picks the pool',
    pools: [v4('a'), v4('b', ['10.0.1.0/24'])],
    services: [service('s', { annotations: { 'metallb.universe.tf/address-pool': 'b' } })],
    expect: { s: ['10.0.1.0'] },
    pools_: { s: ['b'] },
  },
  {
    name: 'MetalLB: metallb.io/address-pool naming an unknown pool fails with no-pool',
    pools: [v4('a')],
    services: [service('s', { annotations: { 'metallb.io/address-pool': 'nope' } })],
    expect: { s: 'no-pool' },
  },
  {
    name: 'MetalLB: a requested IP outside the named pool fails',
    pools: [v4('a'), v4('b', ['10.0.1.0/24'])],
    services: [
      service('s', { loadBalancerIP: '10.0.0.4', annotations: { 'metallb.universe.tf/address-pool': 'b' } }),
    ],
    expect: { s: 'requested-ip-not-in-pool' },
  },
  {
    name: 'MetalLB: autoAssign false pools serve only explicit requests',
    pools: [v4('manual', ['10.9.0.0/24'], { autoAssign: false }), v4('auto', ['10.0.0.0/24'])],
    services: [
      service('auto', { creationTimestamp: at(1) }),
      service('by-ip', { loadBalancerIP: '10.9.0.7' }),
      service('by-pool', { annotations: { 'metallb.universe.tf/address-pool': 'manual' } }),
    ],
    expect: { auto: ['10.0.0.0'], 'by-ip': ['10.9.0.7'], 'by-pool': ['10.9.0.0'] },
  },
  {
    name: 'MetalLB: with only autoAssign false pools an ordinary service gets no-pool',
    pools: [v4('manual', ['10.9.0.0/24'], { autoAssign: false })],
    services: [service('s')],
    expect: { s: 'no-pool' },
  },
  {
    name: 'MetalLB: avoid-buggy-ips skips .0 and .255',
    pools: [v4('a', ['10.0.0.254-10.0.1.2'], { avoidBuggyIps: true })],
    services: [
      service('s1', { creationTimestamp: at(1) }),
      service('s2', { creationTimestamp: at(2) }),
      service('s3', { creationTimestamp: at(3) }),
      service('s4', { creationTimestamp: at(4) }),
    ],
    expect: { s1: ['10.0.0.254'], s2: ['10.0.1.1'], s3: ['10.0.1.2'], s4: 'pool-exhausted' },
  },
  {
    name: 'MetalLB: avoid-buggy-ips refuses an explicit request for a .255 address',
    pools: [v4('a', ['10.0.0.0/23'], { avoidBuggyIps: true })],
    services: [service('s', { loadBalancerIP: '10.0.0.255' })],
    expect: { s: 'requested-ip-not-in-pool' },
  },
  {
    name: 'MetalLB: avoid-buggy-ips applies to every /24 of a larger pool',
    pools: [v4('a', ['10.0.0.0/16'], { avoidBuggyIps: true })],
    services: [service('s', { statusIngress: [] }), service('t', { loadBalancerIP: '10.0.0.1' })],
    expect: { t: ['10.0.0.1'], s: ['10.0.0.2'] },
  },
  {
    name: 'MetalLB: allow-shared-ip lets services with one key and distinct ports share',
    pools: [v4('a')],
    services: [
      shared('web', 'k', 80, { creationTimestamp: at(1) }),
      shared('dns', 'k', 53, { creationTimestamp: at(2), ports: [{ protocol: 'UDP', port: 53 }] }),
      shared('tls', 'k', 443, { creationTimestamp: at(3), loadBalancerIP: '10.0.0.0' }),
    ],
    expect: { web: ['10.0.0.0'], dns: ['10.0.0.0'], tls: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB: allow-shared-ip with an overlapping port+protocol is a sharing conflict',
    pools: [v4('a')],
    services: [
      shared('web', 'k', 80),
      shared('web2', 'k', 80, { loadBalancerIP: '10.0.0.9' }),
      shared('x', 'k', 80, { loadBalancerIP: '10.0.0.9' }),
    ],
    expect: { web2: ['10.0.0.9'], x: 'sharing-conflict', web: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB: allow-shared-ip needs the same sharing key',
    pools: [v4('a')],
    services: [
      shared('a1', 'k1', 80, { loadBalancerIP: '10.0.0.9', creationTimestamp: at(1) }),
      shared('a2', 'k2', 81, { loadBalancerIP: '10.0.0.9', creationTimestamp: at(5) }),
    ],
    expect: { a1: ['10.0.0.9'], a2: 'sharing-conflict' },
  },
  {
    name: 'MetalLB: an address held by a service without allow-shared-ip is in use',
    pools: [v4('a')],
    services: [
      service('owner', { loadBalancerIP: '10.0.0.9', creationTimestamp: at(1) }),
      shared('other', 'k', 81, { loadBalancerIP: '10.0.0.9', creationTimestamp: at(2) }),
    ],
    expect: { owner: ['10.0.0.9'], other: 'requested-ip-in-use' },
  },
  {
    name: 'MetalLB: sharing needs compatible externalTrafficPolicy',
    pools: [v4('a')],
    services: [
      shared('c', 'k', 80, { loadBalancerIP: '10.0.0.9', creationTimestamp: at(1) }),
      shared('l', 'k', 81, {
        loadBalancerIP: '10.0.0.9',
        creationTimestamp: at(2),
        externalTrafficPolicy: 'Local',
      }),
    ],
    expect: { c: ['10.0.0.9'], l: 'sharing-conflict' },
  },
  {
    name: 'MetalLB: Local services share only when they select the same pods',
    pools: [v4('a')],
    services: [
      shared('l1', 'k', 80, {
        loadBalancerIP: '10.0.0.9',
        creationTimestamp: at(1),
        externalTrafficPolicy: 'Local',
        selector: { app: 'x' },
      }),
      shared('l2', 'k', 81, {
        loadBalancerIP: '10.0.0.9',
        creationTimestamp: at(2),
        externalTrafficPolicy: 'Local',
        selector: { app: 'x' },
      }),
      shared('l3', 'k', 82, {
        loadBalancerIP: '10.0.0.9',
        creationTimestamp: at(3),
        externalTrafficPolicy: 'Local',
        selector: { app: 'y' },
      }),
    ],
    expect: { l1: ['10.0.0.9'], l2: ['10.0.0.9'], l3: 'sharing-conflict' },
  },
  {
    name: 'MetalLB: auto-assignment with a sharing key joins the lowest compatible shared address',
    pools: [v4('a')],
    services: [
      service('plain', { creationTimestamp: at(1) }),
      shared('s1', 'k', 80, { creationTimestamp: at(2) }),
      shared('s2', 'k', 443, { creationTimestamp: at(3) }),
      shared('s3', 'k', 80, { creationTimestamp: at(4) }),
    ],
    expect: { plain: ['10.0.0.0'], s1: ['10.0.0.1'], s2: ['10.0.0.1'], s3: ['10.0.0.2'] },
  },
  {
    name: 'Kubernetes: RequireDualStack fails without a pool of both families',
    pools: [v4('a')],
    services: [service('s', { ipFamilies: [4, 6], ipFamilyPolicy: 'RequireDualStack' })],
    expect: { s: 'no-pool' },
  },
  {
    name: 'Kubernetes: RequireDualStack gets one address per family from a dual pool',
    pools: [v4('a'), v4('dual', ['10.1.0.0/24', 'fd00::/120'])],
    services: [service('s', { ipFamilies: [4, 6], ipFamilyPolicy: 'RequireDualStack' })],
    expect: { s: ['10.1.0.0', 'fd00::'] },
    pools_: { s: ['dual', 'dual'] },
  },
  {
    name: 'Kubernetes: PreferDualStack takes what the first pool has',
    pools: [v4('a')],
    services: [service('s', { ipFamilies: [4, 6], ipFamilyPolicy: 'PreferDualStack' })],
    expect: { s: ['10.0.0.0'] },
  },
  {
    name: 'Kubernetes: an IPv6 single-stack service gets an IPv6 address',
    pools: [v4('dual', ['10.1.0.0/24', '2001:db8:1::/64'])],
    services: [service('s', { ipFamilies: [6] })],
    expect: { s: ['2001:db8:1::'] },
  },
  {
    name: 'explicit request in the wrong family fails with wrong-family',
    pools: [v4('dual', ['10.1.0.0/24', '2001:db8:1::/64'])],
    services: [service('s', { loadBalancerIP: '2001:db8:1::5' })],
    expect: { s: 'wrong-family' },
  },
  {
    name: 'explicit request outside every pool fails and moves nothing else',
    pools: [v4('a')],
    services: [
      service('bad', { loadBalancerIP: '192.0.2.1' }),
      service('ok', { statusIngress: ['10.0.0.3'] }),
      service('new', { creationTimestamp: at(1) }),
    ],
    expect: { bad: 'requested-ip-not-in-pool', ok: ['10.0.0.3'], new: ['10.0.0.0'] },
  },
  {
    name: 'explicit request for an address already taken fails with requested-ip-in-use',
    pools: [v4('a')],
    services: [
      service('owner', { statusIngress: ['10.0.0.3'] }),
      service('thief', { loadBalancerIP: '10.0.0.3' }),
    ],
    expect: { owner: ['10.0.0.3'], thief: 'requested-ip-in-use' },
  },
  {
    name: 'explicit request that is not an address fails with invalid-request',
    pools: [v4('a')],
    services: [service('s', { annotations: { 'metallb.universe.tf/loadBalancerIPs': '10.0.0.300' } })],
    expect: { s: 'invalid-request' },
  },
  {
    name: 'MetalLB: an existing address is kept even when a lower one is free',
    pools: [v4('a')],
    services: [service('s', { statusIngress: ['10.0.0.200'] }), service('t', { creationTimestamp: at(1) })],
    expect: { s: ['10.0.0.200'], t: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB: an existing address outside every pool is dropped and the service re-allocated',
    pools: [v4('a')],
    services: [service('s', { statusIngress: ['10.5.0.1'] })],
    expect: { s: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB: an existing address in a pool other than the annotated one is dropped',
    pools: [v4('a'), v4('b', ['10.0.1.0/24'])],
    services: [
      service('s', { statusIngress: ['10.0.0.7'], annotations: { 'metallb.io/address-pool': 'b' } }),
    ],
    expect: { s: ['10.0.1.0'] },
  },
  {
    name: 'two services claiming one unshared address: the older keeps it, the other moves',
    pools: [v4('a')],
    services: [
      service('young', { statusIngress: ['10.0.0.5'], creationTimestamp: at(5) }),
      service('old', { statusIngress: ['10.0.0.5'], creationTimestamp: at(1) }),
    ],
    expect: { old: ['10.0.0.5'], young: ['10.0.0.0'] },
  },
  {
    name: 'a changed explicit request moves the service to the new address',
    pools: [v4('a')],
    services: [service('s', { statusIngress: ['10.0.0.5'], loadBalancerIP: '10.0.0.6' })],
    expect: { s: ['10.0.0.6'] },
  },
  {
    name: 'a full pool fails with pool-exhausted',
    pools: [v4('a', ['10.0.0.0/31'])],
    services: [
      service('s1', { creationTimestamp: at(1) }),
      service('s2', { creationTimestamp: at(2) }),
      service('s3', { creationTimestamp: at(3) }),
    ],
    expect: { s1: ['10.0.0.0'], s2: ['10.0.0.1'], s3: 'pool-exhausted' },
  },
  {
    name: 'only services of type LoadBalancer are planned',
    pools: [v4('a')],
    services: [
      service('np', { type: 'NodePort' }),
      service('cip', { type: 'ClusterIP' }),
      service('ext', { type: 'ExternalName' }),
      service('lb'),
    ],
    expect: { np: 'absent', cip: 'absent', ext: 'absent', lb: ['10.0.0.0'] },
  },
  {
    name: 'loadBalancerClass unset: only services without a class (issue 13)',
    pools: [v4('a')],
    services: [service('other', { loadBalancerClass: 'example.com/lb' }), service('mine')],
    expect: { other: 'absent', mine: ['10.0.0.0'] },
  },
  {
    name: 'loadBalancerClass set: only services of exactly that class (issue 13)',
    loadBalancerClass: 'crs.io/bgp',
    pools: [v4('a')],
    services: [
      service('none'),
      service('other', { loadBalancerClass: 'example.com/lb' }),
      service('mine', { loadBalancerClass: 'crs.io/bgp' }),
    ],
    expect: { none: 'absent', other: 'absent', mine: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB serviceAllocation: lower priority wins, 0/unset sorts last',
    pools: [
      v4('unset', ['10.0.0.0/24']),
      v4('p20', ['10.0.20.0/24'], {
        serviceAllocation: { priority: 20, namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
      }),
      v4('p10', ['10.0.10.0/24'], {
        serviceAllocation: { priority: 10, namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
      }),
    ],
    services: [service('s')],
    expect: { s: ['10.0.10.0'] },
    pools_: { s: ['p10'] },
  },
  {
    name: 'MetalLB serviceAllocation: namespaces restrict a pool and pinned pools come first',
    pools: [
      v4('general', ['10.0.0.0/24']),
      v4('team', ['10.0.7.0/24'], {
        serviceAllocation: {
          priority: 0,
          namespaces: ['team'],
          namespaceSelectors: [],
          serviceSelectors: [],
        },
      }),
    ],
    services: [service('s', { namespace: 'team' }), service('d')],
    expect: { d: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB serviceAllocation: serviceSelectors restrict a pool',
    pools: [
      v4('tagged', ['10.0.7.0/24'], {
        serviceAllocation: {
          priority: 0,
          namespaces: [],
          namespaceSelectors: [],
          serviceSelectors: [selector({ tier: 'edge' })],
        },
      }),
      v4('general', ['10.0.0.0/24']),
    ],
    services: [service('edge', { labels: { tier: 'edge' } }), service('plain')],
    expect: { edge: ['10.0.7.0'], plain: ['10.0.0.0'] },
  },
  {
    name: 'MetalLB serviceAllocation: a request for an address of a pool not serving the service fails',
    pools: [
      v4('team', ['10.0.7.0/24'], {
        serviceAllocation: {
          priority: 0,
          namespaces: ['team'],
          namespaceSelectors: [],
          serviceSelectors: [],
        },
      }),
    ],
    services: [service('s', { loadBalancerIP: '10.0.7.1' })],
    expect: { s: 'requested-ip-not-in-pool' },
  },
  {
    name: 'pools of any size: a /8 and an IPv6 /64 hand out their lowest address',
    pools: [v4('big', ['10.0.0.0/8']), v4('v6', ['2001:db8:ffff:1::/64'])],
    services: [
      service('a', { statusIngress: ['10.255.255.255'] }),
      service('b', { creationTimestamp: at(1) }),
      service('c', { ipFamilies: [6] }),
    ],
    expect: { a: ['10.255.255.255'], b: ['10.0.0.0'], c: ['2001:db8:ffff:1::'] },
  },
];

describe('planner: allocation rules', () => {
  for (const c of cases) {
    it(c.name, () => {
      const cfg = config(c.pools, [], c.loadBalancerClass ? { loadBalancerClass: c.loadBalancerClass } : {});
      const plan = planCluster(
        cfg,
        snapshot({
          services: c.services,
          namespaces: (c.namespaces ?? []).map((n) => namespace(n.name, n.labels)),
        }),
      );
      for (const [name, want] of Object.entries(c.expect)) {
        const [ns, svc] = name.includes('/') ? name.split('/') : ['default', name];
        const alloc = allocationOf(plan, svc as string, ns);
        if (want === 'absent') {
          expect(alloc, name).to.equal(undefined);
        } else if (Array.isArray(want)) {
          expect(alloc?.ips, name).to.deep.equal(want);
          expect(alloc?.failure, name).to.equal(undefined);
        } else {
          expect(alloc?.ips, name).to.deep.equal([]);
          expect(alloc?.failure?.reason, `${name}: ${alloc?.failure?.message}`).to.equal(want);
          expect(alloc?.failure?.message, name).to.be.a('string').and.not.equal('');
        }
      }
      for (const [name, pools] of Object.entries(c.pools_ ?? {})) {
        expect(allocationOf(plan, name)?.pools, name).to.deep.equal(pools);
      }
    });
  }

  it('MetalLB serviceAllocation: namespaceSelectors use the namespace labels', () => {
    const cfg = config([
      v4('general', ['10.0.0.0/24']),
      v4('prod', ['10.0.7.0/24'], {
        serviceAllocation: {
          priority: 0,
          namespaces: [],
          namespaceSelectors: [selector({ env: 'prod' })],
          serviceSelectors: [],
        },
      }),
    ]);
    const plan = planCluster(
      cfg,
      snapshot({
        services: [service('a', { namespace: 'shop' }), service('b', { namespace: 'dev' })],
        namespaces: [namespace('shop', { env: 'prod' }), namespace('dev', { env: 'dev' })],
      }),
    );
    expect(ipsOf(plan, 'a', 'shop')).to.deep.equal(['10.0.7.0']);
    expect(ipsOf(plan, 'b', 'dev')).to.deep.equal(['10.0.0.0']);
  });

  it('a dropped existing address is reported with its reason', () => {
    const plan = planCluster(
      config([v4('a')]),
      snapshot({ services: [service('s', { statusIngress: ['10.5.0.1'] })] }),
    );
    expect(plan.issues).to.deep.equal([
      { service: 'default/s', message: '10.5.0.1 released: 10.5.0.1 is not in any address pool' },
    ]);
  });

  it('a failed explicit request carries a message fit for a Kubernetes Event', () => {
    const plan = planCluster(
      config([v4('a')]),
      snapshot({ services: [service('s', { loadBalancerIP: '192.0.2.1' })] }),
    );
    expect(allocationOf(plan, 's')?.failure).to.deep.equal({
      reason: 'requested-ip-not-in-pool',
      message: '192.0.2.1 is not in any address pool',
    });
  });
});
