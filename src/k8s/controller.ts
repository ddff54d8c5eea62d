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
import { ServiceStatusWriter, type StatusWriteResult, type StatusWriterOptions } from './status-writer.js';
import { RouteAnnotationWriter, type RouteAnnotationResult } from './route-annotations.js';
import { poolStatuses, serviceStatuses } from '../sync/status/index.js';
import type { AddressPool } from '../config/model.js';
import { PoolStatusConfigMapWriter } from './pool-status-configmap.js';
import type { Verification } from '../sync/verify/verification.js';

export type Decide = (update: ClusterUpdate) => DecisionInput;

export interface AppliedDecisions {
  status: StatusWriteResult[];
  events: ServiceEvent[];
  /** Route annotations patched (only with `routeAnnotations`). */
  routes: RouteAnnotationResult[];
  /** What became of the pool status ConfigMap (only with `poolStatus`). */
  pools?: 'created' | 'updated' | 'unchanged' | 'conflict';
}

export interface KubeControllerOptions {
  decide: Decide;
  onError: (err: Error, where: string) => void;
  /** Without it this replica always leads (a single replica, or tests). */
  leaderElection?: Omit<LeaderElectionOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onError'>;
  /** Gate for whatever else must run on the leader only (the BGP speaker). */
  onLeadership?: (leading: boolean) => void;
  onUpdate?: (update: ClusterUpdate) => void;
  onApplied?: (applied: AppliedDecisions) => void;
  source?: Omit<KubeClusterSourceOptions, 'onUpdate' | 'onError'>;
  statusWriter?: StatusWriterOptions;
  events?: EventRecorderOptions;
  /**
   * Also keep the annotations that say which peers carry a service and whether the router has
   * its routes (src/k8s/route-annotations.ts), fed by `verified()`.
   */
  routeAnnotations?: boolean;
  /** Also keep per-pool counts in a ConfigMap in this namespace (src/k8s/pool-status-configmap.ts). */
  poolStatus?: { namespace: string; pools: readonly AddressPool[] };
}

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
  private applying: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    client: KubeClient,
    private readonly opts: KubeControllerOptions,
  ) {
    this.source = new KubeClusterSource(client, {
      ...opts.source,
      onUpdate: (u) => this.updated(u),
      onError: (err, resource) => opts.onError(err, `watch ${resource}`),
    });
    this.writer = new ServiceStatusWriter(client, opts.statusWriter);
    this.poolWriter = opts.poolStatus
      ? new PoolStatusConfigMapWriter(client, opts.poolStatus.namespace, opts.statusWriter?.fieldManager)
      : undefined;
    this.routeWriter = opts.routeAnnotations
      ? new RouteAnnotationWriter(client, opts.statusWriter?.fieldManager)
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
    await this.elector?.stop(opts);
    await this.source.stop();
    await this.applying;
  }

  /** The router's last verification: route annotations follow it on the next apply. */
  verified(verification: Verification): void {
    this.verification = verification;
    if (this.routeWriter) this.schedule();
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    // A new term starts from a clean memory, like a freshly started replica.
    if (leading) this.decisionEvents = new DecisionEvents();
    this.opts.onLeadership?.(leading);
    if (leading) this.schedule();
  }

  private updated(update: ClusterUpdate): void {
    this.latest = update;
    this.opts.onUpdate?.(update);
    this.schedule();
  }

  /** One apply at a time; updates that arrive meanwhile collapse into one more apply. */
  private schedule(): void {
    if (!this.leading || !this.latest) return;
    if (this.pending) return;
    this.pending = true;
    this.applying = this.applying.then(async () => {
      this.pending = false;
      const update = this.latest;
      if (!this.leading || !update) return;
      try {
        const decision = this.opts.decide(update);
        const services = update.snapshot.services;
        const status = await this.writer.reconcile(services, decision.allocations);
        const events = await this.decisionEvents.observe(this.recorder, services, decision);
        const routes = this.routeWriter
          ? await this.routeWriter.reconcile(services, serviceStatuses(decision, this.verification))
          : [];
        const pools =
          this.poolWriter && this.opts.poolStatus
            ? await this.poolWriter.write(poolStatuses(this.opts.poolStatus.pools, decision.allocations))
            : undefined;
        this.opts.onApplied?.({ status, events, routes, ...(pools ? { pools } : {}) });
      } catch (err) {
        this.opts.onError(err instanceof Error ? err : new Error(String(err)), 'apply decisions');
      }
    });
  }
}
