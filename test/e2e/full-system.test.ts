import { expect } from 'chai';
import { POOL_STATUS_CONFIGMAP } from '../../src/k8s/pool-status-configmap.js';
import { frrTable, kernelTable, sameRoutes, type RouteTable } from '../lab/route-tables.js';
import { builtApp } from '../docs/support/built-app.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { requireApiServer } from './apiserver.js';
import { createObject, objectPath, type KubeObject } from './kube-objects.js';
import {
  externalIps,
  FULL_SYSTEM_COMMANDS,
  LEASE_PATH,
  loadSeed,
  serviceWithEndpoint,
  startFullSystem,
  type FullSystem,
  type RunChild,
} from './support/full-system.js';

const SEED_ROUTES: RouteTable = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

describe('full system: run --leader-elect against a real kube-apiserver, real FRR and a real sshd @lab', function () {
  this.timeout(240_000);
  let sys: FullSystem | undefined;
  let leader: RunChild;

  before(async function () {
    requireLab(this, { root: true, commands: FULL_SYSTEM_COMMANDS });
    requireApiServer(this);
    sys = await startFullSystem();
    await loadSeed(sys.api);
    leader = sys.startRun('crs-a');
  });

  after(async () => {
    await sys?.stop();
  });

  const holder = async () =>
    (await sys!.api.adminRequest<{ spec: { holderIdentity?: string } }>('GET', LEASE_PATH)).spec
      .holderIdentity;

  /** Creates a Service with one endpoint on `node` (slice first) and waits until its status holds `ip`. */
  async function createAllocated(name: string, node: string, ip: string): Promise<KubeObject[]> {
    const [svc, slice] = serviceWithEndpoint(name, node);
    await createObject(sys!.api, slice!);
    await createObject(sys!.api, svc!);
    await waitFor(`${name} allocated`, async () => (await externalIps(sys!.api))[name] === ip);
    return [svc!, slice!];
  }

  async function routesAre(what: string, want: RouteTable): Promise<void> {
    const same = (t: RouteTable) => sameRoutes(t, want);
    await waitFor(what, async () => same(await frrTable(sys!.frr)) && same(await kernelTable(sys!.lab)), {
      timeoutMs: 60_000,
    }).catch(async (err: Error) => {
      const detail = `want ${JSON.stringify(want)}\nrib ${JSON.stringify(await frrTable(sys!.frr))}\nfib ${JSON.stringify(await kernelTable(sys!.lab))}\n--- ${leader.identity} stderr tail\n${leader.stderr().split('\n').slice(-20).join('\n')}`;
      throw new Error(`${err.message}\n${detail}`, { cause: err });
    });
  }

  it("writes the seed's EXTERNAL-IPs as Service status (kubectl get svc)", async () => {
    const want = {
      kubernetes: '<none>',
      nginx: '192.168.197.0',
      'test-service': '192.168.197.1',
      'test-service-1': '<none>',
      'test-service-3': '192.168.197.254',
    };
    await waitFor(
      'the seed allocations in Service status',
      async () => JSON.stringify(await externalIps(sys!.api)) === JSON.stringify(want),
      { timeoutMs: 60_000 },
    );
    expect(await externalIps(sys!.api)).to.deep.equal(want);
    expect(await holder()).to.equal('crs-a');
  });

  it("announces the seed's three routes: FRR's RIB and the router's kernel FIB via .11/.12", async () => {
    await routesAre('the seed routes on FRR', SEED_ROUTES);
  });

  it('allocates, routes, withdraws and forgets a Service created and deleted through the API', async () => {
    const [svc, slice] = await createAllocated('e2e-web', 'k8s-node1', '192.168.197.2');
    await routesAre('e2e-web routed', { ...SEED_ROUTES, '192.168.197.2/32': ['192.168.201.11'] });
    const pools = async () =>
      (
        await sys!.api.adminRequest<{ data: Record<string, string> }>(
          'GET',
          `/api/v1/namespaces/metallb-system/configmaps/${POOL_STATUS_CONFIGMAP}`,
        )
      ).data.default;
    await waitFor('pool status counting e2e-web', async () => (await pools())?.startsWith('assignedIPv4=4 '));

    await sys!.api.adminRequest('DELETE', objectPath(svc!));
    await sys!.api.adminRequest('DELETE', objectPath(slice!));
    await routesAre('e2e-web withdrawn', SEED_ROUTES);
    await waitFor('pool status without e2e-web', async () => (await pools())?.startsWith('assignedIPv4=3 '));
    expect(await externalIps(sys!.api)).not.to.have.property('e2e-web');
  });

  it('a second replica, the bundled CLI as the image runs it, stands by; after kill -9 of the leader it takes the Lease, writes and announces', async () => {
    // dist/ bundles the Kubernetes client (scripts/build.ts): this replica's kubeconfig, Lease,
    // lists, watches and status writes all go through that bundled copy.
    const follower = sys!.startRun('crs-b', { entry: (await builtApp()).entry });
    await waitFor('the follower to wait for the lease', () =>
      follower.stderr().includes('waiting for the lease'),
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- crs-b stderr\n${follower.stderr().slice(-3000)}`, { cause: err });
    });
    // While following it neither peers with the router nor writes: FRR sees one session, crs-a holds.
    const sessions = async () =>
      (
        await sys!.frr.vtyshJson<Record<string, { connectionsEstablished?: number }>>(
          'show bgp neighbors 192.168.201.2 json',
        )
      )['192.168.201.2']?.connectionsEstablished ?? 0;
    const before = await sessions();
    expect(await holder()).to.equal('crs-a');
    expect(follower.stderr()).not.to.include('"msg":"leading"');
    // Its probes pass, so a rollout of standbys completes.
    expect(await follower.httpStatus('/healthz')).to.equal(200);
    expect(await follower.httpStatus('/readyz')).to.equal(200);

    expect(await leader.kill('SIGKILL')).to.equal(null);
    leader = follower;
    await waitFor('crs-b to hold the lease', async () => (await holder()) === 'crs-b', { timeoutMs: 60_000 });
    await waitFor('crs-b to peer with the router', async () => (await sessions()) > before, {
      timeoutMs: 60_000,
    });
    await routesAre('the seed routes after the takeover', SEED_ROUTES);

    await createAllocated('e2e-after', 'k8s-node2', '192.168.197.2');
    await routesAre('e2e-after routed', { ...SEED_ROUTES, '192.168.197.2/32': ['192.168.201.12'] });
  });

  // Most changes are applied live (test/e2e/live-reconfig.test.ts); a new address family changes
  // what our OPENs offer, which only a new speaker does.
  it('exits 4 when the MetalLB ConfigMap changes in a part only a restart applies, for the Deployment to restart it', async () => {
    const path = '/api/v1/namespaces/metallb-system/configmaps/config';
    const cm = await sys!.api.adminRequest<{ data: { config: string } }>('GET', path);
    const config = cm.data.config.replace('- 192.168.197.0/24', '- 192.168.197.0/24\n  - 2001:db8:197::/120');
    expect(config).not.to.equal(cm.data.config);
    await sys!.api.adminRequest('PATCH', path, { data: { config } }, 'application/merge-patch+json');
    await waitFor('crs-b to exit', async () => leader.proc.exitCode !== null, { timeoutMs: 60_000 });
    expect(leader.proc.exitCode, leader.stderr().split('\n').slice(-15).join('\n')).to.equal(4);
    expect(leader.stderr()).to.include('only a restart applies (address families)');
  });
});
