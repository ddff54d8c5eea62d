/**
 * Writes allocation decisions back to Services: status.loadBalancer.ingress through the status
 * subresource (a PUT with the read resourceVersion, so a concurrent writer causes a 409 that we
 * answer by re-reading), and the pool annotation through a merge patch of metadata only. Spec is
 * never written: the status subresource ignores it, and the patch names only one annotation.
 */
import { serviceKey, type ServiceInfo } from '../sync/cluster.js';
import type { ServiceAllocation } from '../sync/plan-types.js';
import { CrsError, ExitCode } from '../util/errors.js';
import { KubeApiError, PATCH_MERGE, servicePath, type KubeClient } from './kube-client.js';
import { mapInFlight, WRITES_IN_FLIGHT } from './in-flight.js';
import { OwnWrites } from './own-writes.js';
import type { AnnotationPatch } from './route-annotations.js';

export const POOL_ANNOTATION = 'metallb.io/ip-allocated-from-pool';

class StatusConflictError extends CrsError {
  readonly exitCode = ExitCode.Unreachable;
}

interface IngressEntry {
  ip?: string;
  hostname?: string;
  ipMode?: string;
}

export interface ServiceObject {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
  };
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: IngressEntry[] } };
}

interface DesiredStatus {
  /** Empty clears the status. */
  ips: string[];
  /** Pool per IP, parallel to `ips`. */
  pools: string[];
}

export interface StatusWriteResult {
  service: string;
  /** `set`/`cleared` when ingress was written, `unchanged` when it already matched, `gone` when the service vanished. */
  status: 'set' | 'cleared' | 'unchanged' | 'gone';
  annotation: 'set' | 'removed' | 'unchanged' | 'gone';
  /** 409 answers retried on the way. */
  conflicts: number;
}

export interface StatusWriterOptions {
  /** Shown in managedFields. */
  fieldManager?: string;
  /** Give up after this many 409s in a row for one service. Default 5. */
  maxConflicts?: number;
}

/** The value of metallb.io/ip-allocated-from-pool for a desired status; undefined removes it. */
export function poolAnnotation(d: DesiredStatus): string | undefined {
  return d.ips.length === 0 ? undefined : [...new Set(d.pools)].join(',');
}

export class ServiceStatusWriter {
  /** Learned from the first write: servers before Kubernetes 1.29 drop ipMode. */
  private ipModeSupported: boolean | undefined;
  private readonly fieldManager: string;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: StatusWriterOptions = {},
    /** Every write goes through it, so the cluster source knows its watch event as ours. */
    private readonly ownWrites: OwnWrites = new OwnWrites(),
    /** The Service as the watch last delivered it (`namespace/name`), if known. */
    private readonly cached: (service: string) => ServiceObject | undefined = () => undefined,
  ) {
    this.fieldManager = opts.fieldManager ?? 'cluster-router-sync';
  }

  /**
   * What a plan asks of each service in the snapshot: its allocation for a LoadBalancer service
   * this controller allocates for, nothing for any other type. A LoadBalancer service without an
   * allocation entry belongs to someone else and is left alone.
   */
  static desiredFor(services: ServiceInfo[], allocations: ServiceAllocation[]): Map<string, DesiredStatus> {
    const byKey = new Map(allocations.map((a) => [a.service, a]));
    const out = new Map<string, DesiredStatus>();
    for (const svc of services) {
      const key = serviceKey(svc);
      const alloc = byKey.get(key);
      if (svc.type !== 'LoadBalancer') out.set(key, { ips: [], pools: [] });
      else if (alloc) out.set(key, { ips: alloc.ips, pools: alloc.pools });
    }
    return out;
  }

  /**
   * Brings every service in line with the plan; skips, without a request, those already in line.
   * Services are written WRITES_IN_FLIGHT at a time, each by one request at a time; the results
   * are in the services' order. A service written here also gets its patch in `carry` (other
   * annotations of ours, by `namespace/name`) in the same request as its pool annotation: a new
   * Service's pool and route annotations were two patches, one echo each.
   */
  async reconcile(
    services: ServiceInfo[],
    allocations: ServiceAllocation[],
    carry: ReadonlyMap<string, AnnotationPatch> = new Map(),
  ): Promise<StatusWriteResult[]> {
    const desired = ServiceStatusWriter.desiredFor(services, allocations);
    const todo = services.flatMap((svc) => {
      const want = desired.get(serviceKey(svc));
      if (!want) return [];
      const inLine =
        svc.statusIngress.join(',') === want.ips.join(',') &&
        svc.annotations[POOL_ANNOTATION] === poolAnnotation(want);
      return inLine ? [] : [{ svc, want }];
    });
    return mapInFlight(todo, WRITES_IN_FLIGHT, ({ svc, want }) =>
      this.write(svc.namespace, svc.name, want, carry.get(serviceKey(svc))),
    );
  }

  /** Writes one service's status and pool annotation, and `carry` with the latter. */
  async write(
    namespace: string,
    name: string,
    want: DesiredStatus,
    carry: AnnotationPatch = {},
  ): Promise<StatusWriteResult> {
    const service = `${namespace}/${name}`;
    const path = servicePath(namespace, name);
    const max = this.opts.maxConflicts ?? 5;
    for (let conflicts = 0; conflicts <= max; conflicts++) {
      // The first try writes over the watch's copy, as client-go controllers write over their
      // informer's: a read per Service was one request in six of the first round. A stale copy
      // costs a 409, and the retry reads the server's.
      const cached = conflicts === 0 ? this.cached(service) : undefined;
      let svc: ServiceObject;
      try {
        svc = cached ?? (await this.client.request<ServiceObject>('GET', path));
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) {
          return { service, status: 'gone', annotation: 'gone', conflicts };
        }
        throw err;
      }
      try {
        const status = await this.writeIngress(service, path, svc, want);
        const annotation = await this.writeAnnotations(service, path, svc, want, carry);
        return { service, status, annotation, conflicts };
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 409) continue;
        if (err instanceof KubeApiError && err.status === 404) {
          return { service, status: 'gone', annotation: 'gone', conflicts };
        }
        throw err;
      }
    }
    throw new StatusConflictError(`status of ${service}: still conflicting after ${max} re-reads`);
  }

  private desiredIngress(ips: string[]): IngressEntry[] {
    return ips.map((ip) => (this.ipModeSupported === false ? { ip } : { ip, ipMode: 'VIP' }));
  }

  private sameIngress(current: IngressEntry[], desired: IngressEntry[]): boolean {
    if (current.length !== desired.length) return false;
    return current.every((c, i) => {
      const d = desired[i];
      return (
        c.hostname === undefined &&
        c.ip === d?.ip &&
        (this.ipModeSupported === false || c.ipMode === d.ipMode)
      );
    });
  }

  private async writeIngress(
    service: string,
    path: string,
    svc: ServiceObject,
    want: DesiredStatus,
  ): Promise<StatusWriteResult['status']> {
    const desired = this.desiredIngress(want.ips);
    if (this.sameIngress(svc.status?.loadBalancer?.ingress ?? [], desired)) return 'unchanged';
    const body: ServiceObject = {
      ...svc,
      status: { ...svc.status, loadBalancer: desired.length ? { ingress: desired } : {} },
    };
    // resourceVersion from our read makes the server answer 409 if anyone wrote in between.
    const written = await this.ownWrites.write(service, () =>
      this.client.request<ServiceObject>('PUT', `${path}/status`, {
        body,
        query: { fieldManager: this.fieldManager },
      }),
    );
    if (desired.length > 0 && this.ipModeSupported === undefined) {
      this.ipModeSupported = written.status?.loadBalancer?.ingress?.[0]?.ipMode === 'VIP';
    }
    return desired.length ? 'set' : 'cleared';
  }

  private async writeAnnotations(
    service: string,
    path: string,
    svc: ServiceObject,
    want: DesiredStatus,
    carry: AnnotationPatch,
  ): Promise<StatusWriteResult['annotation']> {
    const value = poolAnnotation(want);
    const unchanged = svc.metadata.annotations?.[POOL_ANNOTATION] === value;
    const annotations = { ...carry, ...(unchanged ? {} : { [POOL_ANNOTATION]: value ?? null }) };
    if (Object.keys(annotations).length > 0) {
      // A merge patch of these annotations: nothing else in metadata, and never spec.
      await this.ownWrites.write(service, () =>
        this.client.request('PATCH', path, {
          body: { metadata: { annotations } },
          contentType: PATCH_MERGE,
          query: { fieldManager: this.fieldManager },
        }),
      );
    }
    return unchanged ? 'unchanged' : value === undefined ? 'removed' : 'set';
  }
}
