import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SessionStatus, Verdict } from '../sync/run-status.js';
import type { PoolUsage } from './pool-usage.js';

/** What was repaired; each repair path of the engine has its own value. */
export type RepairKind = 'reannounce' | 'withdraw-unwanted' | 'neighbor-readd';

/**
 * Our metrics (`crs_*`) plus the subset of MetalLB's names its Grafana dashboards read, with
 * MetalLB's label names, so an existing dashboard keeps working after a switch.
 */
export interface PoolFigures {
  usage: readonly PoolUsage[];
  /** Services refused an address, per failure reason. */
  failures: ReadonlyMap<string, number>;
}

/** What came of a config change seen while running (exit 4 for restart). */
export type ConfigReloadResult = 'applied' | 'unchanged' | 'refused' | 'restart';

export class Metrics {
  readonly registry = new Registry();
  private pendingPoolFigures: (() => PoolFigures) | undefined;
  private readSessions: (() => readonly SessionStatus[]) | undefined;
  private pendingRoutesAnnounced: (() => ReadonlyMap<string, number>) | undefined;
  private readonly sessionState = new Gauge({
    name: 'crs_bgp_session_state',
    help: 'BGP session FSM state per peer (1 for the current state)',
    labelNames: ['peer', 'state'],
    registers: [this.registry],
    collect: () => this.refreshSessions(),
  });
  private readonly sessionUp = new Gauge({
    name: 'crs_bgp_session_up',
    help: 'BGP session established (1) or not (0), per peer',
    labelNames: ['peer'],
    registers: [this.registry],
    collect: () => this.refreshSessions(),
  });
  private readonly routesAnnounced = new Gauge({
    name: 'crs_bgp_routes_announced',
    help: 'Prefixes the plan announces to each peer',
    labelNames: ['peer'],
    registers: [this.registry],
    collect: () => this.refreshRoutesAnnounced(),
  });
  private readonly poolAllocations = new Gauge({
    name: 'crs_pool_allocated_addresses',
    help: 'Addresses allocated to services, per pool',
    labelNames: ['pool'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });
  private readonly poolAddresses = new Gauge({
    name: 'crs_pool_usable_addresses',
    help: 'Usable addresses, per pool',
    labelNames: ['pool'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });
  private readonly poolUsageRatio = new Gauge({
    name: 'crs_pool_usage_ratio',
    help: 'Allocated / usable addresses, per pool',
    labelNames: ['pool'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });
  private readonly allocationFailures = new Gauge({
    name: 'crs_allocation_failures',
    help: 'Services that wanted an address and did not get it, per reason',
    labelNames: ['reason'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });
  private readonly verifications = new Counter({
    name: 'crs_verifications_total',
    help: 'Verifications of the router against the plan, per verdict',
    labelNames: ['verdict'],
    registers: [this.registry],
  });
  private readonly repairs = new Counter({
    name: 'crs_drift_repairs_total',
    help: 'Drift repairs made, per kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  private readonly unrepaired = new Counter({
    name: 'crs_drift_reported_total',
    help: 'Drift found that the engine may not repair (reported only), per kind',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly reconcileSeconds = new Histogram({
    name: 'crs_reconcile_duration_seconds',
    help: 'From a cluster change reaching the engine to the plan handed to the effectors',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly sessionDrops = new Counter({
    name: 'crs_bgp_session_drops_total',
    help: 'Established BGP sessions that went down (the speaker reconnects), per peer',
    labelNames: ['peer'],
    registers: [this.registry],
  });
  private readonly plans = new Counter({
    name: 'crs_plans_total',
    help: 'Plans computed (one per coalesced burst of changes)',
    registers: [this.registry],
  });
  private readonly manifestsKept = new Counter({
    name: 'crs_manifests_parse_failures_total',
    help: 'Manifest reads that kept the last good state: a file that is not YAML or an object that became invalid',
    labelNames: ['what'],
    registers: [this.registry],
  });
  private readonly configReloads = new Counter({
    name: 'crs_config_reloads_total',
    help: 'Config changes seen while running, by result: applied, unchanged, refused (invalid; the last good config runs on) or restart (exit 4)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly healthProbeSeconds = new Histogram({
    name: 'crs_health_probe_duration_seconds',
    help: "Health probes of next hops (kube-proxy's healthz), by result",
    labelNames: ['result'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private healthStates: () => readonly string[] = () => [];
  private readonly healthTargets = new Gauge({
    name: 'crs_health_targets',
    help: 'Health probe targets (node, port), by state: unknown, healthy, unhealthy',
    labelNames: ['state'],
    registers: [this.registry],
    collect: () => {
      this.healthTargets.reset();
      for (const state of ['unknown', 'healthy', 'unhealthy']) this.healthTargets.set({ state }, 0);
      for (const state of this.healthStates()) this.healthTargets.inc({ state });
    },
  });
  private readonly healthTransitions = new Counter({
    name: 'crs_health_transitions_total',
    help: 'Health probe targets changing state, by the state entered',
    labelNames: ['to'],
    registers: [this.registry],
  });
  private readonly metallbSessionUp = new Gauge({
    name: 'metallb_bgp_session_up',
    help: 'BGP session state (1 is up, 0 is down)',
    labelNames: ['peer'],
    registers: [this.registry],
    collect: () => this.refreshSessions(),
  });
  private readonly metallbAnnounced = new Gauge({
    name: 'metallb_bgp_announced_prefixes_total',
    help: 'Number of prefixes currently being advertised on the BGP session',
    labelNames: ['peer'],
    registers: [this.registry],
    collect: () => this.refreshSessions(),
  });
  private readonly metallbInUse = new Gauge({
    name: 'metallb_allocator_addresses_in_use_total',
    help: 'Number of IP addresses in use, per pool',
    labelNames: ['pool'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });
  private readonly metallbTotal = new Gauge({
    name: 'metallb_allocator_addresses_total',
    help: 'Number of usable IP addresses, per pool',
    labelNames: ['pool'],
    registers: [this.registry],
    collect: () => this.refreshPoolFigures(),
  });

  private readonly metallbFamilyGauges = {
    ipv4: {
      inUse: this.poolGauge(
        'metallb_allocator_ipv4_addresses_in_use_total',
        'Number of IPv4 addresses in use, per pool',
      ),
      total: this.poolGauge(
        'metallb_allocator_ipv4_addresses_total',
        'Number of usable IPv4 addresses, per pool',
      ),
    },
    ipv6: {
      inUse: this.poolGauge(
        'metallb_allocator_ipv6_addresses_in_use_total',
        'Number of IPv6 addresses in use, per pool',
      ),
      total: this.poolGauge(
        'metallb_allocator_ipv6_addresses_total',
        'Number of usable IPv6 addresses, per pool',
      ),
    },
  };

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Replaces the session picture; peers that went away disappear from the output. */
  setSessions(sessions: readonly SessionStatus[]): void {
    this.sessionState.reset();
    this.sessionUp.reset();
    this.metallbSessionUp.reset();
    this.metallbAnnounced.reset();
    // MetalLB labels its BGP metrics with the session's "address:port", which the path slot
    // sessions of one peer share: up only while all of them are, their prefixes summed.
    const metallb = new Map<string, { up: boolean; announced: number }>();
    for (const s of sessions) {
      // A path slot session is labelled with its own name (`<peer>#<slot>`).
      const peer = s.session ?? s.peer;
      this.sessionState.set({ peer, state: s.state }, 1);
      this.sessionUp.set({ peer }, s.established ? 1 : 0);
      const metallbPeer = `${s.peerAddress.includes(':') ? `[${s.peerAddress}]` : s.peerAddress}:${s.peerPort}`;
      const m = metallb.get(metallbPeer) ?? { up: true, announced: 0 };
      m.up &&= s.established;
      m.announced += s.established ? s.announcedPrefixes : 0;
      metallb.set(metallbPeer, m);
    }
    for (const [peer, m] of metallb) {
      this.metallbSessionUp.set({ peer }, m.up ? 1 : 0);
      this.metallbAnnounced.set({ peer }, m.announced);
    }
  }

  /**
   * The sessions as `read` gives them when /metrics is scraped: the session gauges were set on
   * every plan and session change, a fiftieth of `run`'s CPU per cluster change on the cluster
   * path (docs/benchmarks.md), for figures read every scrape interval at most.
   */
  setSessionsWhenRead(read: () => readonly SessionStatus[]): void {
    this.readSessions = read;
  }

  private refreshSessions(): void {
    if (this.readSessions) this.setSessions(this.readSessions());
  }

  /** The prefixes per peer of a new plan, counted when /metrics is read (as the sessions). */
  setRoutesAnnouncedWhenRead(compute: () => ReadonlyMap<string, number>): void {
    this.pendingRoutesAnnounced = compute;
  }

  private refreshRoutesAnnounced(): void {
    const compute = this.pendingRoutesAnnounced;
    if (!compute) return;
    this.pendingRoutesAnnounced = undefined;
    this.setRoutesAnnounced(compute());
  }

  setRoutesAnnounced(perPeer: ReadonlyMap<string, number>): void {
    this.routesAnnounced.reset();
    for (const [peer, n] of perPeer) this.routesAnnounced.set({ peer }, n);
  }

  private poolGauge(name: string, help: string): Gauge {
    return new Gauge({
      name,
      help,
      labelNames: ['pool'],
      registers: [this.registry],
      collect: () => this.refreshPoolFigures(),
    });
  }

  setPools(usage: readonly PoolUsage[]): void {
    const { ipv4, ipv6 } = this.metallbFamilyGauges;
    for (const g of [
      this.poolAllocations,
      this.poolAddresses,
      this.poolUsageRatio,
      this.metallbInUse,
      this.metallbTotal,
      ipv4.inUse,
      ipv4.total,
      ipv6.inUse,
      ipv6.total,
    ]) {
      g.reset();
    }
    for (const u of usage) {
      this.poolAllocations.set({ pool: u.pool }, u.inUse);
      this.poolAddresses.set({ pool: u.pool }, u.total);
      this.poolUsageRatio.set({ pool: u.pool }, u.total === 0 ? 0 : u.inUse / u.total);
      this.metallbInUse.set({ pool: u.pool }, u.inUse);
      this.metallbTotal.set({ pool: u.pool }, u.total);
      for (const family of ['ipv4', 'ipv6'] as const) {
        const counts = u[family];
        if (!counts) continue;
        this.metallbFamilyGauges[family].inUse.set({ pool: u.pool }, counts.inUse);
        this.metallbFamilyGauges[family].total.set({ pool: u.pool }, counts.total);
      }
    }
  }

  /**
   * The pool and failure figures of a new set of allocations, computed when /metrics is read:
   * they walk every allocation, which the engine should not do on its way to the UPDATE.
   */
  setPoolFiguresWhenRead(compute: () => PoolFigures): void {
    this.pendingPoolFigures = compute;
  }

  private refreshPoolFigures(): void {
    const compute = this.pendingPoolFigures;
    if (!compute) return;
    this.pendingPoolFigures = undefined;
    const { usage, failures } = compute();
    this.setPools(usage);
    this.setAllocationFailures(failures);
  }

  setAllocationFailures(perReason: ReadonlyMap<string, number>): void {
    this.allocationFailures.reset();
    for (const [reason, n] of perReason) this.allocationFailures.set({ reason }, n);
  }

  sessionDropped(peer: string): void {
    this.sessionDrops.inc({ peer });
  }

  /** A manifests read kept the last good version of a file (`file`) or an object (`object`). */
  manifestsParseFailure(what: 'file' | 'object'): void {
    this.manifestsKept.inc({ what });
  }

  /** A config change seen while running, and what came of it. */
  configReload(result: ConfigReloadResult): void {
    this.configReloads.inc({ result });
  }

  healthProbe(seconds: number, ok: boolean): void {
    this.healthProbeSeconds.observe({ result: ok ? 'ok' : 'failed' }, seconds);
  }

  healthTransition(to: string): void {
    this.healthTransitions.inc({ to });
  }

  /** The states of the probe targets, read when /metrics is scraped. */
  setHealthTargetsWhenRead(states: () => readonly string[]): void {
    this.healthStates = states;
  }

  planComputed(): void {
    this.plans.inc();
  }

  verification(verdict: Verdict): void {
    this.verifications.inc({ verdict });
  }

  repaired(kind: RepairKind): void {
    this.repairs.inc({ kind });
  }

  reported(kind: string): void {
    this.unrepaired.inc({ kind });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
