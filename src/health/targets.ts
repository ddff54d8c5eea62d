/**
 * Probe targets: what to ask kube-proxy about each next hop, the way cloud load balancers do.
 * kube-proxy answers `GET /healthz` on a Local service's spec.healthCheckNodePort with 200 only
 * while the node has ready local endpoints of that service (503 otherwise), and on its own
 * healthz port (10256 by default) for the node as a whole, which is what a Cluster-policy service
 * needs: any node with a working kube-proxy forwards it.
 */
import type { ServiceInfo } from '../sync/cluster.js';

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
export function probePort(service: ServiceInfo | undefined, nodeHealthPort: number): number {
  if (service?.externalTrafficPolicy === 'Local' && service.healthCheckNodePort !== undefined)
    return service.healthCheckNodePort;
  return nodeHealthPort;
}
