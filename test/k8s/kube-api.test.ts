import { expect } from 'chai';
import { KubeClusterSource, type ClusterUpdate } from '../../src/k8s/cluster-source.js';
import { KubeController, type AppliedDecisions } from '../../src/k8s/controller.js';
import {
  KubeApiError,
  KubeClient,
  loadKubeConfig,
  type KubeClient as KubeClientType,
} from '../../src/k8s/kube-client.js';
import { POOL_ANNOTATION, ServiceStatusWriter } from '../../src/k8s/status-writer.js';
import { startApiServer, requireApiServer, type ApiServer } from '../e2e/apiserver.js';
import { createObject, objectPath } from '../e2e/kube-objects.js';
import { waitFor } from '../support/wait-for.js';
import {
  clientFor,
  endpointSlice,
  FAIL_ANNOTATION,
  getService,
  lbService,
  node,
  serviceEvents,
  standInPlanner,
  suffix,
} from './support.js';

describe('@lab Kubernetes source, status writer, events, leader election (real kube-apiserver)', function () {
  this.timeout(180_000);
  let api: ApiServer;
  let admin: KubeClientType;
  const stops: Array<() => Promise<void>> = [];
  const errors: string[] = [];
  const onError = (err: Error, where: string) => errors.push(`${where}: ${err.message}`);

  before(async function () {
    requireApiServer(this);
    api = await startApiServer();
    admin = await clientFor(api, api.admin);
  });

  after(async () => {
    await api?.stop();
  });

  afterEach(async () => {
    while (stops.length) await stops.pop()?.();
  });

  async function newNamespace(): Promise<string> {
    const ns = `e2e-${suffix()}`;
    await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    return ns;
  }

  it('flows creates, updates and deletes of services, slices and nodes into snapshots', async () => {
    const ns = await newNamespace();
    const nodeName = `node-${suffix()}`;
    await createObject(api, node(nodeName, '192.168.201.21'));
    await createObject(api, lbService(ns, 'web'));
    const updates: ClusterUpdate[] = [];
    const source = new KubeClusterSource(admin, { onUpdate: (u) => updates.push(u), onError });
    stops.push(() => source.stop());
    const first = await source.start();
    const web = first.snapshot.services.find((s) => s.namespace === ns && s.name === 'web');
    expect(web).to.deep.include({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ipFamilies: [4] });
    expect(web?.clusterIP).to.match(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(web?.uid).to.be.a('string');
    expect(first.snapshot.nodes.find((n) => n.name === nodeName)).to.deep.include({
      internalIPs: ['192.168.201.21'],
      ready: true,
    });
    expect(first.snapshot.namespaces.map((n) => n.name)).to.include(ns);

    const latest = () => updates.at(-1)?.snapshot;
    await createObject(api, endpointSlice(ns, 'web', 'web-1', ['10.244.1.5']));
    await waitFor('the slice', () =>
      latest()?.endpointSlices.some((e) => e.namespace === ns && e.name === 'web-1'),
    );
    const slice = latest()?.endpointSlices.find((e) => e.namespace === ns);
    expect(slice).to.deep.equal({
      namespace: ns,
      name: 'web-1',
      serviceName: 'web',
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'], ready: true, nodeName: 'node-a' }],
    });

    await api.adminRequest('PATCH', `/api/v1/namespaces/${ns}/services/web`, { spec: { externalTrafficPolicy: 'Local' } },
      'application/merge-patch+json'); // prettier-ignore
    await waitFor('the policy change', () =>
      latest()?.services.some((s) => s.namespace === ns && s.externalTrafficPolicy === 'Local'),
    );

    await api.adminRequest('DELETE', objectPath(endpointSlice(ns, 'web', 'web-1', [])));
    await api.adminRequest('DELETE', `/api/v1/namespaces/${ns}/services/web`);
    await waitFor('the deletions', () => {
      const s = latest();
      return (
        s && !s.services.some((x) => x.namespace === ns) && !s.endpointSlices.some((x) => x.namespace === ns)
      );
    });
    expect(errors).to.deep.equal([]);
  });

  it('writes status, pool annotation and events for decisions; clears them; no duplicate events', async () => {
    const ns = await newNamespace();
    await createObject(api, node('node-a', '192.168.201.11'));
    await createObject(api, lbService(ns, 'web'));
    await createObject(api, endpointSlice(ns, 'web', 'web-1', ['10.244.1.5']));
    await createObject(api, {
      ...lbService(ns, 'refused'),
      metadata: { name: 'refused', namespace: ns, annotations: { [FAIL_ANNOTATION]: 'no pool matches' } },
    });
    const applied: AppliedDecisions[] = [];
    const controller = new KubeController(admin, {
      decide: standInPlanner(),
      onError,
      onApplied: (a) => applied.push(a),
      events: { instance: 'solo' },
    });
    stops.push(() => controller.stop());
    await controller.start();

    // The status and the pool annotation are two requests, status first: wait for both.
    const svc = await waitFor('the status and the pool annotation', async () => {
      const s = await getService(api, ns, 'web');
      return s.status.loadBalancer?.ingress?.length && s.metadata.annotations?.[POOL_ANNOTATION] !== undefined
        ? s
        : undefined;
    });
    const ip = svc.status.loadBalancer?.ingress?.[0]?.ip ?? '';
    expect(ip).to.match(/^192\.168\.197\.\d+$/);
    expect(svc.status.loadBalancer?.ingress).to.deep.equal([{ ip, ipMode: 'VIP' }]);
    expect(svc.metadata.annotations?.[POOL_ANNOTATION]).to.equal('default');
    const events = await waitFor('the events', async () => {
      const e = await serviceEvents(api, ns, 'web');
      return e.length >= 2 ? e : undefined;
    });
    expect(events.map((e) => `${e.type} ${e.reason} ${e.reportingInstance}: ${e.note}`)).to.have.members([
      `Normal IPAllocated solo: Assigned IP ${ip} from pool default`,
      `Normal AdvertisementChanged solo: Announcing ${ip}/32 to router via 192.168.201.11`,
    ]);
    const refused = await waitFor(
      'the failure event',
      async () => (await serviceEvents(api, ns, 'refused'))[0],
    );
    expect(refused).to.deep.include({
      type: 'Warning',
      reason: 'AllocationFailed',
      note: 'no-pool: no pool matches',
    });
    expect((await getService(api, ns, 'refused')).status.loadBalancer?.ingress).to.equal(undefined);

    // An unrelated change makes a new snapshot and a new plan with the same decisions: no events.
    const appliedBefore = applied.length;
    await api.adminRequest('PATCH', `/api/v1/namespaces/${ns}/services/web`, { metadata: { labels: { touched: 'yes' } } },
      'application/merge-patch+json'); // prettier-ignore
    await waitFor('a new apply', () => applied.length > appliedBefore);
    expect(applied.slice(appliedBefore).flatMap((a) => a.events)).to.deep.equal([]);
    expect(await serviceEvents(api, ns, 'web')).to.have.length(2);

    // Loses its IP (the planner refuses it now): status and annotation go, the failure is told.
    const patchWeb = (body: unknown) =>
      api.adminRequest(
        'PATCH',
        `/api/v1/namespaces/${ns}/services/web`,
        body,
        'application/merge-patch+json',
      );
    await patchWeb({ metadata: { annotations: { [FAIL_ANNOTATION]: 'pool drained' } } });
    await waitFor('the status to go', async () => {
      const s = await getService(api, ns, 'web');
      return s.status.loadBalancer?.ingress === undefined && !s.metadata.annotations?.[POOL_ANNOTATION];
    });
    await waitFor('the failure event', async () =>
      (await serviceEvents(api, ns, 'web')).some((e) => e.note === 'no-pool: pool drained'),
    );
    await patchWeb({ metadata: { annotations: { [FAIL_ANNOTATION]: null } } });
    await waitFor('the IP to come back', async () => {
      const s = await getService(api, ns, 'web');
      return (
        s.status.loadBalancer?.ingress?.[0]?.ip === ip &&
        s.metadata.annotations?.[POOL_ANNOTATION] === 'default'
      );
    });

    // Stops being a LoadBalancer: status and annotation go, spec is what the user wrote.
    await api.adminRequest('PATCH', `/api/v1/namespaces/${ns}/services/web`, { spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 80, nodePort: null }] } },
      'application/merge-patch+json'); // prettier-ignore
    const cleared = await waitFor('the cleared status', async () => {
      const s = await getService(api, ns, 'web');
      return s.status.loadBalancer?.ingress === undefined && !s.metadata.annotations?.[POOL_ANNOTATION]
        ? s
        : undefined;
    });
    expect(cleared.spec.type).to.equal('ClusterIP');
    expect(cleared.metadata.labels).to.deep.equal({ touched: 'yes' });
    expect(errors).to.deep.equal([]);
  });

  it('retries a 409 on the status update by re-reading, and wins', async () => {
    const ns = await newNamespace();
    await createObject(api, lbService(ns, 'contested'));
    const kubeconfig = loadKubeConfig({ kubeconfigPath: await api.writeKubeconfig(api.admin) });
    let interfered = 0;
    // Another writer changes the service between our read and our write, exactly once.
    class InterferingClient extends KubeClient {
      override async request<T>(...args: Parameters<KubeClient['request']>): Promise<T> {
        const [method, path] = args;
        if (method === 'PUT' && path.endsWith('/contested/status') && interfered === 0) {
          interfered++;
          await api.adminRequest('PATCH', `/api/v1/namespaces/${ns}/services/contested`,
            { metadata: { labels: { 'other-writer': 'was-here' } } }, 'application/merge-patch+json'); // prettier-ignore
        }
        return super.request<T>(...args);
      }
    }
    const writer = new ServiceStatusWriter(new InterferingClient(kubeconfig));
    const result = await writer.write(ns, 'contested', { ips: ['192.168.197.77'], pools: ['default'] });
    expect(interfered).to.equal(1);
    expect(result).to.deep.equal({
      service: `${ns}/contested`,
      status: 'set',
      annotation: 'set',
      conflicts: 1,
    });
    const svc = await getService(api, ns, 'contested');
    expect(svc.status.loadBalancer?.ingress).to.deep.equal([{ ip: '192.168.197.77', ipMode: 'VIP' }]);
    expect(svc.metadata.labels).to.deep.equal({ 'other-writer': 'was-here' });
    // Writing the same again needs no write at all.
    const again = await writer.write(ns, 'contested', { ips: ['192.168.197.77'], pools: ['default'] });
    expect(again).to.deep.include({ status: 'unchanged', annotation: 'unchanged', conflicts: 0 });
  });

  it('leader election: only the leader writes; a killed leader is replaced within the lease', async () => {
    const ns = await newNamespace();
    await createObject(api, lbService(ns, 'first'));
    // Kubernetes' own defaults: with a 3 s renew deadline, one slow renewal on a loaded 2-core
    // machine (the API server and etcd share it with the lab) would hand the lease to b before a
    // is stopped, and b would write.
    const lease = {
      namespace: ns,
      name: 'crs-leader',
      leaseDurationSec: 15,
      renewDeadlineSec: 10,
      retryPeriodSec: 2,
    };
    const wrote: Record<string, number> = { a: 0, b: 0 };
    let bothLeading = false;
    const make = (identity: string) =>
      new KubeController(admin, {
        decide: standInPlanner(),
        onError,
        leaderElection: { ...lease, identity },
        events: { instance: identity },
        onApplied: (a) => (wrote[identity] = (wrote[identity] ?? 0) + a.status.length),
      });
    const a = make('a');
    stops.push(() => a.stop({ release: false }));
    await a.start();
    await waitFor('a to lead', () => a.isLeader);
    const b = make('b');
    stops.push(() => b.stop());
    await b.start();
    const watchdog = setInterval(() => (bothLeading ||= a.isLeader && b.isLeader), 50);
    stops.push(async () => clearInterval(watchdog));

    await waitFor(
      'first to get its IP',
      async () => (await getService(api, ns, 'first')).status.loadBalancer?.ingress,
    );
    await createObject(api, lbService(ns, 'second'));
    await waitFor(
      'second to get its IP',
      async () => (await getService(api, ns, 'second')).status.loadBalancer?.ingress,
    );
    expect(wrote.b).to.equal(0);
    expect(b.isLeader).to.equal(false);

    // a dies without releasing the lease; b must wait it out, then take over.
    await a.stop({ release: false });
    const died = Date.now();
    await waitFor('b to lead', () => b.isLeader, { timeoutMs: 90_000 });
    process.stderr.write(
      `      (takeover after ${Date.now() - died} ms; lease ${lease.leaseDurationSec} s)\n`,
    );
    await createObject(api, lbService(ns, 'third'));
    await waitFor(
      'third to get its IP',
      async () => (await getService(api, ns, 'third')).status.loadBalancer?.ingress,
    );
    // The status shows before the apply round (status, annotation, events) reports back.
    await waitFor('b to report its writes', () => (wrote.b ?? 0) > 0);
    const thirdEvents = await waitFor('third events', async () => (await serviceEvents(api, ns, 'third'))[0]);
    expect(thirdEvents.reportingInstance).to.equal('b');
    expect((await serviceEvents(api, ns, 'first')).map((e) => e.reportingInstance)).to.deep.equal(['a']);
    expect(bothLeading).to.equal(false);

    // A clean stop hands the lease back at once.
    await b.stop({ release: true });
    const leaseObj = await api.adminRequest<{ spec: { holderIdentity?: string; leaseTransitions: number } }>(
      'GET',
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/crs-leader`,
    );
    expect(leaseObj.spec.holderIdentity ?? '').to.equal('');
    expect(leaseObj.spec.leaseTransitions).to.equal(1);
    expect(errors).to.deep.equal([]);
  });

  it('hands on MetalLB CRD objects and the ConfigMap as config documents, and their changes', async () => {
    const ns = await newNamespace();
    await api.adminRequest('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ipaddresspools.metallb.io' },
      spec: {
        group: 'metallb.io',
        scope: 'Namespaced',
        names: {
          plural: 'ipaddresspools',
          singular: 'ipaddresspool',
          kind: 'IPAddressPool',
          listKind: 'IPAddressPoolList',
        },
        versions: [
          {
            name: 'v1beta1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const pool = {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'default', namespace: ns },
      spec: { addresses: ['192.168.197.0/24'] },
    };
    const poolsPath = `/apis/metallb.io/v1beta1/namespaces/${ns}/ipaddresspools`;
    // The CRD serves a moment after it is created.
    await waitFor('the CRD to serve', () => api.adminRequest('POST', poolsPath, pool).then(() => true));
    const updates: ClusterUpdate[] = [];
    const source = new KubeClusterSource(admin, {
      onUpdate: (u) => updates.push(u),
      onError,
      metallbNamespace: ns,
    });
    stops.push(() => source.stop());
    const first = await source.start();
    expect(first.configDocuments.map((d) => d.file)).to.deep.equal([
      `kubernetes:IPAddressPool/${ns}/default`,
    ]);
    expect(first.configDocuments[0]?.text)
      .to.contain('apiVersion: metallb.io/v1beta1')
      .and.contain('192.168.197.0/24');
    expect(first.configDocuments[0]?.text).not.to.contain('managedFields');

    await createObject(api, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config', namespace: ns },
      data: { config: 'peers: []\n' },
    });
    await api.adminRequest('PATCH', `${poolsPath}/default`, { spec: { addresses: ['192.168.198.0/24'] } },
      'application/merge-patch+json'); // prettier-ignore
    const changed = await waitFor('both changes', () =>
      updates.find(
        (u) => u.configDocuments.length === 2 && u.configDocuments[1]?.text.includes('192.168.198.0/24'),
      ),
    );
    expect(changed.configDocuments.map((d) => d.file)).to.deep.equal([
      `kubernetes:ConfigMap/${ns}/config`,
      `kubernetes:IPAddressPool/${ns}/default`,
    ]);
    expect(errors).to.deep.equal([]);
  });

  it('runs under the ServiceAccount of deploy/rbac.yaml with exactly its ClusterRole and Role', async () => {
    const { applyManifestFile, serviceAccountToken } = await import('../e2e/kube-objects.js');
    await applyManifestFile(api, 'deploy/namespace.yaml');
    await applyManifestFile(api, 'deploy/rbac.yaml');
    await createObject(api, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'config', namespace: 'metallb-system' },
      data: { config: 'address-pools:\n- name: default\n  protocol: bgp\n  addresses: [192.168.197.0/24]\n' },
    });
    const token = await serviceAccountToken(api, 'metallb-system', 'cluster-router-sync');
    const sa = await clientFor(api, { name: 'cluster-router-sync', token }, 'kubeconfig-sa');

    // The account can do nothing beyond the role: secrets outside its namespace are refused.
    const refused = await sa
      .request('GET', '/api/v1/namespaces/kube-system/secrets')
      .catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(KubeApiError).and.have.property('status', 403);
    // And the token file's plain user, bound to nothing, cannot even list services.
    const nobody = await clientFor(api, api.restricted);
    const denied = await nobody.request('GET', '/api/v1/services').catch((e: unknown) => e);
    expect(denied).to.be.instanceOf(KubeApiError).and.have.property('status', 403);

    const ns = await newNamespace();
    await createObject(api, lbService(ns, 'web'));
    const updates: ClusterUpdate[] = [];
    const controller = new KubeController(sa, {
      decide: standInPlanner(),
      onError,
      onUpdate: (u) => updates.push(u),
      leaderElection: { namespace: 'metallb-system', name: 'cluster-router-sync', identity: 'pod-1' },
      events: { instance: 'pod-1' },
    });
    stops.push(() => controller.stop());
    const first = await controller.start();
    expect(first.configDocuments.map((d) => d.file)).to.deep.equal([
      'kubernetes:ConfigMap/metallb-system/config',
    ]);
    expect(first.configDocuments[0]?.text).to.contain('192.168.197.0/24');
    await waitFor('leadership', () => controller.isLeader);
    const svc = await waitFor('the status', async () => {
      const s = await getService(api, ns, 'web');
      return s.status.loadBalancer?.ingress?.length && s.metadata.annotations?.[POOL_ANNOTATION]
        ? s
        : undefined;
    });
    expect(svc.status.loadBalancer?.ingress?.[0]?.ipMode).to.equal('VIP');
    await waitFor('the event', async () =>
      (await serviceEvents(api, ns, 'web')).some((e) => e.reason === 'IPAllocated'),
    );
    expect(errors).to.deep.equal([]);
  });
});
