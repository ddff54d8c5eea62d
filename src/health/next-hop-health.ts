/**
 * The engine's port onto health checks: "the plan after health". It keeps the checker's targets
 * in step with the plan's next hops, takes out next hops whose probes fail (failing open when a
 * prefix would lose them all) and says when a transition changed what should be announced, so the
 * engine re-applies it to the plan it already has instead of re-planning the cluster.
 */
import type { RouteAddress } from '../ip/address.js';
import type { ServiceInfo } from '../sync/cluster.js';
import type { Plan } from '../sync/plan-types.js';
import type { HealthChecker, TargetStatus, Transition } from './health-checker.js';
import { filterNextHops, type FailedOpen } from './next-hop-filter.js';
import { probeTargets, type TargetPlan } from './targets.js';

interface AppliedHealth {
  plan: Plan;
  /** Prefixes announced with next hops that all fail their probes (fail open). */
  failedOpen: FailedOpen[];
  /** By prefix, the next hops taken out. */
  removed: ReadonlyMap<string, readonly RouteAddress[]>;
}

/** What the engine needs; a fake in engine unit tests. */
export interface NextHopHealth {
  apply(plan: Plan, services: readonly ServiceInfo[]): AppliedHealth;
  /** A target changed state: the plan after health may differ now. */
  onTransition(listener: (t: Transition) => void): () => void;
  statuses(): TargetStatus[];
  stop(): void;
}

export class CheckedNextHops implements NextHopHealth {
  private targets: { peers: Plan['peers']; services: readonly ServiceInfo[]; plan: TargetPlan } | undefined;

  constructor(
    private readonly checker: HealthChecker,
    private readonly nodeHealthPort: number,
  ) {}

  apply(plan: Plan, services: readonly ServiceInfo[]): AppliedHealth {
    // Targets change only with the plan or the services (a transition re-applies the same plan).
    if (this.targets?.peers !== plan.peers || this.targets.services !== services) {
      const targetPlan = probeTargets(
        plan.peers.flatMap((p) => p.routes),
        services,
        this.nodeHealthPort,
      );
      this.targets = { peers: plan.peers, services, plan: targetPlan };
      this.checker.setTargets(targetPlan.targets);
    }
    const routeTargets = this.targets.plan.routes;
    const stateOf = (key: string) => this.checker.stateOf(key);
    const lastErrorOf = (key: string) => this.checker.lastErrorOf(key);
    const failedOpen = new Map<string, FailedOpen>();
    const removed = new Map<string, readonly RouteAddress[]>();
    let changed = false;
    const peers = plan.peers.map((p) => {
      const out = filterNextHops(p.routes, routeTargets, stateOf, lastErrorOf);
      for (const f of out.failedOpen) failedOpen.set(f.prefix, f);
      for (const [prefix, hops] of out.removed) removed.set(prefix, hops);
      if (out.routes === p.routes) return p;
      changed = true;
      return { ...p, routes: [...out.routes] };
    });
    return { plan: changed ? { ...plan, peers } : plan, failedOpen: [...failedOpen.values()], removed };
  }

  onTransition(listener: (t: Transition) => void): () => void {
    return this.checker.onTransition(listener);
  }

  statuses(): TargetStatus[] {
    return this.checker.statuses();
  }

  stop(): void {
    this.checker.stop();
  }
}
