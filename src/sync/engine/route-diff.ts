import type { Plan, PlannedRoute } from '../plan-types.js';

export interface RouteChange {
  peer: string;
  prefix: string;
  /** Next hops before (empty when added) and after (empty when withdrawn). */
  before: string[];
  after: string[];
}

function routesByPrefix(routes: readonly PlannedRoute[]): Map<string, PlannedRoute> {
  return new Map(routes.map((r) => [r.prefix, r]));
}

function sameRoute(a: PlannedRoute, b: PlannedRoute): boolean {
  return (
    a.localPref === b.localPref &&
    a.nextHops.join() === b.nextHops.join() &&
    a.communities.join() === b.communities.join() &&
    a.largeCommunities.join() === b.largeCommunities.join()
  );
}

/** Per-peer route changes between two plans, for the log lines that say what the engine just did. */
export function routeChanges(before: Plan | undefined, after: Plan): RouteChange[] {
  const old = new Map((before?.peers ?? []).map((p) => [p.peer, routesByPrefix(p.routes)]));
  const changes: RouteChange[] = [];
  const peers = new Set([...old.keys(), ...after.peers.map((p) => p.peer)]);
  const next = new Map(after.peers.map((p) => [p.peer, routesByPrefix(p.routes)]));
  for (const peer of [...peers].sort()) {
    const a = old.get(peer) ?? new Map<string, PlannedRoute>();
    const b = next.get(peer) ?? new Map<string, PlannedRoute>();
    for (const [prefix, route] of b) {
      const prev = a.get(prefix);
      if (!prev || !sameRoute(prev, route)) {
        changes.push({ peer, prefix, before: prev?.nextHops ?? [], after: route.nextHops });
      }
    }
    for (const [prefix, route] of a) {
      if (!b.has(prefix)) changes.push({ peer, prefix, before: route.nextHops, after: [] });
    }
  }
  return changes;
}
