/**
 * The verifier's output: a plain, stably ordered value every report renderer consumes. Field
 * names are part of the JSON report schema (docs/report-schema.json); change them together.
 */

/**
 * `restarting`: Established, but the router has not yet received our End-of-RIB after our
 * restart, so the routes it shows may still be our previous session's, kept as stale (RFC 4724
 * section 4.2), and any we did not send again go when the End-of-RIB arrives.
 */
export type SessionVerdict = 'ok' | 'down' | 'missing' | 'restarting';

export type RouteVerdict =
  'ok' | 'missing' | 'wrong-nexthop' | 'not-in-fib' | 'unexpected' | 'ecmp-incomplete';

export const SESSION_VERDICTS: readonly SessionVerdict[] = ['ok', 'down', 'missing', 'restarting'];
export const ROUTE_VERDICTS: readonly RouteVerdict[] = [
  'ok',
  'missing',
  'wrong-nexthop',
  'not-in-fib',
  'unexpected',
  'ecmp-incomplete',
];

export interface SessionCheck {
  /** Configured peers (PeerConfig.name) this session serves, sorted. */
  peers: string[];
  /** The router's neighbor address; `*` when any neighbor in `expectedAs` would do and none exists. */
  neighbor: string;
  expectedAs: number;
  actualAs?: number;
  /** FSM state as the router printed it; absent when the router has no such neighbor. */
  state?: string;
  prefixesReceived?: number;
  upDown?: string;
  verdict: SessionVerdict;
  detail?: string;
}

export interface RouteCheck {
  prefix: string;
  family: 4 | 6;
  /** Status codes as the router shows them (`B>*`); empty when the router has no such route. */
  codes: string;
  /** Sorted; empty for an unexpected route. */
  expectedNextHops: string[];
  /** In the router's order. */
  actualNextHops: string[];
  age?: string;
  /** Owning services (`namespace/name`), sorted. */
  services: string[];
  verdict: RouteVerdict;
  detail?: string;
  /**
   * Planned next hops the router cannot hold by design, sorted: the sessions have no ADD-PATH
   * and there are fewer of them (path slots) than next hops. Absent when every one can be held.
   */
  notCarried?: string[];
  /**
   * Planned next hops failing their health probes, with the probe's last error: left out of
   * `expectedNextHops`, unless every one fails (then all are expected: fail open).
   */
  unhealthy?: Array<{ nextHop: string; error: string }>;
}

/** Something worth knowing that is not drift by itself (allocation failures, unannounced IPs). */
export interface VerificationNote {
  /** A service key, a peer name, or `router`. */
  subject: string;
  message: string;
}

export interface VerificationSummary {
  status: 'ok' | 'drift';
  sessions: Record<SessionVerdict, number> & { total: number };
  routes: Record<RouteVerdict, number> & { total: number };
}

export interface Verification {
  router: { routerId?: string; localAs?: number };
  /** Configured peers whose routes this router is expected to carry, sorted. */
  peers: string[];
  /** Sorted by neighbor address (numerically), `*` rows last. */
  sessions: SessionCheck[];
  /** Sorted by family, then prefix numerically. */
  routes: RouteCheck[];
  notes: VerificationNote[];
  summary: VerificationSummary;
}
