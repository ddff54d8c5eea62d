/**
 * The planner's output: a plain, stably ordered value that the speaker, the status writer, the
 * verifier and the reports all consume.
 */
import type { DesiredRoute } from '../bgp/routes.js';
import type { RouteAddress } from '../ip/address.js';

export type AllocationFailureReason =
  | 'pool-exhausted'
  | 'requested-ip-not-in-pool'
  | 'requested-ip-in-use'
  | 'sharing-conflict'
  | 'wrong-family'
  | 'invalid-request'
  | 'no-pool'
  | 'class-mismatch';

export interface ServiceAllocation {
  /** `namespace/name`. */
  service: string;
  /** Allocated addresses, at most one per family, IPv4 first. */
  ips: string[];
  /** Pool each IP came from, parallel to `ips`. */
  pools: string[];
  /** Set when the service wanted an IP and did not get (all of) it. */
  failure?: { reason: AllocationFailureReason; message: string };
}

/**
 * A route to announce: what the speaker takes (DesiredRoute: the prefix, canonical, or an
 * aggregate; the node addresses as next hops, sorted; the attributes) and why.
 */
export interface PlannedRoute extends DesiredRoute {
  family: 4 | 6;
  /** Services (`namespace/name`) this route carries, sorted. */
  services: string[];
  /**
   * Set by health checks (src/health) on a route some of whose planned next hops fail their
   * probes: those next hops with the probe's last error, taken out of `nextHops`, or all kept
   * when every one fails (`failedOpen`).
   */
  health?: { unhealthy: Array<{ nextHop: RouteAddress; error: string }>; failedOpen: boolean };
}

export interface PeerRoutes {
  /** PeerConfig.name */
  peer: string;
  peerAddress: string;
  /** Sorted by family then numeric prefix. */
  routes: PlannedRoute[];
}

/** Why a service with an IP is not announced (no ready endpoints, conflicting localPref...). */
export interface AdvertisementIssue {
  service: string;
  peer?: string;
  message: string;
}

export interface Plan {
  /** Sorted by service key. */
  allocations: ServiceAllocation[];
  /** Sorted by peer name. */
  peers: PeerRoutes[];
  issues: AdvertisementIssue[];
}
