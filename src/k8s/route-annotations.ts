/**
 * Annotations we own on a Service, so `kubectl describe service` shows which router peers carry
 * it and whether the router was last found to have its routes (docs/status.md):
 *
 * - `cluster-router-sync.io/announced-to`: `peer=address` per peer carrying a route, sorted;
 * - `cluster-router-sync.io/route-verified`: `true` or `false` from the last verification;
 * - `cluster-router-sync.io/route-verified-at`: when that value was first seen (RFC 3339).
 *
 * The time changes only with the value, so a steady cluster costs no writes per verification.
 * Written with a merge patch naming only these keys; nothing else of the Service is touched.
 */
import { serviceKey, type ServiceInfo } from '../sync/cluster.js';
import { allVerified, type ServiceStatus } from '../sync/status/index.js';
import { KubeApiError, PATCH_MERGE, servicePath, type KubeClient } from './kube-client.js';
import { mapInFlight, WRITES_IN_FLIGHT } from './in-flight.js';
import { OwnWrites } from './own-writes.js';

export const ANNOUNCED_TO_ANNOTATION = 'cluster-router-sync.io/announced-to';
export const ROUTE_VERIFIED_ANNOTATION = 'cluster-router-sync.io/route-verified';
export const ROUTE_VERIFIED_AT_ANNOTATION = 'cluster-router-sync.io/route-verified-at';

/** Annotation changes as a merge patch wants them: null removes a key. */
export type AnnotationPatch = Record<string, string | null>;

/**
 * What to change on one service so its annotations tell its status; empty when they already do.
 * `status` undefined (a service we do not handle) removes our annotations.
 */
export function routeAnnotationPatch(
  status: ServiceStatus | undefined,
  current: Readonly<Record<string, string>>,
  now: Date,
): AnnotationPatch {
  const want: Record<string, string | undefined> = {};
  const peers = [...new Set((status?.carriedBy ?? []).map((r) => `${r.peer}=${r.peerAddress}`))].sort();
  want[ANNOUNCED_TO_ANNOTATION] = peers.length > 0 ? peers.join(',') : undefined;
  const verified = status ? allVerified(status) : undefined;
  want[ROUTE_VERIFIED_ANNOTATION] = verified === undefined ? undefined : String(verified);
  const verifiedText = want[ROUTE_VERIFIED_ANNOTATION];
  want[ROUTE_VERIFIED_AT_ANNOTATION] =
    verifiedText === undefined
      ? undefined
      : current[ROUTE_VERIFIED_ANNOTATION] === verifiedText && current[ROUTE_VERIFIED_AT_ANNOTATION]
        ? current[ROUTE_VERIFIED_AT_ANNOTATION]
        : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const patch: AnnotationPatch = {};
  for (const [key, value] of Object.entries(want)) {
    if (current[key] !== value) patch[key] = value ?? null;
  }
  return patch;
}

export interface RouteAnnotationResult {
  service: string;
  outcome: 'patched' | 'gone';
}

/** Keeps our route annotations in line with the per-service status. */
export class RouteAnnotationWriter {
  constructor(
    private readonly client: KubeClient,
    private readonly fieldManager = 'cluster-router-sync',
    /** Every patch goes through it, so the cluster source knows its watch event as ours. */
    private readonly ownWrites: OwnWrites = new OwnWrites(),
  ) {}

  /** The patch of each service whose annotations differ from its status, by `namespace/name`. */
  static patches(
    services: readonly ServiceInfo[],
    statuses: readonly ServiceStatus[],
    now: Date = new Date(),
  ): Map<string, AnnotationPatch> {
    const byKey = new Map(statuses.map((s) => [s.service, s]));
    const out = new Map<string, AnnotationPatch>();
    for (const svc of services) {
      const key = serviceKey(svc);
      const patch = routeAnnotationPatch(byKey.get(key), svc.annotations, now);
      if (Object.keys(patch).length > 0) out.set(key, patch);
    }
    return out;
  }

  /**
   * Sends the patches of the services among `services` that have one, WRITES_IN_FLIGHT at a time
   * (one request per service); returns what it did, in the services' order.
   */
  async write(
    services: readonly ServiceInfo[],
    patches: ReadonlyMap<string, AnnotationPatch>,
  ): Promise<RouteAnnotationResult[]> {
    const todo = services.flatMap((svc) => {
      const patch = patches.get(serviceKey(svc));
      return patch ? [{ svc, patch }] : [];
    });
    return mapInFlight(todo, WRITES_IN_FLIGHT, async ({ svc, patch }): Promise<RouteAnnotationResult> => {
      const service = serviceKey(svc);
      try {
        await this.ownWrites.write(service, () =>
          this.client.request('PATCH', servicePath(svc.namespace, svc.name), {
            body: { metadata: { annotations: patch } },
            contentType: PATCH_MERGE,
            query: { fieldManager: this.fieldManager },
          }),
        );
        return { service, outcome: 'patched' };
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
        return { service, outcome: 'gone' };
      }
    });
  }
}
