/**
 * Planned routes minus the next hops whose probes fail. A next hop leaves a prefix only when every
 * target deciding it there is unhealthy (a shared IP still reaches the services the node serves);
 * when that would leave a prefix with no next hop at all the prefix keeps them all (fail open, as
 * cloud load balancers do: a probe path broken from our side must not black-hole a service).
 */
import type { RouteAddress } from '../ip/address.js';
import type { PlannedRoute } from '../sync/plan-types.js';
import type { RouteTargets } from './targets.js';
import { counts, type HealthState } from './target-state.js';

export interface FailedOpen {
  prefix: string;
  nextHops: RouteAddress[];
}

interface FilteredRoutes {
  /** Unchanged routes are the same objects, so the speaker's changed-middle stays cheap. */
  routes: readonly PlannedRoute[];
  /** Next hops taken out, by prefix. */
  removed: ReadonlyMap<string, readonly RouteAddress[]>;
  failedOpen: FailedOpen[];
}

function unhealthyNextHops(
  route: PlannedRoute,
  targets: RouteTargets,
  stateOf: (key: string) => HealthState,
): RouteAddress[] {
  const hops = targets.get(route.prefix.text);
  if (hops === undefined) return [];
  return route.nextHops.filter((nh) => {
    const keys = hops.get(nh.text) ?? [];
    return keys.length > 0 && keys.every((k) => !counts(stateOf(k)));
  });
}

/** The last error of the targets that made a next hop unhealthy, as the report shows it. */
function errorsOf(
  route: PlannedRoute,
  bad: readonly RouteAddress[],
  targets: RouteTargets,
  lastErrorOf: (key: string) => string | undefined,
): Array<{ nextHop: RouteAddress; error: string }> {
  const hops = targets.get(route.prefix.text);
  return bad.map((nextHop) => ({
    nextHop,
    error: (hops?.get(nextHop.text) ?? []).map((k) => lastErrorOf(k) ?? 'no error recorded').join('; '),
  }));
}

export function filterNextHops(
  routes: readonly PlannedRoute[],
  targets: RouteTargets,
  stateOf: (key: string) => HealthState,
  lastErrorOf: (key: string) => string | undefined = () => undefined,
): FilteredRoutes {
  const removed = new Map<string, RouteAddress[]>();
  const failedOpen: FailedOpen[] = [];
  let changed = false;
  const out = routes.map((route) => {
    const bad = unhealthyNextHops(route, targets, stateOf);
    if (bad.length === 0) return route;
    changed = true;
    const unhealthy = errorsOf(route, bad, targets, lastErrorOf);
    if (bad.length === route.nextHops.length) {
      failedOpen.push({ prefix: route.prefix.text, nextHops: route.nextHops });
      return { ...route, health: { unhealthy, failedOpen: true } };
    }
    removed.set(route.prefix.text, bad);
    // Keyed by text: the filtered values are the route's own, but text is what makes two equal.
    const gone = new Set(bad.map((nh) => nh.text));
    return {
      ...route,
      nextHops: route.nextHops.filter((nh) => !gone.has(nh.text)),
      health: { unhealthy, failedOpen: false },
    };
  });
  return { routes: changed ? out : routes, removed, failedOpen };
}
