/**
 * Leader election on a coordination.k8s.io/v1 Lease, in the manner of client-go: the holder
 * renews every retry period; others take the lease only when it has not changed for a whole
 * lease duration as measured on their own clock (no trust in other hosts' clocks). A leader that
 * cannot renew within the renew deadline (shorter than the lease duration) steps down before
 * anyone else may step up, so two replicas never act at once.
 */
import { hostname } from 'node:os';
import { CrsError, ExitCode } from '../util/errors.js';
import { KubeApiError, type KubeClient } from './kube-client.js';
import { microTime } from './micro-time.js';

/** This replica's name: the pod name (POD_NAME from the downward API) or else the host name. */
export function replicaIdentity(): string {
  return process.env.POD_NAME || hostname();
}

class LeaderElectionConfigError extends CrsError {
  readonly exitCode = ExitCode.BadInput;
}

/** Which Lease, who this replica is, and the timing; the `run` flags set these. */
export interface LeaseOptions {
  namespace: string;
  /** The Lease's name. */
  name: string;
  /** This replica: the pod name in a cluster. */
  identity: string;
  leaseDurationSec?: number;
  renewDeadlineSec?: number;
  retryPeriodSec?: number;
}

export interface LeaderElectionOptions extends LeaseOptions {
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  onError?: (err: Error) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** The lease as last seen, and when (our clock) its content last changed. */
  private observed: { key: string; at: number } | undefined;
  private lastRenew = 0;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly path: string;

  constructor(
    private readonly client: KubeClient,
    private readonly opts: LeaderElectionOptions,
  ) {
    this.leaseMs = (opts.leaseDurationSec ?? 15) * 1000;
    this.renewDeadlineMs = (opts.renewDeadlineSec ?? 10) * 1000;
    this.retryMs = (opts.retryPeriodSec ?? 2) * 1000;
    if (!(this.retryMs < this.renewDeadlineMs && this.renewDeadlineMs < this.leaseMs)) {
      throw new LeaderElectionConfigError(
        'leader election needs retryPeriod < renewDeadline < leaseDuration',
      );
    }
    const ns = encodeURIComponent(opts.namespace);
    this.path = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops campaigning. With `release` (a clean shutdown) a held lease is handed back at once so
   * a follower need not wait out the lease; without it the lease simply runs out, as after a crash.
   */
  async stop(opts: { release: boolean }): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading) {
      this.leading = false;
      this.opts.onStoppedLeading();
      if (opts.release) await this.release();
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const holding = await this.tryAcquireOrRenew();
        if (holding) this.lastRenew = Date.now();
      } catch (err) {
        this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
      }
      if (this.stopped) break;
      const held = this.lastRenew > 0 && Date.now() - this.lastRenew < this.renewDeadlineMs;
      if (held && !this.leading) {
        this.leading = true;
        this.opts.onStartedLeading();
      } else if (!held && this.leading) {
        this.leading = false;
        this.opts.onStoppedLeading();
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.retryMs);
      });
    }
  }

  private leasePath(): string {
    return `${this.path}/${encodeURIComponent(this.opts.name)}`;
  }

  /** True when this replica holds the lease after the call. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    let lease: Lease;
    try {
      lease = await this.client.request<Lease>('GET', this.leasePath(), { timeoutMs: this.retryMs });
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      return this.create(now);
    }
    const spec = lease.spec;
    const key = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime]);
    if (this.observed?.key !== key) this.observed = { key, at: now.getTime() };
    const holder = spec.holderIdentity ?? '';
    const mine = holder === this.opts.identity;
    const leaseMs = (spec.leaseDurationSeconds ?? this.leaseMs / 1000) * 1000;
    if (!mine && holder !== '' && now.getTime() < this.observed.at + leaseMs) return false;

    const next: Lease = {
      ...lease,
      spec: {
        holderIdentity: this.opts.identity,
        leaseDurationSeconds: this.leaseMs / 1000,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    try {
      // Carries the read resourceVersion: if another replica got there first we get a 409.
      await this.client.request('PUT', this.leasePath(), { body: next, timeoutMs: this.retryMs });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return false;
      throw err;
    }
  }

  private async create(now: Date): Promise<boolean> {
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: this.opts.name, namespace: this.opts.namespace },
      spec: {
        holderIdentity: this.opts.identity,
        leaseDurationSeconds: this.leaseMs / 1000,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      },
    };
    try {
      await this.client.request('POST', this.path, { body: lease, timeoutMs: this.retryMs });
      return true;
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return false;
      throw err;
    }
  }

  /** Empties the holder if it is still us, so followers may take the lease at once. */
  private async release(): Promise<void> {
    const lease = await this.client.request<Lease>('GET', this.leasePath());
    if (lease.spec.holderIdentity !== this.opts.identity) return;
    await this.client.request('PUT', this.leasePath(), {
      body: { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
    });
  }
}
