import { expect } from 'chai';
import { KubeController } from '../../src/k8s/controller.js';
import type { KubeClient } from '../../src/k8s/kube-client.js';
import { POOL_STATUS_CONFIGMAP, PoolStatusConfigMapWriter } from '../../src/k8s/pool-status-configmap.js';
import type { PoolStatus } from '../../src/sync/status/index.js';
import { pool } from '../sync/builders.js';
import { waitFor } from '../support/wait-for.js';
import { MemoryApi } from './memory-api.js';
import { endpointSlice, lbService, node, standInPlanner } from './support.js';

const KEY = `default/${POOL_STATUS_CONFIGMAP}`;

function counts(assigned: number): PoolStatus[] {
  return [
    {
      pool: 'default',
      assignedIPv4: String(assigned),
      availableIPv4: String(256 - assigned),
      assignedIPv6: '0',
      availableIPv6: '0',
    },
  ];
}

const assignedOf = (api: MemoryApi) =>
  ((api.configMaps.get(KEY)?.data ?? {}) as Record<string, string>).default?.split(' ')[0];

describe('k8s pool status ConfigMap writer', () => {
  it('reads once, then writes over its own last write; counts that did not change cost no request', async () => {
    const api = new MemoryApi();
    const writer = new PoolStatusConfigMapWriter(api as unknown as KubeClient, 'default');
    expect(await writer.write(counts(1))).to.equal('created');
    expect(await writer.write(counts(2))).to.equal('updated');
    expect(await writer.write(counts(2))).to.equal('unchanged');
    expect(await writer.write(counts(3))).to.equal('updated');
    expect(api.log).to.deep.equal([
      `${KEY} configmap created`,
      `${KEY} configmap updated`,
      `${KEY} configmap updated`,
    ]);
    expect(assignedOf(api)).to.equal('assignedIPv4=3');

    // forget(): a new term reads the server's copy again before writing.
    writer.forget();
    expect(await writer.write(counts(4))).to.equal('updated');
    expect(api.log.slice(3)).to.deep.equal([`${KEY} configmap read`, `${KEY} configmap updated`]);
  });

  it("meets another writer's change as a conflict, and writes over the server's copy next time", async () => {
    const api = new MemoryApi();
    const writer = new PoolStatusConfigMapWriter(api as unknown as KubeClient, 'default');
    await writer.write(counts(1));
    const theirs = { ...api.configMaps.get(KEY)!, data: { default: 'theirs' } };
    await api.request('PUT', `/api/v1/namespaces/default/configmaps/${POOL_STATUS_CONFIGMAP}`, {
      body: theirs,
    });
    expect(await writer.write(counts(2))).to.equal('conflict');
    expect(await writer.write(counts(2))).to.equal('updated');
    expect(assignedOf(api)).to.equal('assignedIPv4=2');

    // Deleted under us: the PUT finds nothing, and the next write creates it again.
    api.configMaps.delete(KEY);
    expect(await writer.write(counts(3))).to.equal('conflict');
    expect(await writer.write(counts(3))).to.equal('created');
    expect(assignedOf(api)).to.equal('assignedIPv4=3');
  });
});

describe('k8s controller: the pool status ConfigMap', function () {
  this.timeout(30_000);
  let controller: KubeController | undefined;
  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
  });

  function cluster(): MemoryApi {
    const api = new MemoryApi();
    api.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    api.add(node('node-a', '192.168.201.11'));
    return api;
  }

  /** A new Service with an endpoint, and its status written by the controller. */
  async function addService(api: MemoryApi, name: string): Promise<void> {
    api.create(endpointSlice('default', name, `${name}-abc`, ['10.0.0.1']));
    api.create(lbService('default', name));
    await waitFor(`${name}'s status`, () => {
      const svc = api.service('default', name) as { status?: { loadBalancer?: { ingress?: unknown[] } } };
      return (svc.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    });
  }

  const start = async (api: MemoryApi, intervalMs: number) => {
    controller = new KubeController(api as unknown as KubeClient, {
      decide: standInPlanner(),
      onError: (err) => expect.fail(err.message),
      source: { metallbNamespace: null, coalesceMs: 0 },
      poolStatus: { namespace: 'default', pools: [pool('default', ['192.168.197.0/24'])], intervalMs },
    });
    await controller.start();
    await waitFor('the first pool status', () => assignedOf(api) === 'assignedIPv4=0');
  };

  const poolWrites = (api: MemoryApi) => api.log.filter((w) => w.startsWith(`${KEY} configmap`));

  it('is written once per interval however many Services change in it', async () => {
    const api = cluster();
    // An interval no test run reaches: every change after the first write falls inside it.
    await start(api, 3_600_000);
    for (let i = 0; i < 5; i++) await addService(api, `svc-${i}`);
    expect(poolWrites(api)).to.deep.equal([`${KEY} configmap created`]);
    await controller!.stop();
    controller = undefined;
    // The write waiting for its interval does not outlive the stop.
    expect(poolWrites(api)).to.have.length(1);
  });

  it('writes the newest counts when the interval is over', async () => {
    const api = cluster();
    await start(api, 20);
    await addService(api, 'svc-0');
    await addService(api, 'svc-1');
    await waitFor('both Services counted', () => assignedOf(api) === 'assignedIPv4=2');
  });
});
