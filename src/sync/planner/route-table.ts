import type { AdvertisementIssue, PlannedRoute } from '../plan-types.js';
import { compareIpText, formatPrefix, type IpFamily } from '../ip/address.js';
import type { RouteContribution } from './advertise.js';

interface PrefixEntry {
  family: IpFamily;
  network: bigint;
  length: number;
  /** Usually one: a host route of one service. */
  shares: RouteContribution[];
  route?: PlannedRoute;
  /** Distinct localPref values when the shares disagree (no route is sent then). */
  conflict?: number[];
  inOrder: boolean;
}

/** Past this many changed prefixes one full sort beats one binary insertion per prefix. */
const RESORT_THRESHOLD = 256;

/** Prefixes are grouped by family and length, then keyed by network value (no bigint->string). */
function groupOf(c: { family: IpFamily; length: number }): number {
  return c.family * 256 + c.length;
}

function compareEntries(a: PrefixEntry, b: PrefixEntry): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.length - b.length;
}

function compareCommunity(a: string, b: string): number {
  const pa = a.split(':');
  const pb = b.split(':');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = Number(pa[i] ?? -1) - Number(pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function union(lists: Iterable<readonly string[]>, compare: (a: string, b: string) => number): string[] {
  const set = new Set<string>();
  for (const list of lists) for (const v of list) set.add(v);
  return [...set].sort(compare);
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Plans hand out arrays that may be shared with other routes and with the planner's caches; they
 * are frozen, so a consumer that tried to mutate one would fail loudly instead of corrupting them.
 */
function shared(list: readonly string[]): string[] {
  return (list.length === 0 ? NONE : Object.isFrozen(list) ? list : Object.freeze(list.slice())) as string[];
}

function mergeShares(entry: PrefixEntry): { route?: PlannedRoute; conflict?: number[] } {
  const all = entry.shares;
  if (all.length === 0) return {};
  const only = all.length === 1 ? all[0] : undefined;
  if (only) {
    const route: PlannedRoute = {
      prefix: formatPrefix(entry.family, entry.network, entry.length),
      family: entry.family,
      nextHops: shared(only.nextHops),
      communities: shared(only.communities),
      largeCommunities: shared(only.largeCommunities),
      services: [only.service],
    };
    if (only.localPref !== undefined) route.localPref = only.localPref;
    return { route };
  }
  const prefs = [...new Set(all.map((c) => c.localPref).filter((p) => p !== undefined))].sort(
    (a, b) => a - b,
  );
  if (prefs.length > 1) return { conflict: prefs };
  const route: PlannedRoute = {
    prefix: formatPrefix(entry.family, entry.network, entry.length),
    family: entry.family,
    nextHops: union(
      all.map((c) => c.nextHops),
      compareIpText,
    ),
    communities: union(
      all.map((c) => c.communities),
      compareCommunity,
    ),
    largeCommunities: union(
      all.map((c) => c.largeCommunities),
      compareCommunity,
    ),
    services: [...new Set(all.map((c) => c.service))].sort(),
  };
  if (prefs.length === 1) route.localPref = prefs[0];
  return { route };
}

/**
 * The routes one peer should have, kept sorted as services come and go so that re-planning after
 * a small change touches only the prefixes that change. Shares of one prefix (aggregates, several
 * advertisements) merge into one route: next hops, communities and services united.
 */
export class PeerRouteTable {
  private readonly entries = new Map<number, Map<bigint, PrefixEntry>>();
  private readonly entriesOfService = new Map<string, PrefixEntry[]>();
  private readonly pending = new Set<PrefixEntry>();
  private readonly conflicts = new Set<PrefixEntry>();
  private order: PrefixEntry[] = [];
  private routesInOrder: PlannedRoute[] = [];
  private published: PlannedRoute[] | undefined;

  /** Replaces everything the service contributes to this peer. */
  setService(service: string, contributions: readonly RouteContribution[]): void {
    for (const entry of this.entriesOfService.get(service) ?? []) {
      entry.shares = entry.shares.filter((c) => c.service !== service);
      this.pending.add(entry);
    }
    const mine: PrefixEntry[] = [];
    for (const c of contributions) {
      let group = this.entries.get(groupOf(c));
      if (!group) this.entries.set(groupOf(c), (group = new Map()));
      let entry = group.get(c.network);
      if (!entry) {
        entry = { family: c.family, network: c.network, length: c.length, shares: [], inOrder: false };
        group.set(c.network, entry);
      }
      if (!mine.includes(entry)) mine.push(entry);
      entry.shares.push(c);
      this.pending.add(entry);
    }
    if (mine.length > 0) this.entriesOfService.set(service, mine);
    else this.entriesOfService.delete(service);
  }

  private *allEntries(): Iterable<PrefixEntry> {
    for (const group of this.entries.values()) yield* group.values();
  }

  private locate(entry: PrefixEntry): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareEntries(this.order[mid] as PrefixEntry, entry) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private commit(): void {
    if (this.pending.size === 0) return;
    const bulk = this.pending.size > RESORT_THRESHOLD;
    for (const entry of this.pending) {
      const { route, conflict } = mergeShares(entry);
      entry.route = route;
      entry.conflict = conflict;
      if (conflict) this.conflicts.add(entry);
      else this.conflicts.delete(entry);
      if (entry.shares.length === 0) this.entries.get(groupOf(entry))?.delete(entry.network);
      if (bulk) continue;
      if (route && entry.inOrder) {
        this.routesInOrder[this.locate(entry)] = route;
      } else if (route) {
        const i = this.locate(entry);
        this.order.splice(i, 0, entry);
        this.routesInOrder.splice(i, 0, route);
        entry.inOrder = true;
      } else if (entry.inOrder) {
        const i = this.locate(entry);
        this.order.splice(i, 1);
        this.routesInOrder.splice(i, 1);
        entry.inOrder = false;
      }
    }
    if (bulk) {
      this.order = [...this.allEntries()].filter((e) => e.route !== undefined).sort(compareEntries);
      for (const e of this.allEntries()) e.inOrder = false;
      for (const e of this.order) e.inOrder = true;
      this.routesInOrder = this.order.map((e) => e.route as PlannedRoute);
    }
    this.pending.clear();
    this.published = undefined;
  }

  /** The sorted routes; the array is never mutated after it is returned. */
  routes(): PlannedRoute[] {
    this.commit();
    this.published ??= this.routesInOrder.slice();
    return this.published;
  }

  /** One issue per service on a prefix whose shares disagree on localPref. */
  conflictIssues(peer: string): AdvertisementIssue[] {
    this.commit();
    const issues: AdvertisementIssue[] = [];
    for (const entry of this.conflicts) {
      const prefix = formatPrefix(entry.family, entry.network, entry.length);
      for (const service of new Set(entry.shares.map((c) => c.service))) {
        issues.push({
          service,
          peer,
          message: `${prefix} is not announced to ${peer}: the services aggregated into it set conflicting localPref ${entry.conflict?.join(' and ')}`,
        });
      }
    }
    return issues;
  }
}
