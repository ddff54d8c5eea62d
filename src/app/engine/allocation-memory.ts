/**
 * The engine's own allocations laid over each snapshot as the services' status, for as long as
 * the status does not carry them. The planner keeps a service's address only through its status
 * (status.loadBalancer.ingress): a service without one gets the lowest free address of a whole
 * pass, so when a service that sorts before it is deleted, the pass hands it the freed address.
 * - Manifests mode: hand-written manifests have no status and `run --manifests` writes nothing
 *   back, so the memory stands for the status for as long as the process lives (a restart
 *   allocates again from the manifests alone).
 * - Cluster mode (`untilWritten`): the controller writes the status, but after the Services
 *   before it in its round (Events and route annotations of every Service, 82 s at 1,000): a
 *   Service created meanwhile has an announced address that no status keeps yet, and a deletion
 *   in that window moved it onto the deleted Service's address instead of withdrawing that
 *   (kube-path bench, 1,000 Services). Once a snapshot's status carries the address, the status
 *   keeps it and the memory lets go.
 */
import {
  serviceKey,
  servicesByKey,
  withServices,
  type ClusterSnapshot,
  type ServiceInfo,
} from '../../sync/cluster.js';
import { findListed, listOf } from '../../util/listed.js';
import type { SortedMap } from '../../util/sorted-map.js';
import type { AllocationChanges, AllocationWriter } from './ports.js';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class AllocationMemory implements AllocationWriter {
  /** The addresses written for each service (namespace/name); empty when its status was cleared. */
  private readonly ips = new Map<string, readonly string[]>();
  /** Each service object as last laid over, by the object it was laid over. */
  private readonly laid = new WeakMap<ServiceInfo, ServiceInfo>();

  constructor(private readonly opts: { untilWritten?: boolean } = {}) {}

  /**
   * Takes effect before it returns: the engine calls it right after planning, so the next
   * snapshot is always laid over the newest allocations.
   */
  write(changes: AllocationChanges): Promise<void> {
    for (const a of changes.changed) this.ips.set(a.service, a.ips);
    for (const service of changes.released) this.ips.delete(service);
    return Promise.resolve();
  }

  /**
   * The snapshot with each remembered allocation as its service's status, replacing whatever
   * status the snapshot carries, as the status writer's write would. Untouched services (and the
   * snapshot, when none is touched) keep their object, and a service laid over again is the same
   * object as the last time, so the planner's diff settles them by identity. Services are looked
   * up and replaced by key, in the snapshot's persistent map: its list is not made or copied.
   */
  asStatus(snapshot: ClusterSnapshot): ClusterSnapshot {
    const listed = listOf(snapshot, 'services');
    let services: SortedMap<string, ServiceInfo> | undefined;
    for (const [key, ips] of this.ips) {
      const s = findListed(listed, key, serviceKey);
      if (s === undefined) continue;
      if (sameList(ips, s.statusIngress)) {
        // Deleting from a Map while iterating it is well defined: the walk goes on with the next.
        if (this.opts.untilWritten === true) this.ips.delete(key);
        continue;
      }
      let laid = this.laid.get(s);
      if (laid === undefined || !sameList(ips, laid.statusIngress)) {
        laid = { ...s, statusIngress: [...ips] };
        this.laid.set(s, laid);
      }
      services = (services ?? servicesByKey(snapshot)).set(key, laid);
    }
    return services ? withServices(snapshot, services) : snapshot;
  }
}
