/**
 * Per-pool counts where kubectl shows them: a ConfigMap we own, one data key per pool, holding
 * MetalLB's IPAddressPool status fields (docs/status.md). A ConfigMap rather than the
 * IPAddressPool status itself, because MetalLB's CRDs may not be installed (ConfigMap or own
 * config form) and their status belongs to MetalLB's controller when they are.
 */
import type { PoolStatus } from '../sync/status/index.js';
import { KubeApiError, type KubeClient } from './kube-client.js';

export const POOL_STATUS_CONFIGMAP = 'cluster-router-sync-pool-status';

/** `assignedIPv4=2 availableIPv4=14 assignedIPv6=0 availableIPv6=0`, one line per pool. */
function poolStatusData(statuses: readonly PoolStatus[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const s of statuses) {
    data[s.pool] =
      `assignedIPv4=${s.assignedIPv4} availableIPv4=${s.availableIPv4} ` +
      `assignedIPv6=${s.assignedIPv6} availableIPv6=${s.availableIPv6}`;
  }
  return data;
}

interface ConfigMapObject {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; resourceVersion?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
}

function sameData(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a?.[k] === b[k]);
}

/**
 * Creates or replaces the ConfigMap when its data would change; a 409 is left to the next write.
 * It keeps the ConfigMap as its last write left it: a change is one PUT over that copy, not a GET
 * and a PUT (a third of the requests of a Service added or deleted, measured on the cluster path
 * in docs/benchmarks.md), and counts that did not change cost no request. `forget` makes the next
 * write read the server's copy again (a new term, where another replica may have written).
 */
export class PoolStatusConfigMapWriter {
  private last: ConfigMapObject | undefined;

  constructor(
    private readonly client: KubeClient,
    private readonly namespace: string,
    private readonly fieldManager = 'cluster-router-sync',
  ) {}

  forget(): void {
    this.last = undefined;
  }

  async write(statuses: readonly PoolStatus[]): Promise<'created' | 'updated' | 'unchanged' | 'conflict'> {
    const data = poolStatusData(statuses);
    const ns = encodeURIComponent(this.namespace);
    const collection = `/api/v1/namespaces/${ns}/configmaps`;
    const path = `${collection}/${POOL_STATUS_CONFIGMAP}`;
    const query = { fieldManager: this.fieldManager };
    const current = this.last ?? (await this.read(path));
    const body: ConfigMapObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: POOL_STATUS_CONFIGMAP,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cluster-router-sync' },
      },
      data,
    };
    try {
      if (!current) {
        this.last = await this.client.request<ConfigMapObject>('POST', collection, { body, query });
        return 'created';
      }
      this.last = current;
      if (sameData(current.data, data)) return 'unchanged';
      body.metadata.resourceVersion = current.metadata.resourceVersion;
      this.last = await this.client.request<ConfigMapObject>('PUT', path, { body, query });
      return 'updated';
    } catch (err) {
      // Another writer got there first (a create race or an update in between), or deleted the
      // ConfigMap we replace: our copy is stale, and the next write reads the server's again.
      this.last = undefined;
      const raced = err instanceof KubeApiError && (err.status === 409 || (err.status === 404 && current));
      if (raced) return 'conflict';
      throw err;
    }
  }

  private async read(path: string): Promise<ConfigMapObject | undefined> {
    try {
      return await this.client.request<ConfigMapObject>('GET', path);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      return undefined;
    }
  }
}
