import type { Logger } from 'pino';
import type { ConfigDiff } from '../../config/config-diff.js';
import type { Config, PeerConfig } from '../../config/model.js';
import { addressTexts } from '../../ip/address.js';
import type { Metrics, RepairKind } from '../../observability/metrics.js';
import { poolUsage } from '../../observability/pool-usage.js';
import type { Transition } from '../../health/health-checker.js';
import type { NextHopHealth } from '../../health/next-hop-health.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import type { Plan } from '../../sync/plan-types.js';
import { allocationChanges, planChanges } from '../../sync/planner/plan-changes.js';
import { listOf, sizeOf, valuesOf } from '../../util/listed.js';
import { systemClock, type Clock } from '../../util/clock.js';
import { CoalescingRunner } from '../../util/coalescing-runner.js';
import type { PeerSessions } from './peer-sessions.js';
import {
  type AllocationChanges,
  type AllocationWriter,
  type ClusterSource,
  type Finding,
  type NeighborManager,
  type PlanFn,
  type Reporter,
  type RouteAnnouncer,
  type ShutdownMode,
  type VerificationReason,
  type VerifierResult as Verification,
  type Verifier,
} from './ports.js';
import type { SessionStatus } from '../../sync/run-status.js';

const EMPTY_PLAN: Plan = { allocations: [], peers: [], issues: [] };

/** Changes beyond this many per list are summarised in the log rather than listed. */
const LOGGED_CHANGES_LIMIT = 50;

export interface EngineOptions<R> {
  config: Config;
  source: ClusterSource;
  planner: PlanFn;
  announcer: RouteAnnouncer;
  /** Unset: the router is never read (announce-only), so nothing is verified or repaired. */
  verifier?: Verifier<R>;
  allocations?: AllocationWriter;
  neighbors?: NeighborManager;
  /** Unset: every planned next hop is announced (health checks off). */
  health?: NextHopHealth;
  reporter: Reporter<R>;
  metrics: Metrics;
  logger: Logger;
  clock?: Clock;
  /** A burst of snapshots inside this window makes one plan. Default 0: the next timer turn. */
  coalesceMs?: number;
  /** After a change or a repair, give the router this long to take the UPDATEs before verifying. */
  settleMs?: number;
  /** Delay before retrying a failed allocation write. */
  retryMs?: number;
}

/** What a new config replaces in a running engine (see SyncEngine.reconfigure). */
export interface EngineReconfiguration<R> {
  config: Config;
  planner: PlanFn;
  verifier?: Verifier<R>;
  neighbors?: NeighborManager;
}

export type EngineEvent<R> =
  | { type: 'planned'; plan: Plan }
  | { type: 'verified'; verification: Verification<R>; reason: VerificationReason }
  /** The router could not be read (unreachable) or its answer not understood (bad output). */
  | { type: 'verify-failed'; error: unknown; reason: VerificationReason };

/**
 * The sync loop: snapshot -> plan -> effectors -> verification -> report, plus repairs of what
 * verification finds. Single-threaded by construction: planning and handing routes to the speaker
 * are synchronous, so a burst of snapshots collapses into whatever is latest when the coalescing
 * timer fires; only allocation writes and verifications are asynchronous, and each of them runs one
 * at a time and picks up the newest plan when it starts.
 */
export class SyncEngine<R> {
  private readonly clock: Clock;
  private readonly log: Logger;
  private latest: ClusterSnapshot | undefined;
  private synced = false;
  private firstChangeAt: number | undefined;
  private planTimer: unknown;
  private verifyTimer: unknown;
  private verifyTimerReason: VerificationReason | undefined;
  private verifying: Promise<void> | undefined;
  private verifyAgain: VerificationReason | undefined;
  /** Allocation writes, one at a time; changes meanwhile collapse into one more write. */
  private readonly writes = new CoalescingRunner(() => this.writeChangedAllocations());
  private retryTimer: unknown;
  /** The last plan whose allocations were written; the next write sends what differs from it. */
  private written: Plan = EMPTY_PLAN;
  private unsubscribe: (() => void) | undefined;
  private readonly listeners = new Set<(e: EngineEvent<R>) => void>();
  private stopped = false;
  /** What is announced and verified: the planner's plan after health checks. */
  private currentPlan: Plan | undefined;
  /**
   * The planner's own plan and the snapshot it was made from, for re-applying health to (its
   * services are read only then: the list is made when first read, src/util/listed.ts).
   */
  private planned: { plan: Plan; snapshot: ClusterSnapshot } | undefined;
  private healthTimer: unknown;
  /** Prefixes announced although every next hop fails its probe, as last logged. */
  private readonly failedOpen = new Set<string>();
  /** By session name: the peer's, or `<peer>#<slot>` for a path slot session. */
  private readonly establishedSessions = new Set<string>();
  /**
   * Route repairs already sent, by finding kind, peer and prefix, with the finding as it read
   * then. The same finding again means the UPDATE reached the router and changed nothing (an
   * inbound filter, a router without maximum-paths): sending it again would only repeat that,
   * every verification, so it is reported instead until the finding changes or goes away.
   */
  private readonly triedRepairs = new Map<string, { peer: string | undefined; message: string }>();
  /** Verifications in a row that found the router still waiting for our End-of-RIB. */
  private restartChecks = 0;

  /** Replaced as a whole by reconfigure; everything else reads it at each use. */
  constructor(private opts: EngineOptions<R>) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger.child({ component: 'engine' });
  }

  get plan(): Plan | undefined {
    return this.currentPlan;
  }

  get initialSyncDone(): boolean {
    return this.currentPlan !== undefined;
  }

  on(listener: (e: EngineEvent<R>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const offSession = this.opts.announcer.onSessionChange((s) => this.sessionChanged(s));
    const offHealth = this.opts.health?.onTransition((t) => this.healthChanged(t));
    this.unsubscribe = () => {
      offSession();
      offHealth?.();
    };
    this.opts.metrics.setSessionsWhenRead(() => this.opts.announcer.sessions());
    await this.opts.source.start({
      snapshot: (snapshot, synced) => this.snapshotArrived(snapshot, synced),
      problem: (err) => this.log.error({ err }, 'cluster source problem; keeping the last good state'),
    });
  }

  /** Why `/readyz` should say no; empty when ready. */
  readiness(): string[] {
    const reasons: string[] = [];
    if (!this.initialSyncDone) reasons.push('initial sync not done');
    for (const s of this.opts.announcer.sessions()) {
      if (!s.established)
        reasons.push(`BGP session to ${s.session ?? s.peer} (${s.peerAddress}) is ${s.state}`);
    }
    return reasons;
  }

  /**
   * The health checks as /readyz shows them (they never make us unready: a dead node is the
   * cluster's problem, not ours): counts by state, each unhealthy target with its last error, and
   * the prefixes announced failing open.
   */
  healthDetail(): string[] {
    const health = this.opts.health;
    if (health === undefined) return [];
    const statuses = health.statuses();
    const count = (state: string) => statuses.filter((s) => s.state.state === state).length;
    return [
      `health checks: ${statuses.length} targets, ${count('healthy')} healthy, ${count('unhealthy')} unhealthy, ${count('unknown')} unknown`,
      ...statuses
        .filter((s) => s.state.state === 'unhealthy')
        .map(
          (s) =>
            `- unhealthy ${s.target.address}:${s.target.port} (${s.state.lastError ?? 'no error recorded'}): ${s.target.services.join(', ')}`,
        ),
      ...[...this.failedOpen].map((p) => `- ${p}: every next hop unhealthy, all announced (fail open)`),
    ];
  }

  /** Runs a verification now (or right after the one in progress). */
  async verifyNow(reason: VerificationReason = 'requested'): Promise<void> {
    this.clearVerifyTimer();
    await this.runVerification(reason);
  }

  async stop(mode: ShutdownMode): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.clock.clearTimeout(this.planTimer);
    this.clock.clearTimeout(this.retryTimer);
    this.clock.clearTimeout(this.healthTimer);
    this.clearVerifyTimer();
    this.opts.health?.stop();
    await this.opts.source.stop();
    await this.writes.idle();
    await this.verifying;
    this.log.info(
      { mode },
      mode === 'withdraw'
        ? 'withdrawing our routes and closing sessions'
        : 'closing sessions; the router keeps our routes (graceful restart)',
    );
    await this.opts.announcer.shutdown(mode);
    this.unsubscribe?.();
  }

  /**
   * Takes a new config while running, with the least disruption: removed peers end their
   * sessions, a peer whose session fields changed (config-diff's SESSION_FIELDS) has only its own
   * sessions reset, added peers start, and the latest snapshot is planned again by the new
   * planner. The caller found the diff and kept back what only a restart applies. `sessions`:
   * the speaker's peers (the announcer in `run`).
   */
  async reconfigure(next: EngineReconfiguration<R>, diff: ConfigDiff, sessions: PeerSessions): Promise<void> {
    if (this.stopped) return;
    for (const name of diff.peersRemoved) {
      this.log.info({ peer: name }, 'peer removed from the config: closing its session');
      await sessions.removePeer(name);
      for (const session of this.establishedSessions)
        if (session === name || session.startsWith(`${name}#`)) this.establishedSessions.delete(session);
    }
    // The router verifier and neighbor manager are built from the config, so they come anew too
    // (announce-only has neither, before and after).
    this.opts = { ...this.opts, ...next };
    const peers = new Map(next.config.peers.map((p) => [p.name, p]));
    for (const change of diff.peersChanged.filter((c) => c.resetSession)) {
      this.log.info(
        { peer: change.name, fields: change.fields },
        'peer changed in the config: resetting its session only',
      );
      await sessions.resetPeer(peers.get(change.name)!);
    }
    for (const peer of diff.peersAdded) {
      this.log.info({ peer: peer.name, peerAddress: peer.peerAddress }, 'peer added to the config');
      sessions.addPeer(peer);
    }
    // Repairs tried under the old config say nothing about the new one.
    this.triedRepairs.clear();
    if (this.stopped || !this.synced) return;
    this.clock.clearTimeout(this.planTimer);
    this.firstChangeAt ??= this.clock.now();
    this.reconcile();
  }

  private emit(e: EngineEvent<R>): void {
    for (const l of this.listeners) l(e);
  }

  private snapshotArrived(snapshot: ClusterSnapshot, synced: boolean): void {
    if (this.stopped) return;
    this.latest = snapshot;
    this.firstChangeAt ??= this.clock.now();
    if (synced && !this.synced) {
      this.synced = true;
      this.log.info(
        { services: snapshot.services.length, nodes: snapshot.nodes.length },
        'initial cluster state complete',
      );
    }
    if (!this.synced) return;
    if (this.planTimer === undefined) {
      this.planTimer = this.clock.setTimeout(() => this.reconcile(), this.opts.coalesceMs ?? 0);
    }
  }

  private reconcile(): void {
    this.planTimer = undefined;
    const snapshot = this.latest;
    if (this.stopped || snapshot === undefined) return;
    const changeAt = this.firstChangeAt ?? this.clock.now();
    this.firstChangeAt = undefined;
    const { config, announcer, metrics } = this.opts;

    let plan: Plan;
    try {
      plan = this.opts.planner(snapshot);
    } catch (err) {
      // The previous plan stays in force; the next snapshot tries again.
      this.log.error({ err }, 'planning failed; keeping the previous plan');
      return;
    }
    this.planned = { plan, snapshot };
    plan = this.afterHealth(plan, snapshot);
    const previous = this.currentPlan;
    this.currentPlan = plan;
    const routesOf = new Map(plan.peers.map((p) => [p.peer, listOf(p, 'routes')]));
    // Routes first, status writes after: announcing does not wait on the API server.
    for (const peer of config.peers) announcer.setRoutes(peer.name, routesOf.get(peer.name) ?? []);
    // Only now is End-of-RIB true for every session: sent earlier, after a table of nothing, it
    // would make the router drop the routes it kept for us across our restart (RFC 4724 §4.1).
    if (previous === undefined) announcer.initialRoutesSet();
    metrics.reconcileSeconds.observe((this.clock.now() - changeAt) / 1000);
    metrics.planComputed();

    this.recordPlanMetrics(plan, previous);
    this.logPlanChanges(previous ?? EMPTY_PLAN, plan);
    for (const issue of plan.issues) this.log.debug({ ...issue }, 'advertisement issue');
    this.emit({ type: 'planned', plan });
    this.writeAllocations();
    this.scheduleVerify(previous === undefined ? 'initial' : 'change', this.opts.settleMs ?? 1000);
  }

  private afterHealth(plan: Plan, snapshot: ClusterSnapshot): Plan {
    const health = this.opts.health;
    if (health === undefined) return plan;
    // The map behind the snapshot's Services: health looks up the changed ones only.
    const applied = health.apply(plan, listOf(snapshot, 'services'));
    for (const f of applied.opened) {
      this.failedOpen.add(f.prefix);
      // Withdrawing them all would black-hole the service over a probe path that may be the only
      // thing broken; cloud load balancers fail open for the same reason.
      this.log.error(
        { prefix: f.prefix, nextHops: addressTexts(f.nextHops) },
        `every next hop of ${f.prefix} fails its health check: announcing them all (fail open)`,
      );
    }
    for (const prefix of applied.closed) {
      this.failedOpen.delete(prefix);
      this.log.info({ prefix }, `${prefix} has a healthy next hop again`);
    }
    return applied.plan;
  }

  /** A probe target changed state: re-apply health to the plan in force, on the next turn. */
  private healthChanged(t: Transition): void {
    this.log[t.to === 'unhealthy' ? 'warn' : 'info'](
      {
        target: `${t.target.address}:${t.target.port}`,
        from: t.from,
        to: t.to,
        services: t.target.services,
        ...(t.lastError !== undefined ? { lastError: t.lastError } : {}),
      },
      `next hop ${t.target.address} ${t.to === 'unhealthy' ? 'fails' : 'passes'} its health check`,
    );
    if (this.stopped || this.healthTimer !== undefined) return;
    this.healthTimer = this.clock.setTimeout(() => this.reapplyHealth(), 0);
  }

  private reapplyHealth(): void {
    this.healthTimer = undefined;
    const planned = this.planned;
    const previous = this.currentPlan;
    if (this.stopped || planned === undefined || previous === undefined) return;
    const plan = this.afterHealth(planned.plan, planned.snapshot);
    if (plan.peers === previous.peers) return;
    this.currentPlan = plan;
    const routesOf = new Map(plan.peers.map((p) => [p.peer, listOf(p, 'routes')]));
    // The announcer sends only the routes whose next hops changed (their changed middle).
    for (const peer of this.opts.config.peers)
      this.opts.announcer.setRoutes(peer.name, routesOf.get(peer.name) ?? []);
    this.recordPlanMetrics(plan, previous);
    this.logPlanChanges(previous, plan);
    this.emit({ type: 'planned', plan });
    this.scheduleVerify('change', this.opts.settleMs ?? 1000);
  }

  private logPlanChanges(previous: Plan, plan: Plan): void {
    // Per-route lines at the scale a person reads; a big re-plan gets a summary line and no diff.
    const diff = planChanges(previous, plan, LOGGED_CHANGES_LIMIT);
    if (diff === undefined) {
      this.log.info(
        {
          routes: Object.fromEntries(plan.peers.map((p) => [p.peer, sizeOf(listOf(p, 'routes'))])),
          allocations: sizeOf(listOf(plan, 'allocations')),
        },
        'plan changed in many places',
      );
      return;
    }
    for (const p of diff.peers) {
      const count = p.added.length + p.removed.length + p.changed.length;
      if (count > LOGGED_CHANGES_LIMIT) {
        this.log.info(
          { peer: p.peer, added: p.added.length, removed: p.removed.length, changed: p.changed.length },
          'routes changed',
        );
        continue;
      }
      for (const r of p.added)
        this.log.info(
          { peer: p.peer, nextHops: addressTexts(r.nextHops), services: r.services },
          `announce ${r.prefix.text}`,
        );
      for (const c of p.changed) {
        this.log.info(
          {
            peer: p.peer,
            nextHops: addressTexts(c.after.nextHops),
            previous: addressTexts(c.before.nextHops),
            services: c.after.services,
          },
          `change ${c.after.prefix.text}`,
        );
      }
      for (const r of p.removed)
        this.log.info({ peer: p.peer, services: r.services }, `withdraw ${r.prefix.text}`);
    }
    for (const a of diff.allocations) {
      this.log.info(
        { service: a.service, ips: a.after?.ips ?? [], failure: a.after?.failure },
        `allocation ${a.kind}`,
      );
    }
  }

  private recordPlanMetrics(plan: Plan, previous: Plan | undefined): void {
    const { metrics, config } = this.opts;
    metrics.setRoutesAnnouncedWhenRead(
      () => new Map(plan.peers.map((p) => [p.peer, sizeOf(listOf(p, 'routes'))])),
    );
    // The planner hands out the same allocation list when no allocation changed. The list is
    // made into an array only when the figures are read (a scrape), not per plan.
    const list = listOf(plan, 'allocations');
    if (previous !== undefined && listOf(previous, 'allocations') === list) return;
    metrics.setPoolFiguresWhenRead(() => {
      const allocations = valuesOf(list);
      const failures = new Map<string, number>();
      for (const a of allocations) {
        if (a.failure) failures.set(a.failure.reason, (failures.get(a.failure.reason) ?? 0) + 1);
      }
      return { usage: poolUsage(config.pools, allocations), failures };
    });
  }

  private writeAllocations(): void {
    if (this.opts.allocations) this.writes.request();
  }

  /** Writes what differs from the last written plan; false when the loop must stop (see CoalescingRunner). */
  private async writeChangedAllocations(): Promise<boolean> {
    const writer = this.opts.allocations;
    const plan = this.currentPlan;
    if (!writer || !plan || this.stopped) return false;
    const diff = allocationChanges(this.written, plan);
    if (diff.length === 0) return true;
    const changes: AllocationChanges = {
      changed: diff.flatMap((c) => (c.after ? [c.after] : [])),
      released: diff.filter((c) => c.kind === 'removed').map((c) => c.service),
    };
    try {
      await writer.write(changes);
    } catch (err) {
      this.log.error({ err }, 'writing allocations failed; retrying');
      this.retryTimer = this.clock.setTimeout(() => this.writeAllocations(), this.opts.retryMs ?? 5000);
      return false;
    }
    this.written = plan;
    return true;
  }

  private sessionChanged(s: SessionStatus): void {
    // A peer with path slots has one session per slot, each up and down on its own.
    const session = s.session ?? s.peer;
    const wasEstablished = this.establishedSessions.has(session);
    const fields = { peer: session, peerAddress: s.peerAddress, state: s.state };
    if (s.established) {
      this.establishedSessions.add(session);
      // A new session sends its whole table: what it leaves unfixed is a new state to judge.
      for (const [key, tried] of [...this.triedRepairs])
        if (tried.peer === s.peer) this.triedRepairs.delete(key);
      this.log.info(fields, 'BGP session established');
      if (this.currentPlan) this.scheduleVerify('session', this.opts.settleMs ?? 1000);
    } else if (wasEstablished) {
      this.establishedSessions.delete(session);
      this.opts.metrics.sessionDropped(session);
      this.log.warn(fields, 'BGP session down; the speaker reconnects');
    } else {
      this.log.debug(fields, 'BGP session state');
    }
  }

  private clearVerifyTimer(): void {
    if (this.verifyTimer !== undefined) this.clock.clearTimeout(this.verifyTimer);
    this.verifyTimer = undefined;
    this.verifyTimerReason = undefined;
  }

  /**
   * A pending verification is never pushed back by a newer request (a steady stream of changes
   * must not starve verification); the one that runs reads the newest plan anyway.
   */
  private scheduleVerify(reason: VerificationReason, delayMs: number): void {
    if (this.stopped || this.opts.verifier === undefined) return;
    if (this.verifyTimer !== undefined) {
      if (this.verifyTimerReason !== 'periodic') return;
      this.clearVerifyTimer();
    }
    this.verifyTimerReason = reason;
    this.verifyTimer = this.clock.setTimeout(() => {
      this.verifyTimer = undefined;
      this.verifyTimerReason = undefined;
      void this.runVerification(reason);
    }, delayMs);
  }

  private runVerification(reason: VerificationReason): Promise<void> {
    if (this.verifying) {
      this.verifyAgain ??= reason;
      return this.verifying;
    }
    this.verifying = this.verifyOnce(reason).finally(() => {
      this.verifying = undefined;
      const again = this.verifyAgain;
      this.verifyAgain = undefined;
      if (again !== undefined && !this.stopped) void this.runVerification(again);
      else this.scheduleVerify('periodic', this.opts.config.verifyIntervalSec * 1000);
    });
    return this.verifying;
  }

  private async verifyOnce(reason: VerificationReason): Promise<void> {
    const plan = this.currentPlan;
    const verifier = this.opts.verifier;
    if (!plan || this.stopped || verifier === undefined) return;
    let verification: Verification<R>;
    try {
      verification = await verifier.verify(plan);
    } catch (err) {
      this.opts.metrics.verification('unreachable');
      this.log.error({ err, reason }, 'verification failed');
      this.emit({ type: 'verify-failed', error: err, reason });
      return;
    }
    if (this.stopped) return;
    if (this.currentPlan !== plan) {
      // The router was read while a newer plan went out: its routes would look unwanted (or the
      // old plan's missing) and a repair would fight the change. Judge the router against the
      // plan it has had time to take.
      this.log.debug({ reason }, 'plan changed during verification; verifying again');
      this.verifyAgain ??= 'change';
      return;
    }
    this.opts.metrics.verification(verification.verdict);
    this.log[verification.verdict === 'ok' ? 'info' : 'warn'](
      { reason, verdict: verification.verdict, findings: verification.findings.length },
      'router verified',
    );
    this.opts.reporter(verification, reason);
    this.emit({ type: 'verified', verification, reason });
    // A router still waiting for our End-of-RIB has not taken our table yet: its routes are
    // neither missing nor unwanted until it has. Nothing of such a peer is repaired or counted as
    // drift meanwhile (counted, every restart would feed the unrepaired-drift alert).
    const restarting = new Set(
      verification.findings.filter((f) => f.kind === 'restart-in-progress').map((f) => f.peer),
    );
    const repaired = await this.repair(
      plan,
      verification.findings.filter((f) => !restarting.has(f.peer)),
    );
    if (restarting.size > 0) this.verifyAfterRestart();
    else {
      this.restartChecks = 0;
      if (repaired && reason !== 'repair-check') this.verifyAgainSoon();
    }
  }

  /**
   * The router keeps our previous session's routes as stale until our End-of-RIB reaches it (RFC
   * 4724 section 4.2): what it shows before then proves nothing, so look again, first soon, then
   * less often (a router that never records the End-of-RIB is not read every second for good).
   */
  private verifyAfterRestart(): void {
    const settle = this.opts.settleMs ?? 1000;
    const delay = Math.min(
      settle * 2 ** Math.min(this.restartChecks, 10),
      this.opts.config.verifyIntervalSec * 1000,
    );
    this.restartChecks++;
    this.clearVerifyTimer();
    this.scheduleVerify('restart-check', delay);
  }

  private verifyAgainSoon(): void {
    this.clearVerifyTimer();
    this.scheduleVerify('repair-check', this.opts.settleMs ?? 1000);
  }

  /** Acts on findings; returns whether anything was repaired (so the result gets checked). */
  private async repair(plan: Plan, findings: readonly Finding[]): Promise<boolean> {
    const { announcer, metrics, config } = this.opts;
    const established = new Set(
      announcer
        .sessions()
        .filter((s) => s.established)
        .map((s) => s.peer),
    );
    const repairable = (peer: string | undefined): peer is string =>
      peer !== undefined && established.has(peer);
    const resend = new Map<string, string[]>();
    const unwanted = new Map<string, string[]>();
    const tried = new Map<string, { peer: string | undefined; message: string }>();
    /** Whether the same repair already failed to fix the same finding (see triedRepairs). */
    const repeated = (f: Finding): boolean => {
      const key = `${f.kind} ${f.peer ?? ''} ${f.prefix ?? ''}`;
      tried.set(key, { peer: f.peer, message: f.message });
      if (this.triedRepairs.get(key)?.message !== f.message) return false;
      metrics.reported(f.kind);
      this.log.warn(
        { peer: f.peer, prefix: f.prefix, finding: f.message },
        'unchanged after a repair was sent for it: reported, not repaired again',
      );
      return true;
    };
    let repaired = false;
    const count = (kind: RepairKind, f: Finding, msg: string) => {
      metrics.repaired(kind);
      this.log.warn({ peer: f.peer, prefix: f.prefix, finding: f.message, repair: kind }, msg);
      repaired = true;
    };
    for (const f of findings) {
      switch (f.kind) {
        case 'session-down':
          // The speaker reconnects by itself; nothing to do but say so.
          metrics.reported(f.kind);
          this.log.warn({ peer: f.peer, finding: f.message }, 'router reports our session down');
          break;
        case 'route-missing':
        case 'next-hop-mismatch':
          if (!repairable(f.peer)) {
            metrics.reported(f.kind);
            break;
          }
          if (repeated(f)) break;
          if (f.prefix !== undefined) resend.set(f.peer, [...(resend.get(f.peer) ?? []), f.prefix]);
          count('reannounce', f, `re-announcing ${f.prefix ?? 'routes'}`);
          break;
        case 'route-unwanted':
          if (!repairable(f.peer) || f.prefix === undefined) {
            metrics.reported(f.kind);
            break;
          }
          if (repeated(f)) break;
          unwanted.set(f.peer, [...(unwanted.get(f.peer) ?? []), f.prefix]);
          count('withdraw-unwanted', f, `withdrawing unwanted ${f.prefix}`);
          break;
        case 'neighbor-missing': {
          const peer = config.peers.find((p) => p.name === f.peer);
          if (!config.manageNeighbors || !this.opts.neighbors || !peer) {
            metrics.reported(f.kind);
            this.log.warn(
              { peer: f.peer, finding: f.message },
              'our neighbor statement is missing on the router (manageNeighbors is off: reported only)',
            );
            break;
          }
          const statement = await this.readdNeighbor(peer);
          if (statement !== undefined) count('neighbor-readd', f, `re-added ${statement}`);
          break;
        }
        case 'not-in-fib':
        case 'other':
          metrics.reported(f.kind);
          break;
      }
    }
    // A finding gone (fixed, or changed) forgets its repair: if it comes back, it is tried again.
    this.triedRepairs.clear();
    for (const [key, entry] of tried) this.triedRepairs.set(key, entry);
    const desired = new Map(plan.peers.map((p) => [p.peer, p.routes]));
    for (const [peer, prefixes] of unwanted) {
      announcer.withdraw(peer, prefixes);
      // The desired set goes out again too, in case an unwanted prefix shadowed a wanted path.
      announcer.setRoutes(peer, desired.get(peer) ?? []);
    }
    for (const [peer, prefixes] of resend) announcer.resend(peer, prefixes);
    return repaired;
  }

  private async readdNeighbor(peer: PeerConfig): Promise<string | undefined> {
    try {
      return await this.opts.neighbors!.ensureNeighbor(peer);
    } catch (err) {
      this.opts.metrics.reported('neighbor-missing');
      this.log.error({ err, peer: peer.name }, 'could not re-add our neighbor statement');
      return undefined;
    }
  }
}
