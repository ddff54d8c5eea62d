/**
 * Status a user can see: per-pool counts as MetalLB's IPAddressPool status (assignedIPv4,
 * availableIPv4, ... from internal/allocator poolCount and the per-family in-use sets), and per
 * service which peer carries it and whether the router was found to have it.
 */
import { expect } from 'chai';
import { readCheckDir } from '../../src/app/check/check-dir.js';
import { verifyCluster } from '../../src/app/check/outcome.js';
import type { AddressPool } from '../../src/config/model.js';
import type { ServiceAllocation } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { allVerified, poolStatuses, serviceStatuses } from '../../src/sync/status/index.js';
import { observedFromRecords } from '../../src/sync/verify/from-records.js';
import { pool } from '../sync/builders.js';

const fixtures = new URL('../../fixtures/check/', import.meta.url).pathname;

interface PoolRow {
  rule: string;
  pool: AddressPool;
  allocations: ServiceAllocation[];
  expect: [assigned4: string, available4: string, assigned6: string, available6: string];
}

const held = (service: string, ips: string[], poolName: string): ServiceAllocation => ({
  service,
  ips,
  pools: ips.map(() => poolName),
});

const poolRows: PoolRow[] = [
  {
    rule: 'a /24 has 256 addresses; each assigned one is no longer available',
    pool: pool('p', ['10.0.0.0/24']),
    allocations: [held('a/x', ['10.0.0.0'], 'p'), held('a/y', ['10.0.0.1'], 'p')],
    expect: ['2', '254', '0', '0'],
  },
  {
    rule: 'avoidBuggyIps: .0 and .255 are not usable, so not counted (poolCount)',
    pool: pool('p', ['10.0.0.0/23', '10.0.2.250-10.0.3.5'], { avoidBuggyIps: true }),
    allocations: [],
    expect: ['0', String(512 - 4 + 12 - 2), '0', '0'],
  },
  {
    rule: 'an address shared with allow-shared-ip counts once',
    pool: pool('p', ['10.0.0.0/30']),
    allocations: [held('a/x', ['10.0.0.0'], 'p'), held('a/y', ['10.0.0.0'], 'p')],
    expect: ['1', '3', '0', '0'],
  },
  {
    rule: 'counts are per family; a dual-stack service takes one of each',
    pool: pool('p', ['10.0.0.0/30', '2001:db8::/126']),
    allocations: [held('a/x', ['10.0.0.0', '2001:db8::'], 'p')],
    expect: ['1', '3', '1', '3'],
  },
  {
    rule: 'an IPv6 /64 is counted exactly (2^64), as a decimal string',
    pool: pool('p', ['2001:db8::/64']),
    allocations: [held('a/x', ['2001:db8::'], 'p')],
    expect: ['0', '0', '1', '18446744073709551615'],
  },
  {
    rule: 'addresses of another pool are not counted here',
    pool: pool('p', ['10.0.0.0/30']),
    allocations: [held('a/x', ['10.0.1.0'], 'q')],
    expect: ['0', '4', '0', '0'],
  },
];

describe('parity with MetalLB: status a user can see', () => {
  for (const row of poolRows) {
    it(`MetalLB IPAddressPool status: ${row.rule}`, () => {
      const [status] = poolStatuses([row.pool], row.allocations);
      expect(status).to.deep.equal({
        pool: row.pool.name,
        assignedIPv4: row.expect[0],
        availableIPv4: row.expect[1],
        assignedIPv6: row.expect[2],
        availableIPv6: row.expect[3],
      });
    });
  }

  const serviceRows: Array<{ dir: string; expect: Record<string, [string, string, boolean | undefined]> }> = [
    {
      dir: 'in-sync-frr-text',
      expect: {
        'default/nginx': ['peer-192.168.200.1', '192.168.197.0/32', true],
        'default/test-service': ['peer-192.168.200.1', '192.168.197.1/32', true],
        'default/test-service-2': ['peer-192.168.200.1', '192.168.197.2/32', true],
        'default/test-service-3': ['peer-192.168.200.1', '192.168.197.254/32', true],
      },
    },
    {
      dir: 'route-missing-frr-text',
      expect: {
        'default/nginx': ['peer-192.168.200.1', '192.168.197.0/32', true],
        'default/test-service': ['peer-192.168.200.1', '192.168.197.1/32', false],
        'default/test-service-3': ['peer-192.168.200.1', '192.168.197.254/32', true],
      },
    },
  ];
  for (const row of serviceRows) {
    it(`per service: carried by which peer and verified on the router (${row.dir})`, async () => {
      const inputs = await readCheckDir(fixtures + row.dir);
      const verification = verifyCluster(inputs.config, inputs.snapshot, observedFromRecords(inputs.records));
      const statuses = serviceStatuses(planCluster(inputs.config, inputs.snapshot), verification);
      const table: Record<string, [string, string, boolean | undefined]> = {};
      for (const s of statuses) {
        for (const r of s.carriedBy) table[s.service] = [r.peer, r.prefix, r.verified];
        if (s.carriedBy.length > 0) expect(allVerified(s)).to.equal(table[s.service]?.[2]);
      }
      expect(table).to.deep.equal(row.expect);
    });
  }

  it('per service: without a verification the routes are listed with verified unknown', async () => {
    const inputs = await readCheckDir(fixtures + 'in-sync-frr-text');
    const [first] = serviceStatuses(planCluster(inputs.config, inputs.snapshot));
    expect(first?.carriedBy).to.deep.equal([
      {
        peer: 'peer-192.168.200.1',
        peerAddress: '192.168.200.1',
        prefix: '192.168.197.0/32',
        nextHops: first?.carriedBy[0]?.nextHops,
      },
    ]);
    expect(first?.carriedBy[0]?.nextHops).to.have.length.greaterThan(0);
    expect(first && allVerified(first)).to.equal(undefined);
  });

  it('per service: an allocation failure and advertisement issues are listed as problems', () => {
    const statuses = serviceStatuses({
      allocations: [
        {
          service: 'a/x',
          ips: [],
          pools: [],
          failure: { reason: 'pool-exhausted', message: 'no free IPv4 address in pool p' },
        },
        { service: 'a/y', ips: ['10.0.0.1'], pools: ['p'] },
      ],
      peers: [],
      issues: [
        { service: 'a/y', message: '10.0.0.1 is not announced: the service has no ready IPv4 endpoint' },
      ],
    });
    expect(statuses.map((s) => [s.service, s.problems])).to.deep.equal([
      ['a/x', ['no free IPv4 address in pool p']],
      ['a/y', ['10.0.0.1 is not announced: the service has no ready IPv4 endpoint']],
    ]);
  });
});
