/**
 * Wires the Kubernetes side together: the cluster source feeds snapshots to a decision function
 * (the planner, supplied by the caller); while this replica leads, the decisions are written
 * back as Service status, pool annotation and events. Followers keep their caches warm and write
 * nothing, so a takeover starts from a full view.
 */
import type { ServiceEvent, DecisionInput, EventRecorderOptions } from './service-events.js';
import { DecisionEvents, ServiceEventRecorder } from './service-events.js';
import { KubeClusterSource, type ClusterUpdate, type KubeClusterSourceOptions } from './cluster-source.js';
import type { KubeClient } from './kube-client.js';
import { LeaderElector, type LeaderElectionOptions } from './leader-election.js';
import {
  ServiceStatusWriter,
  type ServiceObject,
  type StatusWriteResult,
  type StatusWriterOptions,
} from './status-writer.js';
import {
  RouteAnnotationWriter,
  type AnnotationPatch,
  type RouteAnnotationResult,
} from './route-annotations.js';
import { poolStatuses, serviceStatuses } from '../sync/status/index.js';
import type { AddressPool } from '../config/model.js';
import { PoolStatusConfigMapWriter } from './pool-status-configmap.js';
import type { Verification } from '../sync/verify/verification.js';
import { serviceKey, type ClusterSnapshot, type ServiceInfo } from '../sync/cluster.js';
import type { ServiceAllocation } from '../sync/plan-types.js';
import { findListed, listOf, valuesOf, type Listed } from '../util/listed.js';
import { PlanIndex } from './plan-index.js';
import { OwnWrites } from './own-writes.js';

type Decide = (update: ClusterUpdate) => DecisionInput;

export interface AppliedDecisions {
  status: StatusWriteResult[];
  events: ServiceEvent[];
  /**
   * Route annotations patched on their own (only with `routeAnnotations`); a Service whose status
   * was written had them in its pool annotation's patch.
   */
  routes: RouteAnnotationResult[];
  /** What became of the pool status ConfigMap (only with `poolStatus`). */
  pools?: 'created' | 'updated' | 'unchanged' | 'conflict';
}

interface KubeControllerOptions {
  decide: Decide;
  onError: (err: Error, where: string) => void;
  /** Without it this replica always leads (a single replica, or tests). */
  leaderElection?: Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onError'>;
  /** Gate for whatever else must run on the leader only (the BGP speaker). */
  onLeadership?: (leading: boolean) => void;
  onUpdate?: (update: ClusterUpdate) => void;
  onApplied?: (applied: AppliedDecisions) => void;
  source?: Omit<KubeClusterSourceOptions, 'onUpdate' | 'onError' | 'ownWrites' | 'holdEchoes'>;
  statusWriter?: StatusWriterOptions;
  events?: EventRecorderOptions;
  /**
   * Also keep the annotations that say which peers carry a service and whether the router has
   * its routes (src/k8s/route-annotations.ts), fed by `verified()`.
   */
  routeAnnotations?: boolean;
  /** Also keep per-pool counts in a ConfigMap in this namespace (src/k8s/pool-status-configmap.ts). */
  poolStatus?: {
    namespace: string;
    pools: readonly AddressPool[];
    /** At most one write of the ConfigMap per this many ms. Default POOL_STATUS_INTERVAL_MS. */
    intervalMs?: number;
  };
}

/**
 * The pool status ConfigMap is written at most once a second: each Service added or deleted
 * changes the counts, and a write per change was a fifth of a change's requests on the cluster
 * path (docs/benchmarks.md). Counts a person reads with kubectl lose nothing by a second's delay;
 * the last change of a burst is written when its second is over.
 */
const POOL_STATUS_INTERVAL_MS = 1000;

export class KubeController {
  private readonly source: KubeClusterSource;
  private readonly writer: ServiceStatusWriter;
  private readonly routeWriter: RouteAnnotationWriter | undefined;
  private readonly poolWriter: PoolStatusConfigMapWriter | undefined;
  private verification: Verification | undefined;
  private readonly recorder: ServiceEventRecorder;
  private readonly elector: LeaderElector | undefined;
  private decisionEvents: DecisionEvents;
  private leading: boolean;
  private latest: ClusterUpdate | undefined;
  /** The decisions as last applied, by service; reset whenever every service must be looked at. */
  private readonly applied = new PlanIndex();
  /** Services changed by updates not applied yet; undefined: every service (a full pass). */
  private dirty: Set<string> | undefined;
  /** The allocations the pool ConfigMap was last written from (the planner keeps the list when none changed). */
  private poolsWrittenFrom: unknown;
  /** When the pool ConfigMap was last written (Date.now()), and the apply waiting for its interval. */
  private poolsWrittenAt = -Infinity;
  private poolsTimer: NodeJS.Timeout | undefined;
  /** Stopped: no apply starts, not even the one a pool write waits for. */
  private stopped = false;
  private applying: Promise<void> = Promise.resolve();
  private pending = false;
  /** An apply is writing: the watch events of its writes wait for its end (cluster-source.ts). */
  private writing = false;

  constructor(
    client: KubeClient,
    private readonly opts: KubeControllerOptions,
  ) {
    const ownWrites = new OwnWrites();
    this.source = new KubeClusterSource(client, {
      ...opts.source,
      onUpdate: (u) => this.updated(u),
      onError: (err, resource) => opts.onError(err, `watch ${resource}`),
      ownWrites,
      holdEchoes: () => this.writing,
    });
    this.writer = new ServiceStatusWriter(
      client,
      opts.statusWriter,
      ownWrites,
      (key) =>
        // The reflector keeps the objects as the API served them.
        this.source.service(key) as ServiceObject | undefined,
    );
    this.poolWriter = opts.poolStatus
      ? new PoolStatusConfigMapWriter(client, opts.poolStatus.namespace, opts.statusWriter?.fieldManager)
      : undefined;
    this.routeWriter = opts.routeAnnotations
      ? new RouteAnnotationWriter(client, opts.statusWriter?.fieldManager, ownWrites)
      : undefined;
    this.recorder = new ServiceEventRecorder(client, opts.events);
    this.decisionEvents = new DecisionEvents();
    this.leading = !opts.leaderElection;
    this.elector = opts.leaderElection
      ? new LeaderElector(client, {
          ...opts.leaderElection,
          onStartedLeading: () => this.setLeading(true),
          onStoppedLeading: () => this.setLeading(false),
          onError: (err) => opts.onError(err, 'leader election'),
        })
      : undefined;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get clusterSource(): KubeClusterSource {
    return this.source;
  }

  /** Resolves after the first full list; leadership is campaigned for from then on. */
  async start(): Promise<ClusterUpdate> {
    const first = await this.source.start();
    this.updated(first);
    this.elector?.start();
    if (this.leading) this.opts.onLeadership?.(true);
    return first;
  }

  /** `release: false` behaves like a crash as far as the lease goes (tests use it). */
  async stop(opts: { release: boolean } = { release: true }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.poolsTimer);
    await this.elector?.stop(opts);
    await this.source.stop();
    await this.applying;
  }

  /** The router's last verification: route annotations follow it on the next apply. */
  verified(verification: Verification): void {
    this.verification = verification;
    // A verification speaks of every route, so every service's annotations are looked at.
    if (this.routeWriter) {
      this.everything();
      this.schedule();
    }
  }

  private everything(): void {
    this.dirty = undefined;
    this.applied.reset();
    this.poolsWrittenFrom = undefined;
    this.poolWriter?.forget();
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    // A new term starts from a clean memory, like a freshly started replica.
    if (leading) {
      this.decisionEvents = new DecisionEvents();
      this.everything();
    }
    this.opts.onLeadership?.(leading);
    if (leading) this.schedule();
  }

  private updated(update: ClusterUpdate): void {
    this.latest = update;
    if (update.changedServices === undefined) this.everything();
    else if (this.dirty !== undefined) for (const key of update.changedServices) this.dirty.add(key);
    this.opts.onUpdate?.(update);
    this.schedule();
  }

  /** One apply at a time; updates that arrive meanwhile collapse into one more apply. */
  private schedule(): void {
    if (this.stopped || !this.leading || !this.latest) return;
    if (this.pending) return;
    this.pending = true;
    this.applying = this.applying.then(async () => {
      this.pending = false;
      const update = this.latest;
      if (!this.leading || !update) return;
      const dirty = this.dirty;
      this.dirty = new Set();
      this.writing = true;
      try {
        const decision = this.opts.decide(update);
        const touched = this.applied.advance(decision);
        // Per change, only the services it touched: those the watch saw change and those whose
        // allocation or routes moved in the plan. A full pass (start, new term, verification,
        // relist) looks at every one.
        const keys =
          dirty === undefined || touched === undefined ? undefined : new Set([...dirty, ...touched]);
        const services = keys ? servicesOf(update.snapshot, keys) : update.snapshot.services;
        const input = keys ? this.applied.restrict(keys) : decision;
        const routePatches = this.routeWriter
          ? RouteAnnotationWriter.patches(services, serviceStatuses(input, this.verification))
          : new Map<string, AnnotationPatch>();
        // A service whose status is written gets its route annotations in its pool annotation's
        // patch; the others get theirs after their Events, as before.
        const status = await this.writer.reconcile(services, input.allocations, routePatches);
        for (const r of status) routePatches.delete(r.service);
        const events = await this.decisionEvents.observe(this.recorder, services, input, keys);
        const routes = this.routeWriter ? await this.routeWriter.write(services, routePatches) : [];
        const pools = await this.writePools(listOf(decision, 'allocations'));
        this.opts.onApplied?.({ status, events, routes, ...(pools ? { pools } : {}) });
      } catch (err) {
        // What failed is looked at again, with everything else, on the next apply.
        this.everything();
        this.opts.onError(err instanceof Error ? err : new Error(String(err)), 'apply decisions');
      } finally {
        this.writing = false;
        // One update for all the echoes of this apply's writes (and one plan), not one each.
        this.source.releaseEchoes();
      }
    });
  }

  /**
   * Pool counts change only with allocations; the planner hands out the same list when none did.
   * Within the interval after a write the apply leaves them, and one more apply at its end writes
   * the newest; so does a write that met another writer's (the next one re-reads).
   */
  private async writePools(
    allocations: Listed<ServiceAllocation>,
  ): Promise<AppliedDecisions['pools'] | undefined> {
    const poolStatus = this.opts.poolStatus;
    if (!this.poolWriter || !poolStatus || this.poolsWrittenFrom === allocations) return undefined;
    const interval = poolStatus.intervalMs ?? POOL_STATUS_INTERVAL_MS;
    const wait = this.poolsWrittenAt + interval - Date.now();
    if (wait > 0) {
      this.poolsLater(wait);
      return undefined;
    }
    this.poolsWrittenAt = Date.now();
    // The whole list is made here, at most once an interval, not for every change that moved an
    // allocation (src/util/listed.ts).
    const result = await this.poolWriter.write(poolStatuses(poolStatus.pools, valuesOf(allocations)));
    if (result === 'conflict') this.poolsLater(interval);
    else this.poolsWrittenFrom = allocations;
    return result;
  }

  private poolsLater(ms: number): void {
    if (this.stopped) return;
    this.poolsTimer ??= setTimeout(() => {
      this.poolsTimer = undefined;
      this.schedule();
    }, ms);
  }
}

/**
 * The snapshot's services whose keys are in `keys` (removed ones are absent), looked up by key:
 * the snapshot's whole list is not made for them (src/util/listed.ts).
 */
function servicesOf(snapshot: ClusterSnapshot, keys: ReadonlySet<string>): ServiceInfo[] {
  const services = listOf(snapshot, 'services');
  return [...keys].sort().flatMap((key) => {
    const svc = findListed(services, key, serviceKey);
    return svc ? [svc] : [];
  });
}
