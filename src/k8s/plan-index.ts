/**
 * The controller's view of the plan by service, kept from one plan to the next by the plan's
 * changes (planChanges, which looks at the changed entries only), so that a change writes the
 * status, Events and annotations of the services it touched without walking every Service.
 */
import type { PeerRoutes, Plan, PlannedRoute, ServiceAllocation } from '../sync/plan-types.js';
import { planChanges } from '../sync/planner/plan-changes.js';
import { comparePrefix } from '../ip/prefix.js';
import { findListed, listOf } from '../util/listed.js';
import type { DecisionInput } from './service-events.js';

type Decision = Pick<Plan, 'allocations' | 'peers'>;

interface Carried {
  peer: string;
  route: PlannedRoute;
}

const allocationKey = (a: ServiceAllocation) => a.service;

/** A plan's route order: family, then address, then prefix length. */
function planOrder(a: PlannedRoute, b: PlannedRoute): number {
  return comparePrefix(a.prefix, b.prefix);
}

export class PlanIndex {
  private plan: Decision | undefined;
  /** Service -> its routes, by `peer prefix`. */
  private readonly routesOf = new Map<string, Map<string, Carried>>();

  /** Forgets everything: the next `advance` builds the index from its plan. */
  reset(): void {
    this.plan = undefined;
  }

  /**
   * Moves the index to `plan`; returns the services whose allocation or routes changed, or
   * undefined when the index was (re)built from the whole plan (every service counts as changed).
   */
  advance(plan: Decision): Set<string> | undefined {
    const before = this.plan;
    this.plan = plan;
    if (before === undefined) {
      this.routesOf.clear();
      for (const p of plan.peers) for (const r of p.routes) this.add(p.peer, r);
      return undefined;
    }
    const diff = planChanges(before, plan);
    const touched = new Set(diff.allocations.map((a) => a.service));
    for (const p of diff.peers) {
      const removed = [...p.removed, ...p.changed.map((c) => c.before)];
      const added = [...p.added, ...p.changed.map((c) => c.after)];
      for (const r of removed) for (const s of this.remove(p.peer, r)) touched.add(s);
      for (const r of added) for (const s of this.add(p.peer, r)) touched.add(s);
    }
    return touched;
  }

  /** The plan's allocations and routes of `services` only, in the plan's order. */
  restrict(services: Iterable<string>): DecisionInput {
    const plan = this.plan;
    if (!plan) return { allocations: [], peers: [] };
    const allocations: ServiceAllocation[] = [];
    const all = listOf(plan, 'allocations');
    const byPeer = new Map<string, Map<string, PlannedRoute>>();
    for (const service of services) {
      const a = findListed(all, service, allocationKey);
      if (a) allocations.push(a);
      for (const c of this.routesOf.get(service)?.values() ?? []) {
        let routes = byPeer.get(c.peer);
        if (!routes) byPeer.set(c.peer, (routes = new Map()));
        routes.set(c.route.prefix.text, c.route);
      }
    }
    allocations.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    const peers: PeerRoutes[] = plan.peers.flatMap((p) => {
      const routes = byPeer.get(p.peer);
      return routes
        ? [{ peer: p.peer, peerAddress: p.peerAddress, routes: [...routes.values()].sort(planOrder) }]
        : [];
    });
    return { allocations, peers };
  }

  private add(peer: string, route: PlannedRoute): readonly string[] {
    const carried = { peer, route };
    for (const s of route.services) {
      let routes = this.routesOf.get(s);
      if (!routes) this.routesOf.set(s, (routes = new Map()));
      routes.set(`${peer} ${route.prefix.text}`, carried);
    }
    return route.services;
  }

  private remove(peer: string, route: PlannedRoute): readonly string[] {
    for (const s of route.services) {
      const routes = this.routesOf.get(s);
      routes?.delete(`${peer} ${route.prefix.text}`);
      if (routes?.size === 0) this.routesOf.delete(s);
    }
    return route.services;
  }
}
