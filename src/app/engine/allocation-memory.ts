/**
 * Manifests mode's stand-in for the Service status a cluster keeps. In a cluster the status
 * writer puts each allocation in status.loadBalancer.ingress and the next snapshot carries it
 * back, where the planner keeps it before it hands out anything new: that is what keeps an
 * announced address on its service when a service that sorts before it appears. Hand-written
 * manifests have no status and `run --manifests` writes nothing back, so this remembers what the
 * engine would have written and lays it over each snapshot as that status. It lives as long as
 * the process: a restart allocates again from the manifests alone.
 */
import { serviceKey, type ClusterSnapshot, type ServiceInfo } from '../../sync/cluster.js';
import type { AllocationChanges, AllocationWriter } from './ports.js';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export class AllocationMemory implements AllocationWriter {
  /** The addresses written for each service (namespace/name); empty when its status was cleared. */
  private readonly ips = new Map<string, readonly string[]>();

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
   * status the manifest carries, as the status writer's write would. Untouched services (and the
   * snapshot, when none is touched) keep their object, so the planner's diff settles them by
   * identity.
   */
  asStatus(snapshot: ClusterSnapshot): ClusterSnapshot {
    if (this.ips.size === 0) return snapshot;
    let touched = false;
    const services = snapshot.services.map((s): ServiceInfo => {
      const ips = this.ips.get(serviceKey(s));
      if (ips === undefined || sameList(ips, s.statusIngress)) return s;
      touched = true;
      return { ...s, statusIngress: [...ips] };
    });
    return touched ? { ...snapshot, services } : snapshot;
  }
}
