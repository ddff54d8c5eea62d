/**
 * MetalLB parity: controller/controller_test.go. TestControllerMutation's cases are independent
 * (MetalLB runs them shuffled, "equivalent to a pure function"), so each is one plan of one
 * service over MetalLB's twelve pools. The service must end with MetalLB's status addresses, and
 * must fail (MetalLB: a warning event) exactly where MetalLB warns.
 */
import { expect } from 'chai';
import type { AddressPool } from '../../src/config/model.js';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { allocation, config, pool, selector, service, snapshot } from '../sync/builders.js';
import { TestControllerMutation, type MutationCase, type MutationService } from './controller-cases.js';

const team = [selector({ team: 'metallb' })];

const mutationPools: AddressPool[] = [
  pool('pool1', ['1.2.3.0/31']),
  pool('pool2', ['3.4.5.6/32'], { autoAssign: false }),
  pool('pool3', ['1000::/127']),
  pool('pool4', ['2000::1/128'], { autoAssign: false }),
  pool('pool5', ['1.2.3.0/31', '1000::/127']),
  pool('pool6', ['7.8.9.0/31'], {
    serviceAllocation: allocation({ namespaces: ['test-ns1'], priority: 10 }),
  }),
  pool('pool7', ['10.11.12.0/31'], {
    serviceAllocation: allocation({ namespaces: ['test-ns1'], priority: 11 }),
  }),
  pool('pool8', ['13.14.15.0/31'], {
    serviceAllocation: allocation({ serviceSelectors: team, priority: 9 }),
  }),
  pool('pool9', ['16.17.18.0/31'], { serviceAllocation: allocation({ namespaces: ['test-ns2'] }) }),
  pool('pool10', ['19.20.21.0/31'], {
    serviceAllocation: allocation({ serviceSelectors: team, priority: 8 }),
  }),
  pool('pool11', ['22.23.24.0/31'], {
    serviceAllocation: allocation({ namespaces: ['test-ns1'], serviceSelectors: team, priority: 8 }),
  }),
  pool('pool12', ['25.26.27.0/31'], {
    serviceAllocation: allocation({ namespaces: ['test-ns1'], serviceSelectors: team, priority: 5 }),
  }),
];

/**
 * Cases where we deliberately differ, by MetalLB's desc: what we do instead (`want`, `wantErr`)
 * and the docs/migrating-from-metallb.md row that says why.
 */
const differences: Record<string, { want: string[]; wantErr: boolean; doc: string }> = {
  'No ClusterIP': { want: ['1.2.3.0'], wantErr: false, doc: 'Service without ClusterIPs' },
  'request IPs from dualstack pool with RequireDualStack policy but single stack clusterip': {
    want: ['1.2.3.0', '1000::'],
    wantErr: false,
    doc: 'ipFamilyPolicy and ClusterIPs disagree',
  },
  'request specific loadbalancer IP with dual-stack': {
    want: ['1.2.3.1'],
    wantErr: false,
    doc: 'ipFamilyPolicy and ClusterIPs disagree',
  },
  'request specific loadbalancer IPv4 address via custom annotation for dual-stack config': {
    want: ['1.2.3.1'],
    wantErr: false,
    doc: 'ipFamilyPolicy and ClusterIPs disagree',
  },
};

/** MetalLB's ClusterIPs give the service's families; a status hostname is not an address. */
function asService(s: MutationService): ServiceInfo {
  const families = (s.clusterIPs ?? []).map((ip): 4 | 6 => (ip.includes(':') ? 6 : 4));
  return service('test', {
    namespace: s.namespace ?? 'default',
    type: s.type,
    ipFamilies: families.length > 0 ? families : [4],
    ipFamilyPolicy: s.policy ?? 'SingleStack',
    loadBalancerIP: s.loadBalancerIP,
    labels: s.labels ?? {},
    annotations: s.annotations ?? {},
    statusIngress: s.status ?? [],
    externalTrafficPolicy: s.etp ?? 'Cluster',
  });
}

/**
 * MetalLB warns (Errorf) when it cannot allocate, and when it finds a status no service could
 * have had (ipfamily.ForAddressesIPs fails); its other status clean-ups are informational.
 */
function warned(plan: Plan): boolean {
  const failed = plan.allocations.some((a) => a.failure !== undefined);
  const unfit = plan.issues.some((i) => i.message.includes('released: status.loadBalancer.ingress has'));
  return failed || unfit;
}

function run(c: MutationCase): { ips: string[]; warned: boolean } {
  const services = c.in ? [asService(c.in)] : [];
  const plan = planCluster(config(mutationPools), snapshot({ services }));
  return { ips: plan.allocations[0]?.ips ?? [], warned: warned(plan) };
}

describe('MetalLB parity: controller/controller_test.go', () => {
  describe('TestControllerMutation', () => {
    for (const c of TestControllerMutation) {
      const difference = differences[c.desc];
      it(difference ? `${c.desc} [differs: ${difference.doc}]` : c.desc, () => {
        const got = run(c);
        const want = difference ?? { want: c.want ?? [], wantErr: c.wantErr ?? false };
        expect(got.ips, 'status addresses').to.have.members(want.want);
        expect(got.warned, 'warning').to.equal(want.wantErr);
      });
    }
  });
});

/**
 * controller_test.go's stateful tests, step by step: each step is one plan of what the cluster
 * then shows (status written back by the step before).
 */
describe('MetalLB parity: controller/controller_test.go, stateful tests', () => {
  const lb = (name: string, statusIngress: string[] = []): ServiceInfo =>
    service(name, { ipFamilies: [4], statusIngress });
  const planOf = (pools: AddressPool[], services: ServiceInfo[]) =>
    planCluster(config(pools), snapshot({ services }));
  const ipsOf = (plan: Plan, name: string): string[] =>
    plan.allocations.find((a) => a.service === `default/${name}`)?.ips ?? [];

  it('TestDeleteRecyclesIP: the second service waits with a warning, then gets the deleted one’s IP', () => {
    const pools = [pool('default', ['1.2.3.0/32'])];
    expect(ipsOf(planOf(pools, [lb('test')]), 'test')).to.deep.equal(['1.2.3.0']);
    const full = planOf(pools, [lb('test', ['1.2.3.0']), lb('test2')]);
    expect([ipsOf(full, 'test2'), warned(full)]).to.deep.equal([[], true]);
    expect(ipsOf(planOf(pools, [lb('test2')]), 'test2')).to.deep.equal(['1.2.3.0']);
  });

  it('TestControllerConfig: a service gets an address once a pool exists, and loses it when the pool goes', () => {
    // MetalLB's steps before its config is synced have no counterpart: we never plan without one.
    const pools = [pool('default', ['1.2.3.0/24'])];
    expect(ipsOf(planOf(pools, [lb('test')]), 'test')).to.deep.equal(['1.2.3.0']);
    expect(ipsOf(planOf([], [lb('test', ['1.2.3.0'])]), 'test')).to.deep.equal([]);
  });

  it('TestControllerDualStackConfig: a RequireDualStack service gets one address of each family', () => {
    const dual = service('test', { ipFamilies: [4, 6], ipFamilyPolicy: 'RequireDualStack' });
    const plan = planOf([pool('default', ['1.2.3.0/24', '1000::1/127'])], [dual]);
    expect(ipsOf(plan, 'test')).to.deep.equal(['1.2.3.0', '1000::']);
  });

  it('TestControllerReassign: a new pool leaves the allocation alone; deleting its pool moves it', () => {
    const first = pool('default', ['1.2.3.0/24', '1000::1/127']);
    const second = pool('second', ['4.5.6.0/24']);
    expect(ipsOf(planOf([first], [lb('test')]), 'test')).to.deep.equal(['1.2.3.0']);
    expect(ipsOf(planOf([first, second], [lb('test', ['1.2.3.0'])]), 'test')).to.deep.equal(['1.2.3.0']);
    expect(ipsOf(planOf([second], [lb('test', ['1.2.3.0'])]), 'test')).to.deep.equal(['4.5.6.0']);
  });
});
