/**
 * MetalLB parity: internal/allocator/allocator_test.go replayed through our planner (see
 * replay.ts). Each MetalLB case must come out as MetalLB expects: an error where it wants one, an
 * address from its valid set otherwise, and no other service losing an address. Cases where we
 * deliberately differ are listed in `differences` with the row of docs/migrating-from-metallb.md
 * that explains them, and assert our behaviour instead.
 */
import { expect } from 'chai';
import type { AddressPool } from '../../src/config/model.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { allocation, config, pool, selector, service, snapshot } from '../sync/builders.js';
import * as cases from './allocator-cases.js';
import { replay, type AllocatorStep } from './replay.js';

interface Suite {
  test: keyof typeof cases;
  pools: AddressPool[];
  /** MetalLB's validIP4s/validIP6s/validIPDualStacks: any address a successful case may get. */
  valid?: string[];
}

const suites: Suite[] = [
  {
    test: 'TestAssignment',
    pools: [
      pool('test', ['1.2.3.4/31', '1000::4/127']),
      pool('test2', ['1.2.4.0/24', '1000::4:0/120'], { avoidBuggyIps: true }),
      pool('test3', ['1.2.5.0/24', '1000::5:0/120'], {
        avoidBuggyIps: true,
        serviceAllocation: allocation({ namespaces: ['test-ns1'] }),
      }),
      pool('test4', ['1.2.6.0/24', '1000::6:0/120'], {
        avoidBuggyIps: true,
        serviceAllocation: allocation({ serviceSelectors: [selector({ team: 'metallb' })] }),
      }),
      pool('test5', ['1.2.7.0/24', '1000::7:0/120'], {
        avoidBuggyIps: true,
        serviceAllocation: allocation({
          priority: 20,
          namespaces: ['test-ns1'],
          serviceSelectors: [selector({ team: 'metallb' })],
        }),
      }),
      pool('test6', ['1.2.8.0/24', '1000::9:0/120'], {
        avoidBuggyIps: true,
        serviceAllocation: allocation({
          priority: 20,
          namespaces: ['test-ns2'],
          serviceSelectors: [selector({ foo: 'bar' })],
        }),
      }),
    ],
  },
  {
    test: 'TestPoolAllocation',
    pools: [
      pool('not_this_one', ['192.168.0.0/16', 'fc00::1:0/112']),
      pool('test', ['1.2.3.4/31', '1.2.3.10/31', '1000::/127', '2000::/127']),
      pool('test2', ['10.20.30.0/24', 'fc00::2:0/120']),
      pool('test-v4', ['1.2.3.4/31', '1.2.3.10/31']),
      pool('test-v6', ['1000::/127', '2000::/127']),
      pool('test-dualstack', ['1.2.3.4/31', '1.2.3.10/31', '1000::/127', '2000::/127']),
    ],
    valid: ['1.2.3.4', '1.2.3.5', '1.2.3.10', '1.2.3.11', '1000::', '1000::1', '2000::', '2000::1'],
  },
  {
    test: 'TestAllocation',
    pools: [pool('test1', ['1.2.3.4/31', '1000::4/127']), pool('test2', ['1.2.3.10/31', '1000::10/127'])],
    valid: ['1.2.3.4', '1.2.3.5', '1.2.3.10', '1.2.3.11', '1000::4', '1000::5', '1000::10', '1000::11'],
  },
  {
    test: 'TestAutoAssign',
    pools: [
      pool('test1', ['1.2.3.4/31', '1000::4/127'], { autoAssign: false }),
      pool('test2', ['1.2.3.10/31', '1000::10/127']),
    ],
    valid: ['1.2.3.10', '1.2.3.11', '1000::10', '1000::11'],
  },
  {
    test: 'TestBuggyIPs',
    pools: [
      pool('test', ['1.2.3.0/31']),
      pool('test2', ['1.2.3.254/31']),
      pool('test3', ['1.2.4.0/31'], { avoidBuggyIps: true }),
      pool('test4', ['1.2.4.254/31'], { avoidBuggyIps: true }),
    ],
    valid: ['1.2.3.0', '1.2.3.1', '1.2.3.254', '1.2.3.255', '1.2.4.1', '1.2.4.254'],
  },
];

/**
 * Cases whose outcome we deliberately make different, by `Test/desc`: what we do instead and the
 * docs/migrating-from-metallb.md row that says why.
 */
const differences: Record<string, { ok: boolean; doc: string }> = {};

function check(suite: Suite, step: AllocatorStep, outcome: ReturnType<typeof replay>[number]): void {
  if (outcome === undefined) return;
  expect(outcome.disturbed, 'services that lost an address').to.deep.equal([]);
  const difference = differences[`${suite.test}/${step.desc}`];
  const wantOk = difference ? difference.ok : !step.wantErr;
  expect(outcome.ok, outcome.ok ? `got ${outcome.ips.join(', ')}` : 'refused').to.equal(wantOk);
  if (!outcome.ok) return;
  if (step.ips !== undefined) expect(outcome.ips).to.have.members(step.ips);
  if (suite.valid) expect(suite.valid).to.include.members(outcome.ips);
}

describe('MetalLB parity: internal/allocator/allocator_test.go', () => {
  for (const suite of suites) {
    describe(suite.test, () => {
      const steps = cases[suite.test];
      const outcomes = replay(suite.pools, steps);
      steps.forEach((step, i) => {
        if (step.unassign || step.ips?.length === 0) return;
        const difference = differences[`${suite.test}/${step.desc}`];
        const name = difference ? `${step.desc} [differs: ${difference.doc}]` : step.desc;
        it(name, () => {
          check(suite, step, outcomes[i]);
        });
      });
    });
  }
});

/**
 * TestConfigReload: s1 holds 1.2.3.0 and s2 1000:: from pool `test`, then the pools change. The
 * pool MetalLB's allocator keeps each in ("" = the allocation is dropped) is the pool our plan
 * keeps that address in; an address we release is "", whatever the service gets instead.
 */
describe('MetalLB parity: internal/allocator/allocator_test.go TestConfigReload', () => {
  const rows: Array<{ desc: string; pools: AddressPool[]; poolS1: string; poolS2: string }> = [
    {
      desc: 'set same config is no-op',
      pools: [pool('test', ['1.2.3.0/30', '1000::/126'])],
      poolS1: 'test',
      poolS2: 'test',
    },
    {
      desc: 'expand pool',
      pools: [pool('test', ['1.2.3.0/24', '1000::/120'])],
      poolS1: 'test',
      poolS2: 'test',
    },
    {
      desc: 'shrink pool',
      pools: [pool('test', ['1.2.3.0/30', '1000::/126'])],
      poolS1: 'test',
      poolS2: 'test',
    },
    {
      desc: "can't shrink further, removing the service allocation",
      pools: [pool('test', ['1.2.3.2/31', '1000::0/126'])],
      poolS1: '',
      poolS2: 'test',
    },
    {
      desc: "can't shrink further ipv6, removing the service allocation",
      pools: [pool('test', ['1.2.3.0/30', '1000::2/127'])],
      poolS1: 'test',
      poolS2: '',
    },
    {
      desc: 'rename the pool',
      pools: [pool('test2', ['1.2.3.0/30', '1000::0/126'])],
      poolS1: 'test2',
      poolS2: 'test2',
    },
    {
      desc: 'split pool',
      pools: [pool('test', ['1.2.3.0/31', '1000::2/127']), pool('test2', ['1.2.3.2/31', '1000::/127'])],
      poolS1: 'test',
      poolS2: 'test2',
    },
    {
      desc: 'enable buggy IPs not allowed',
      pools: [pool('test2', ['1.2.3.0/31', '1000::/127'], { avoidBuggyIps: true })],
      poolS1: '',
      poolS2: 'test2',
    },
  ];
  for (const row of rows) {
    it(row.desc, () => {
      const services = [
        service('s1', { statusIngress: ['1.2.3.0'], ports: [] }),
        service('s2', { ipFamilies: [6], statusIngress: ['1000::'], ports: [] }),
      ];
      const plan = planCluster(config(row.pools), snapshot({ services }));
      const poolOf = (name: string, ip: string): string => {
        const a = plan.allocations.find((x) => x.service === `default/${name}`);
        const i = a?.ips.indexOf(ip) ?? -1;
        return a && i >= 0 ? (a.pools[i] as string) : '';
      };
      expect([poolOf('s1', '1.2.3.0'), poolOf('s2', '1000::')]).to.deep.equal([row.poolS1, row.poolS2]);
    });
  }
});
