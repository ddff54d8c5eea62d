/*
 * What a run tells about itself, beside the plan: the state of each BGP session and the outcome
 * of each verification. The engine (src/app/engine) produces them and the metrics
 * (src/observability/metrics.ts) read them, so they live below both.
 */

export interface SessionStatus {
  /** PeerConfig.name */
  peer: string;
  /** The session's own name when the peer has several (path slots): `<peer>#<slot>`. */
  session?: string;
  peerAddress: string;
  peerPort: number;
  /** FSM state as the speaker names it, e.g. `Established`, `Active`, `Connect`. */
  state: string;
  established: boolean;
  /** Prefixes sent on the session (Adj-RIB-Out). */
  announcedPrefixes: number;
}

/** A verification's outcome as a whole; also the label of crs_drift_reported_total. */
export type Verdict = 'ok' | 'drift' | 'unreachable';
