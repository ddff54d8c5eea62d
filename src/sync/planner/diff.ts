import type { Plan, PlannedRoute, ServiceAllocation } from '../plan-types.js';
import { comparePrefix } from '../../ip/prefix.js';

interface AllocationChange {
  service: string;
  kind: 'added' | 'removed' | 'changed';
  before?: ServiceAllocation;
  after?: ServiceAllocation;
}

interface PeerRouteChanges {
  peer: string;
  added: PlannedRoute[];
  removed: PlannedRoute[];
  changed: Array<{ before: PlannedRoute; after: PlannedRoute }>;
}

export interface PlanDiff {
  /** Sorted by service key. */
  allocations: AllocationChange[];
  /** Only peers with a change, sorted by name; routes in plan order (family, address, length). */
  peers: PeerRouteChanges[];
}

function sameAllocation(a: ServiceAllocation, b: ServiceAllocation): boolean {
  return (
    a.ips.join() === b.ips.join() &&
    a.pools.join() === b.pools.join() &&
    a.failure?.reason === b.failure?.reason &&
    a.failure?.message === b.failure?.message
  );
}

function sameRoute(a: PlannedRoute, b: PlannedRoute): boolean {
  return (
    sameTexts(a.nextHops, b.nextHops) &&
    a.localPref === b.localPref &&
    sameTexts(a.communities, b.communities) &&
    sameTexts(a.largeCommunities, b.largeCommunities) &&
    a.services.join() === b.services.join()
  );
}

/** Next hops and communities are the same when their canonical texts are, in the same (sorted) order. */
function sameTexts(a: readonly { text: string }[], b: readonly { text: string }[]): boolean {
  return a.length === b.length && a.every((hop, i) => hop.text === b[i]!.text);
}

function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function diffRoutes(peer: string, before: PlannedRoute[], after: PlannedRoute[]): PeerRouteChanges {
  const old = new Map(before.map((r) => [r.prefix.text, r]));
  const now = new Map(after.map((r) => [r.prefix.text, r]));
  const prefixes = [...new Map([...before, ...after].map((r) => [r.prefix.text, r.prefix])).values()];
  const changes: PeerRouteChanges = { peer, added: [], removed: [], changed: [] };
  for (const prefix of prefixes.sort(comparePrefix)) {
    const a = old.get(prefix.text);
    const b = now.get(prefix.text);
    if (a && b) {
      if (!sameRoute(a, b)) changes.changed.push({ before: a, after: b });
    } else if (b) changes.added.push(b);
    else if (a) changes.removed.push(a);
  }
  return changes;
}

/** What changed from plan `a` to plan `b`: per-service allocations and per-peer routes. */
export function diffPlans(a: Plan, b: Plan): PlanDiff {
  const oldAlloc = new Map(a.allocations.map((x) => [x.service, x]));
  const newAlloc = new Map(b.allocations.map((x) => [x.service, x]));
  const allocations: AllocationChange[] = [];
  for (const service of [...new Set([...oldAlloc.keys(), ...newAlloc.keys()])].sort(byString)) {
    const before = oldAlloc.get(service);
    const after = newAlloc.get(service);
    if (before && after) {
      if (!sameAllocation(before, after)) allocations.push({ service, kind: 'changed', before, after });
    } else if (after) allocations.push({ service, kind: 'added', after });
    else if (before) allocations.push({ service, kind: 'removed', before });
  }
  const oldPeers = new Map(a.peers.map((p) => [p.peer, p.routes]));
  const newPeers = new Map(b.peers.map((p) => [p.peer, p.routes]));
  const peers: PeerRouteChanges[] = [];
  for (const peer of [...new Set([...oldPeers.keys(), ...newPeers.keys()])].sort(byString)) {
    const changes = diffRoutes(peer, oldPeers.get(peer) ?? [], newPeers.get(peer) ?? []);
    if (changes.added.length + changes.removed.length + changes.changed.length > 0) peers.push(changes);
  }
  return { allocations, peers };
}
