/**
 * Probe targets: what to ask kube-proxy about each next hop, the way cloud load balancers do.
 * kube-proxy answers `GET /healthz` on a Local service's spec.healthCheckNodePort with 200 only
 * while the node has ready local endpoints of that service (503 otherwise), and on its own
 * healthz port (10256 by default) for the node as a whole, which is what a Cluster-policy service
 * needs: any node with a working kube-proxy forwards it.
 */
import type { ServiceInfo } from '../sync/cluster.js';
import { serviceKey } from '../sync/cluster.js';
import type { PlannedRoute } from '../sync/plan-types.js';

export interface ProbeTarget {
  /** `address|port`; one probe per key however many services and prefixes share it. */
  key: string;
  /** The node address, as the planner put it in the next hops. */
  address: string;
  port: number;
  /** Services (`namespace/name`) whose next hop on this node this target decides, sorted. */
  services: string[];
}

export function targetKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** The port that tells whether `service` works through a node: its own, or kube-proxy's. */
function probePort(service: ServiceInfo | undefined, nodeHealthPort: number): number {
  if (service?.externalTrafficPolicy === 'Local' && service.healthCheckNodePort !== undefined)
    return service.healthCheckNodePort;
  return nodeHealthPort;
}

/**
 * Per route and next hop, the keys of the targets that decide it (one per service the route
 * carries that maps to a distinct port), keyed `prefix` -> `nextHop` -> keys.
 */
export type RouteTargets = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

export interface TargetPlan {
  targets: ProbeTarget[];
  routes: RouteTargets;
}

/**
 * The targets of every next hop of `routes` (the same prefix planned for several peers counts
 * once). Services missing from `services` (a route planned from an older snapshot) are probed
 * on the node port, the answer that is right for any policy while kube-proxy lives.
 */
export function probeTargets(
  routes: Iterable<PlannedRoute>,
  services: readonly ServiceInfo[],
  nodeHealthPort: number,
): TargetPlan {
  const byKey = new Map(services.map((s) => [serviceKey(s), s]));
  const targets = new Map<string, { address: string; port: number; services: Set<string> }>();
  const perRoute = new Map<string, Map<string, string[]>>();
  for (const route of routes) {
    let hops = perRoute.get(route.prefix.text);
    if (hops === undefined) perRoute.set(route.prefix.text, (hops = new Map()));
    for (const { text: nextHop } of route.nextHops) {
      const keys = new Set(hops.get(nextHop));
      for (const name of route.services) {
        const port = probePort(byKey.get(name), nodeHealthPort);
        const key = targetKey(nextHop, port);
        keys.add(key);
        let target = targets.get(key);
        if (target === undefined)
          targets.set(key, (target = { address: nextHop, port, services: new Set() }));
        target.services.add(name);
      }
      hops.set(nextHop, [...keys].sort());
    }
  }
  return {
    targets: [...targets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, t]) => ({ key, address: t.address, port: t.port, services: [...t.services].sort() })),
    routes: perRoute,
  };
}
