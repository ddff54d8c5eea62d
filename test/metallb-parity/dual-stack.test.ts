/**
 * MetalLB's PreferDualStack pool choice, internal/allocator/allocator.go findBestPoolForService,
 * which MetalLB's own tests do not cover pool by pool: among the pinned pools (by priority), and
 * failing those among the pools without serviceAllocation, the first pool with free addresses of
 * both families wins; else the first with the service's primary family; else the other family.
 */
import { expect } from 'chai';
import type { AddressPool, ServiceAllocationRules } from '../../src/config/model.js';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { config, pool, service, snapshot } from '../sync/builders.js';
import { allocationTable, type AllocationRow } from '../parity/support.js';

const pinned = (priority: number): { serviceAllocation: ServiceAllocationRules } => ({
  serviceAllocation: { priority, namespaces: [], namespaceSelectors: [], serviceSelectors: [] },
});
const prefer = (ipFamilies: Array<4 | 6>): Partial<ServiceInfo> => ({
  ipFamilyPolicy: 'PreferDualStack',
  ipFamilies,
});

interface Row {
  rule: string;
  pools: AddressPool[];
  service: Partial<ServiceInfo>;
  expect: AllocationRow;
}

const rows: Row[] = [
  {
    rule: 'a pool with both families beats a single-family pool listed before it',
    pools: [pool('v4', ['10.0.4.0/24']), pool('dual', ['10.0.0.0/24', '2001:db8::/64'])],
    service: prefer([4, 6]),
    expect: ['10.0.0.0@dual', '2001:db8::@dual'],
  },
  {
    rule: 'across serviceAllocation priorities too: a dual pool of priority 20 beats a v4 pool of priority 10',
    pools: [
      pool('v4', ['10.0.4.0/24'], pinned(10)),
      pool('dual', ['10.0.0.0/24', '2001:db8::/64'], pinned(20)),
    ],
    service: prefer([4, 6]),
    expect: ['10.0.0.0@dual', '2001:db8::@dual'],
  },
  {
    rule: 'a single-family pinned pool still beats a dual pool without serviceAllocation',
    pools: [pool('dual', ['10.0.0.0/24', '2001:db8::/64']), pool('v4', ['10.0.4.0/24'], pinned(10))],
    service: prefer([4, 6]),
    expect: ['10.0.4.0@v4'],
  },
  {
    rule: 'no dual pool: an IPv6-primary service takes the IPv6 pool, even listed last',
    pools: [pool('v4', ['10.0.4.0/24']), pool('v6', ['2001:db8:6::/64'])],
    service: prefer([6, 4]),
    expect: ['2001:db8:6::@v6'],
  },
  {
    rule: 'no dual pool: an IPv4-primary service takes the IPv4 pool, even listed last',
    pools: [pool('v6', ['2001:db8:6::/64']), pool('v4', ['10.0.4.0/24'])],
    service: prefer([4, 6]),
    expect: ['10.0.4.0@v4'],
  },
];

/**
 * convergeBalancer (controller/service.go) Assigns the status addresses as one allocation; the
 * allocator refuses addresses of two pools, so such a status is cleared and allocated again.
 */
describe('MetalLB parity: a status with addresses of two pools (controller/service.go convergeBalancer)', () => {
  it('is released whole and the service is allocated again from one pool', () => {
    const pools = [
      pool('v4', ['10.0.4.0/24']),
      pool('v6', ['2001:db8:6::/64']),
      pool('dual', ['10.0.0.0/24', '2001:db8::/64']),
    ];
    const s = service('s', {
      ipFamilyPolicy: 'RequireDualStack',
      ipFamilies: [4, 6],
      statusIngress: ['10.0.4.7', '2001:db8:6::7'],
    });
    const plan = planCluster(config(pools), snapshot({ services: [s] }));
    expect(allocationTable(plan)['default/s']).to.deep.equal(['10.0.0.0@dual', '2001:db8::@dual']);
    expect(plan.issues.map((i) => i.message)).to.deep.equal([
      "10.0.4.7 released: the service's addresses are not in one address pool",
      "2001:db8:6::7 released: the service's addresses are not in one address pool",
    ]);
  });
});

describe('MetalLB parity: PreferDualStack pool choice (allocator.go findBestPoolForService)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const plan = planCluster(config(row.pools), snapshot({ services: [service('s', row.service)] }));
      expect(allocationTable(plan)['default/s']).to.deep.equal(row.expect);
    });
  }
});
