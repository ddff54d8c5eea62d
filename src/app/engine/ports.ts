/**
 * The engine's view of the world: small interfaces that the real sources and effectors are adapted
 * to (src/app/demo, src/app/engine/run-sync.ts) and that unit tests fake.
 */
import type { PeerConfig } from '../../config/model.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import type { Plan, PlannedRoute, ServiceAllocation } from '../../sync/plan-types.js';
import type { SessionStatus, Verdict } from '../../sync/run-status.js';
import type { Listed } from '../../util/listed.js';

export interface SourceListener {
  /**
   * A whole, consistent snapshot. `synced` is false while the source is still listing (informers
   * before their first full list): the engine plans nothing until a synced snapshot arrives, so a
   * restart never hands an IP to a new service before it has seen every existing one.
   */
  snapshot(snapshot: ClusterSnapshot, synced: boolean): void;
  /** The source hit a problem it could not hide (a manifest became unreadable); old state stays. */
  problem(err: Error): void;
}

export interface ClusterSource {
  start(listener: SourceListener): Promise<void>;
  stop(): Promise<void>;
}

/** Config is bound in; the function may keep state between calls (incremental planning). */
export type PlanFn = (snapshot: ClusterSnapshot) => Plan;

export interface AllocationChanges {
  /** Services whose addresses are new or changed (failures included, for Events). */
  changed: ServiceAllocation[];
  /** Services that had an allocation and no longer do. */
  released: string[];
}

/** Writes allocations back (Service status, Events); manifests mode has nowhere to write. */
export interface AllocationWriter {
  write(changes: AllocationChanges): Promise<void>;
}

export type ShutdownMode = 'keep-routes' | 'withdraw';

/** The BGP speaker as the engine uses it. */
export interface RouteAnnouncer {
  /**
   * Replaces the set of routes the peer should have; the speaker sends the difference. The list
   * comes as the plan holds it (src/util/listed.ts), so the difference is found at its size.
   */
  setRoutes(peer: string, routes: Listed<PlannedRoute>): void;
  /**
   * Every peer has its first set of routes: sessions may send their table and End-of-RIB. Until
   * then a session that is up sends nothing, so the router keeps the routes of our previous run.
   */
  initialRoutesSet(): void;
  /** Announces these prefixes again, after the router lost (or changed) routes we had sent. */
  resend(peer: string, prefixes: readonly string[]): void;
  /**
   * Withdraws prefixes the router holds from our session but we never meant to send (left over
   * from an earlier run of ours, or a stale graceful-restart copy).
   */
  withdraw(peer: string, prefixes: readonly string[]): void;
  sessions(): SessionStatus[];
  /** Called on every session state change; returns an unsubscribe function. */
  onSessionChange(listener: (status: SessionStatus) => void): () => void;
  /** keep-routes: Cease and let the router keep stale routes (graceful restart); withdraw: withdraw all first. */
  shutdown(mode: ShutdownMode): Promise<void>;
}

/** Re-adds our neighbor statement on the router (config.manageNeighbors). */
export interface NeighborManager {
  /** Returns the neighbor statement as the router now has it, for the log. */
  ensureNeighbor(peer: PeerConfig): Promise<string>;
}

export type FindingKind =
  | 'session-down'
  | 'neighbor-missing'
  | 'route-missing'
  | 'next-hop-mismatch'
  | 'route-unwanted'
  | 'not-in-fib'
  | 'restart-in-progress'
  | 'other';

/** One difference between the plan and the router, in the terms the engine repairs by. */
export interface Finding {
  kind: FindingKind;
  /** PeerConfig.name */
  peer?: string;
  prefix?: string;
  message: string;
}

/**
 * What one verifier run tells the engine: a verdict and the findings it repairs by, with the
 * verifier's own report (src/sync/verify's Verification for the real one) carried untouched.
 */
export interface VerifierResult<R> {
  verdict: Verdict;
  findings: Finding[];
  /** The verifier's full report, handed to the reporter untouched. */
  report: R;
}

/** Reads the router back (RIB, FIB, sessions, neighbor config) and compares it to the plan. */
export interface Verifier<R> {
  verify(plan: Plan): Promise<VerifierResult<R>>;
}

export type VerificationReason =
  'initial' | 'change' | 'periodic' | 'repair-check' | 'restart-check' | 'session' | 'requested';

export type Reporter<R> = (verification: VerifierResult<R>, reason: VerificationReason) => void;
