/**
 * MetalLB's pool selection (internal/allocator Allocate/AllocateFromPool/pinnedPoolsForService,
 * internal/config addressPoolServiceAllocationsFromCR, controller/service.go allocateIPs), one
 * table row per rule. Each row's name cites the rule it checks.
 */
import { expect } from 'chai';
import type { AddressPool } from '../../src/config/model.js';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { allocation, config, namespace, pool, selector, service, snapshot } from '../sync/builders.js';
import { allocationTable, type AllocationRow } from './support.js';

const at = (minute: number): string => `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`;

interface Row {
  rule: string;
  pools: AddressPool[];
  services: ServiceInfo[];
  namespaces?: Array<{ name: string; labels: Record<string, string> }>;
  loadBalancerClass?: string;
  expect: Record<string, AllocationRow>;
}

const rows: Row[] = [
  {
    rule: 'loadBalancerClass unset: only services without a class are handled',
    pools: [pool('p', ['10.0.0.0/24'])],
    services: [
      service('plain'),
      service('empty', { loadBalancerClass: '' }),
      service('other', { loadBalancerClass: 'x.io/lb' }),
    ],
    expect: { 'default/empty': ['10.0.0.0@p'], 'default/plain': ['10.0.0.1@p'] },
  },
  {
    rule: 'loadBalancerClass set: only services of exactly that class, never unclassed or another class',
    pools: [pool('p', ['10.0.0.0/24'])],
    loadBalancerClass: 'crs.io/bgp',
    services: [
      service('plain'),
      service('other', { loadBalancerClass: 'x.io/lb' }),
      service('mine', { loadBalancerClass: 'crs.io/bgp' }),
    ],
    expect: { 'default/mine': ['10.0.0.0@p'] },
  },
  {
    rule: 'serviceAllocation.priority: lower wins among pinned pools, 0 sorts last',
    pools: [
      pool('zero', ['10.0.0.0/24'], { serviceAllocation: allocation({ namespaces: ['team'] }) }),
      pool('p20', ['10.0.20.0/24'], {
        serviceAllocation: allocation({ priority: 20, namespaces: ['team'] }),
      }),
      pool('p10', ['10.0.10.0/24'], {
        serviceAllocation: allocation({ priority: 10, namespaces: ['team'] }),
      }),
    ],
    services: [service('s', { namespace: 'team' })],
    expect: { 'team/s': ['10.0.10.0@p10'] },
  },
  {
    rule: 'pinned pools are tried before pools without serviceAllocation, whatever the config order',
    pools: [
      pool('general', ['10.0.0.0/24']),
      pool('team', ['10.0.7.0/24'], { serviceAllocation: allocation({ namespaces: ['team'] }) }),
    ],
    services: [service('s', { namespace: 'team' }), service('d')],
    expect: { 'default/d': ['10.0.0.0@general'], 'team/s': ['10.0.7.0@team'] },
  },
  {
    rule: 'a serviceAllocation with only a priority selects every service and is pinned (addressPoolServiceAllocationsFromCR)',
    pools: [
      pool('team', ['10.0.7.0/24'], {
        serviceAllocation: allocation({ priority: 20, namespaces: ['team'] }),
      }),
      pool('prio', ['10.0.5.0/24'], { serviceAllocation: allocation({ priority: 10 }) }),
      pool('general', ['10.0.0.0/24']),
    ],
    services: [service('s', { namespace: 'team' }), service('d')],
    expect: { 'default/d': ['10.0.5.0@prio'], 'team/s': ['10.0.5.1@prio'] },
  },
  {
    rule: 'a full pinned pool falls back to the pools without serviceAllocation',
    pools: [
      pool('team', ['10.0.7.0/32'], { serviceAllocation: allocation({ namespaces: ['team'] }) }),
      pool('general', ['10.0.0.0/24']),
    ],
    services: [
      service('a', { namespace: 'team', creationTimestamp: at(1) }),
      service('b', { namespace: 'team', creationTimestamp: at(2) }),
    ],
    expect: { 'team/a': ['10.0.7.0@team'], 'team/b': ['10.0.0.0@general'] },
  },
  {
    rule: 'serviceAllocation.namespaces and namespaceSelectors: a pool serves the namespaces either one names',
    pools: [
      pool('tenants', ['10.0.7.0/24'], {
        serviceAllocation: allocation({
          namespaces: ['blue'],
          namespaceSelectors: [selector({ tenant: 'yes' })],
        }),
      }),
      pool('general', ['10.0.0.0/24']),
    ],
    namespaces: [
      namespace('blue'),
      namespace('green', { tenant: 'yes' }),
      namespace('red', { tenant: 'no' }),
    ],
    services: [
      service('s', { namespace: 'blue' }),
      service('s', { namespace: 'green' }),
      service('s', { namespace: 'red' }),
    ],
    expect: {
      'blue/s': ['10.0.7.0@tenants'],
      'green/s': ['10.0.7.1@tenants'],
      'red/s': ['10.0.0.0@general'],
    },
  },
  {
    rule: 'serviceAllocation namespaces and serviceSelectors together: both must match (isPoolCompatibleWithService)',
    pools: [
      pool('edge', ['10.0.7.0/24'], {
        serviceAllocation: allocation({
          namespaces: ['team'],
          serviceSelectors: [selector({ tier: 'edge' })],
        }),
      }),
      pool('general', ['10.0.0.0/24']),
    ],
    services: [
      service('tagged', { namespace: 'team', labels: { tier: 'edge' } }),
      service('untagged', { namespace: 'team' }),
      service('elsewhere', { labels: { tier: 'edge' } }),
    ],
    expect: {
      'default/elsewhere': ['10.0.0.0@general'],
      'team/tagged': ['10.0.7.0@edge'],
      'team/untagged': ['10.0.0.1@general'],
    },
  },
  {
    rule: 'autoAssign false: a pinned pool is not auto-assigned either',
    pools: [
      pool('manual', ['10.0.7.0/24'], {
        autoAssign: false,
        serviceAllocation: allocation({ namespaces: ['team'] }),
      }),
      pool('general', ['10.0.0.0/24']),
    ],
    services: [service('s', { namespace: 'team' })],
    expect: { 'team/s': ['10.0.0.0@general'] },
  },
  {
    rule: 'address-pool annotation: the named pool must still be compatible with the service (Assign)',
    pools: [
      pool('team', ['10.0.7.0/24'], { serviceAllocation: allocation({ namespaces: ['team'] }) }),
      pool('general', ['10.0.0.0/24']),
    ],
    services: [
      service('in', { namespace: 'team', annotations: { 'metallb.io/address-pool': 'team' } }),
      service('out', { annotations: { 'metallb.io/address-pool': 'team' } }),
    ],
    expect: { 'default/out': 'failed: no-pool', 'team/in': ['10.0.7.0@team'] },
  },
  {
    rule: 'address-pool annotation with autoAssign false: the named pool still hands out addresses',
    pools: [pool('manual', ['10.0.7.0/24'], { autoAssign: false }), pool('general', ['10.0.0.0/24'])],
    services: [service('s', { annotations: { 'metallb.universe.tf/address-pool': 'manual' } })],
    expect: { 'default/s': ['10.0.7.0@manual'] },
  },
];

describe('parity with MetalLB: loadBalancerClass and IPAddressPool.spec.serviceAllocation', () => {
  for (const row of rows) {
    it(`MetalLB rule: ${row.rule}`, () => {
      const cfg = config(
        row.pools,
        [],
        row.loadBalancerClass === undefined ? {} : { loadBalancerClass: row.loadBalancerClass },
      );
      const plan = planCluster(
        cfg,
        snapshot({
          services: row.services,
          namespaces: (row.namespaces ?? []).map((n) => namespace(n.name, n.labels)),
        }),
      );
      expect(allocationTable(plan)).to.deep.equal(row.expect);
    });
  }

  it('MetalLB rule: the address-pool annotation naming a pool that excludes the service says why', () => {
    const plan = planCluster(
      config([pool('team', ['10.0.7.0/24'], { serviceAllocation: allocation({ namespaces: ['team'] }) })]),
      snapshot({ services: [service('out', { annotations: { 'metallb.io/address-pool': 'team' } })] }),
    );
    expect(plan.allocations[0]?.failure?.message).to.equal(
      'address pool team named by the address-pool annotation does not serve default/out (its serviceAllocation excludes it)',
    );
  });
});

describe('parity with MetalLB: address families (ipfamily.ForService)', () => {
  const dual = pool('dual', ['10.0.0.0/24', '2001:db8::/120']);
  const rows: Array<{ rule: string; service: ServiceInfo; expect: AllocationRow }> = [
    {
      rule: 'PreferDualStack with two families (a dual-stack cluster): one address of each',
      service: service('s', { ipFamilies: [4, 6], ipFamilyPolicy: 'PreferDualStack' }),
      expect: ['10.0.0.0@dual', '2001:db8::@dual'],
    },
    {
      rule: 'PreferDualStack with one family (a single-stack cluster): only that family',
      service: service('s', { ipFamilies: [4], ipFamilyPolicy: 'PreferDualStack' }),
      expect: ['10.0.0.0@dual'],
    },
    {
      rule: 'SingleStack IPv6: only IPv6',
      service: service('s', { ipFamilies: [6], ipFamilyPolicy: 'SingleStack' }),
      expect: ['2001:db8::@dual'],
    },
    {
      rule: 'RequireDualStack: both families',
      service: service('s', { ipFamilies: [6, 4], ipFamilyPolicy: 'RequireDualStack' }),
      expect: ['10.0.0.0@dual', '2001:db8::@dual'],
    },
  ];
  for (const row of rows) {
    it(`MetalLB rule: ${row.rule}`, () => {
      const plan = planCluster(config([dual]), snapshot({ services: [row.service] }));
      expect(allocationTable(plan)).to.deep.equal({ 'default/s': row.expect });
    });
  }
});
