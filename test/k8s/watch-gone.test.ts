import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeClusterSource, type ClusterUpdate } from '../../src/k8s/cluster-source.js';
import { KubeClient, loadKubeConfig } from '../../src/k8s/kube-client.js';
import { Reflector } from '../../src/k8s/reflector.js';
import { startApiServer, requireApiServer, type ApiServer } from '../e2e/apiserver.js';
import { createObject } from '../e2e/kube-objects.js';
import { startTcpProxy, type TcpProxy } from '../e2e/tcp-proxy.js';
import { waitFor } from '../support/wait-for.js';
import { lbService, suffix } from './support.js';

/**
 * The watch cache is off here, so every watch is served by etcd itself: once etcd is compacted
 * past the reflector's resourceVersion, re-watching from it answers 410 Gone.
 */
describe('@lab Kubernetes reflector: 410 Gone and reconnects (real kube-apiserver, no watch cache)', function () {
  this.timeout(180_000);
  let api: ApiServer;
  let proxy: TcpProxy;
  let client: KubeClient;

  before(async function () {
    requireApiServer(this);
    api = await startApiServer({ watchCache: false });
    proxy = await startTcpProxy(Number(new URL(api.url).port));
    // The source talks to the API server through the proxy, so the test can cut the line.
    const path = join(api.dir, 'kubeconfig-proxied');
    await writeFile(path, api.kubeconfigText(api.admin).replace(api.url, `https://127.0.0.1:${proxy.port}`));
    client = new KubeClient(loadKubeConfig({ kubeconfigPath: path }));
  });

  after(async () => {
    await proxy?.close();
    await api?.stop();
  });

  it('relists after 410 Gone and loses none of the changes made while it was cut off', async () => {
    const ns = `e2e-${suffix()}`;
    await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createObject(api, lbService(ns, 'kept'));
    await createObject(api, lbService(ns, 'changed'));
    await createObject(api, lbService(ns, 'deleted'));

    const updates: ClusterUpdate[] = [];
    const errors: string[] = [];
    const source = new KubeClusterSource(client, {
      onUpdate: (u) => updates.push(u),
      onError: (err, resource) => errors.push(`${resource}: ${err.message}`),
      metallbNamespace: null,
      backoff: { initialMs: 100, maxMs: 1000, jitter: 0 },
    });
    try {
      await source.start();
      const services = source.reflectors.find((r) => r.resource.name === 'services') as Reflector;
      expect(services.lists).to.equal(1);
      const versionBefore = services.lastResourceVersion;

      proxy.pause();
      await waitFor('the watch to notice the cut', () => errors.some((e) => e.startsWith('services:')));
      await createObject(api, lbService(ns, 'created'));
      await api.adminRequest('PATCH', `/api/v1/namespaces/${ns}/services/changed`,
        { spec: { externalTrafficPolicy: 'Local' } }, 'application/merge-patch+json'); // prettier-ignore
      await api.adminRequest('DELETE', `/api/v1/namespaces/${ns}/services/deleted`);
      const compactedAt = await api.compactEtcd();
      expect(compactedAt).to.be.greaterThan(Number(versionBefore));
      proxy.resume();

      const ours = () =>
        (updates.at(-1)?.snapshot.services ?? [])
          .filter((s) => s.namespace === ns)
          .map((s) => `${s.name}:${s.externalTrafficPolicy}`);
      await waitFor('every change to arrive', () =>
        ours().join(' ') === 'changed:Local created:Cluster kept:Cluster' ? true : undefined,
      );
      expect(services.lists).to.be.greaterThan(1);
      expect(Number(services.lastResourceVersion)).to.be.greaterThan(compactedAt - 1);
    } finally {
      await source.stop();
    }
  });
});
