/**
 * Migration from MetalLB 0.14: the CRD set and cluster in fixtures/migration, read through the
 * real manifests source and config loader and planned by the real planner, give the assignments
 * and announcements MetalLB's rules give. The expected tables are worked out by hand from those
 * rules (each row says which one decides it).
 */
import { expect } from 'chai';
import { loadConfigDocuments } from '../../src/config/index.js';
import { POOL_ANNOTATION, ServiceStatusWriter, poolAnnotation } from '../../src/k8s/status-writer.js';
import { loadManifests } from '../../src/sources/manifests-source.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { poolStatuses } from '../../src/sync/status/index.js';
import { allocationTable, routeTable } from './support.js';
import { communityTexts } from '../../src/ip/community.js';

const dir = new URL('../../fixtures/migration/', import.meta.url).pathname;

async function planned(): Promise<{
  plan: Plan;
  pools: ReturnType<typeof poolStatuses>;
  annotations: Record<string, string | undefined>;
}> {
  const manifests = await loadManifests(dir);
  expect(manifests.problems).to.deep.equal([]);
  const { config, warnings } = loadConfigDocuments(manifests.configDocuments);
  expect(warnings).to.deep.equal([]);
  const plan = planCluster(config, manifests.snapshot);
  const annotations: Record<string, string | undefined> = {};
  for (const [key, desired] of ServiceStatusWriter.desiredFor(
    manifests.snapshot.services,
    plan.allocations,
  )) {
    annotations[key] = poolAnnotation(desired);
  }
  return { plan, pools: poolStatuses(config.pools, plan.allocations), annotations };
}

describe('migration from a MetalLB 0.14 CRD set (fixtures/migration)', () => {
  it('MetalLB rules: the five services get the addresses MetalLB would give them', async () => {
    const { plan } = await planned();
    expect(allocationTable(plan)).to.deep.equal({
      // pinned pool team-a (serviceAllocation.namespaces, priority 10) before general; oldest first
      'team-a/web': ['10.20.0.0@team-a'],
      'team-a/api': ['10.20.0.1@team-a'],
      // not in team-a: only general serves it (pools without serviceAllocation)
      'default/shop': ['10.10.0.0@general'],
      // same sharing key, no overlapping port/protocol, Cluster policy: shares shop's address
      'team-b/shop-quic': ['10.10.0.0@general'],
      // spec.loadBalancerIP honoured from the pool containing it
      'team-b/db': ['10.10.0.5@general'],
    });
  });

  it(`MetalLB controller: ${POOL_ANNOTATION} names the pool of every allocated service`, async () => {
    const { annotations } = await planned();
    expect(annotations).to.deep.equal({
      'team-a/web': 'team-a',
      'team-a/api': 'team-a',
      'default/shop': 'general',
      'team-b/shop-quic': 'general',
      'team-b/db': 'general',
    });
  });

  it('MetalLB speaker rules: announced from the nodes the advertisement selects, with its communities', async () => {
    const { plan } = await planned();
    // node-c is rack r2 (not selected by nodeSelectors), control carries the exclude label.
    expect(routeTable(plan)).to.deep.equal({
      // Cluster: every selected node, although shop's only endpoint is on node-c
      'core 10.10.0.0/32': ['192.168.201.11', '192.168.201.12'],
      'core 10.20.0.0/32': ['192.168.201.11', '192.168.201.12'],
      // Local: only selected nodes with a ready local endpoint (node-b; node-c is not selected)
      'core 10.20.0.1/32': ['192.168.201.12'],
    });
    for (const route of plan.peers[0]?.routes ?? []) {
      // the Community alias rack-r1 resolved, next to the literal one
      expect(communityTexts(route.communities), route.prefix.text).to.deep.equal(['64500:100', '64500:200']);
    }
    expect(plan.peers[0]?.routes[0]?.services).to.deep.equal(['default/shop', 'team-b/shop-quic']);
    // Cluster with no ready endpoint anywhere: not announced at all, and said why
    expect(plan.issues).to.deep.equal([
      { service: 'team-b/db', message: '10.10.0.5 is not announced: the service has no ready IPv4 endpoint' },
    ]);
  });

  it('MetalLB IPAddressPool status: assigned and available counts per pool and family', async () => {
    const { pools } = await planned();
    expect(pools).to.deep.equal([
      { pool: 'general', assignedIPv4: '2', availableIPv4: '14', assignedIPv6: '0', availableIPv6: '0' },
      { pool: 'team-a', assignedIPv4: '2', availableIPv4: '6', assignedIPv6: '0', availableIPv6: '0' },
    ]);
  });
});
