/**
 * A planned route minus the next hops whose probes fail. A next hop leaves a prefix only when
 * every target deciding it there is unhealthy (a shared IP still reaches the services the node
 * serves); when that would leave a prefix with no next hop at all the prefix keeps them all (fail
 * open, as cloud load balancers do: a probe path broken from our side must not black-hole a
 * service).
 */
import type { RouteAddress } from '../ip/address.js';
import type { PlannedRoute } from '../sync/plan-types.js';
import { counts, type HealthState } from './target-state.js';

export interface FailedOpen {
  prefix: string;
  nextHops: RouteAddress[];
}

/** Of one prefix, the keys of the targets that decide each next hop. */
export type HopTargets = ReadonlyMap<string, readonly string[]>;

export interface FilteredRoute {
  /** The route itself when no next hop fails, so the speaker's change stays the plan's. */
  route: PlannedRoute;
  /** Next hops taken out. */
  removed?: readonly RouteAddress[];
  failedOpen?: FailedOpen;
}

export function filterRoute(
  route: PlannedRoute,
  hops: HopTargets | undefined,
  stateOf: (key: string) => HealthState,
  lastErrorOf: (key: string) => string | undefined,
): FilteredRoute {
  const keysOf = (nextHop: RouteAddress) => hops?.get(nextHop.text) ?? [];
  const bad = route.nextHops.filter((nh) => {
    const keys = keysOf(nh);
    return keys.length > 0 && keys.every((k) => !counts(stateOf(k)));
  });
  if (bad.length === 0) return { route };
  // The last error of the targets that made a next hop unhealthy, as the report shows it.
  const unhealthy = bad.map((nextHop) => ({
    nextHop,
    error: keysOf(nextHop)
      .map((k) => lastErrorOf(k) ?? 'no error recorded')
      .join('; '),
  }));
  if (bad.length === route.nextHops.length) {
    return {
      route: { ...route, health: { unhealthy, failedOpen: true } },
      failedOpen: { prefix: route.prefix.text, nextHops: route.nextHops },
    };
  }
  // Keyed by text: the filtered values are the route's own, but text is what makes two equal.
  const gone = new Set(bad.map((nh) => nh.text));
  return {
    route: {
      ...route,
      nextHops: route.nextHops.filter((nh) => !gone.has(nh.text)),
      health: { unhealthy, failedOpen: false },
    },
    removed: bad,
  };
}
