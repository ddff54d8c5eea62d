/**
 * Health checks applied from scratch, as the engine did before it took changes only: every route
 * of every peer read, every target computed, every route filtered. The reference the incremental
 * CheckedNextHops (src/health/next-hop-health.ts) must agree with after every change.
 */
import type { RouteAddress } from '../../src/ip/address.js';
import { filterRoute, type FailedOpen } from '../../src/health/next-hop-filter.js';
import type { HealthState } from '../../src/health/target-state.js';
import { probePort, targetKey, type ProbeTarget } from '../../src/health/targets.js';
import { serviceKey, type ServiceInfo } from '../../src/sync/cluster.js';
import type { Plan, PlannedRoute } from '../../src/sync/plan-types.js';

/** Per prefix and next hop, the keys of the targets deciding it. */
type RouteTargets = ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;

interface TargetPlan {
  targets: ProbeTarget[];
  routes: RouteTargets;
}

/**
 * The targets of every next hop of `routes` (the same prefix planned for several peers counts
 * once). Services missing from `services` are probed on the node port.
 */
export function probeTargets(
  routes: Iterable<PlannedRoute>,
  services: readonly ServiceInfo[],
  nodeHealthPort: number,
): TargetPlan {
  const byKey = new Map(services.map((s) => [serviceKey(s), s]));
  const targets = new Map<string, { address: string; port: number; services: Set<string> }>();
  const perRoute = new Map<string, Map<string, string[]>>();
  for (const route of routes) {
    let hops = perRoute.get(route.prefix.text);
    if (hops === undefined) perRoute.set(route.prefix.text, (hops = new Map()));
    for (const { text: nextHop } of route.nextHops) {
      const keys = new Set(hops.get(nextHop));
      for (const name of route.services) {
        const port = probePort(byKey.get(name), nodeHealthPort);
        const key = targetKey(nextHop, port);
        keys.add(key);
        let target = targets.get(key);
        if (target === undefined)
          targets.set(key, (target = { address: nextHop, port, services: new Set() }));
        target.services.add(name);
      }
      hops.set(nextHop, [...keys].sort());
    }
  }
  return {
    targets: [...targets.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, t]) => ({ key, address: t.address, port: t.port, services: [...t.services].sort() })),
    routes: perRoute,
  };
}

interface FilteredRoutes {
  routes: readonly PlannedRoute[];
  removed: ReadonlyMap<string, readonly RouteAddress[]>;
  failedOpen: FailedOpen[];
}

/** Every route of a list filtered; the list itself when none changed. */
export function filterNextHops(
  routes: readonly PlannedRoute[],
  targets: RouteTargets,
  stateOf: (key: string) => HealthState,
  lastErrorOf: (key: string) => string | undefined = () => undefined,
): FilteredRoutes {
  const removed = new Map<string, readonly RouteAddress[]>();
  const failedOpen: FailedOpen[] = [];
  let changed = false;
  const out = routes.map((route) => {
    const filtered = filterRoute(route, targets.get(route.prefix.text), stateOf, lastErrorOf);
    if (filtered.failedOpen !== undefined) failedOpen.push(filtered.failedOpen);
    if (filtered.removed !== undefined) removed.set(route.prefix.text, filtered.removed);
    changed ||= filtered.route !== route;
    return filtered.route;
  });
  return { routes: changed ? out : routes, removed, failedOpen };
}

export interface AppliedFromScratch {
  plan: Plan;
  failedOpen: Map<string, FailedOpen>;
  removed: Map<string, readonly RouteAddress[]>;
  targets: ProbeTarget[];
}

/** The plan after health of `plan`, every list read whole. */
export function healthFromScratch(
  plan: Plan,
  services: readonly ServiceInfo[],
  nodeHealthPort: number,
  stateOf: (key: string) => HealthState,
  lastErrorOf: (key: string) => string | undefined,
): AppliedFromScratch {
  const targets = probeTargets(
    plan.peers.flatMap((p) => p.routes),
    services,
    nodeHealthPort,
  );
  const failedOpen = new Map<string, FailedOpen>();
  const removed = new Map<string, readonly RouteAddress[]>();
  let changed = false;
  const peers = plan.peers.map((p) => {
    const out = filterNextHops(p.routes, targets.routes, stateOf, lastErrorOf);
    for (const f of out.failedOpen) failedOpen.set(f.prefix, f);
    for (const [prefix, hops] of out.removed) removed.set(prefix, hops);
    if (out.routes === p.routes) return p;
    changed = true;
    return { ...p, routes: [...out.routes] };
  });
  return { plan: changed ? { ...plan, peers } : plan, failedOpen, removed, targets: targets.targets };
}
