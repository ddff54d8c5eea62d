import type { AdvertisementIssue, PlannedRoute } from '../plan-types.js';
import { compareIp, type IpFamily, type RouteAddress } from '../../ip/address.js';
import { compareRouteCommunity, compareRouteLargeCommunity } from '../../ip/community.js';
import { comparePrefix, formatPrefix } from '../../ip/prefix.js';
import type { RouteContribution } from './advertise.js';
import { carryChanges } from './list-changes.js';
import { SortedMap } from '../../util/sorted-map.js';

interface PrefixEntry {
  family: IpFamily;
  network: bigint;
  length: number;
  /**
   * Usually one, a host route of one service, kept without a list: a plan keeps an entry per
   * route, and every object it keeps is copied by the young-generation collector.
   */
  shares: RouteContribution | RouteContribution[] | undefined;
  route: PlannedRoute | undefined;
  /** Distinct localPref values when the shares disagree (no route is sent then). */
  conflict: number[] | undefined;
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

/** The values of `lists`, each text once (values are equal when their texts are), sorted. */
function union<T>(
  lists: Iterable<readonly T[]>,
  textOf: (v: T) => string,
  compare: (a: T, b: T) => number,
): T[] {
  const byText = new Map<string, T>();
  for (const list of lists) for (const v of list) if (!byText.has(textOf(v))) byText.set(textOf(v), v);
  return [...byText.values()].sort(compare);
}

const textOf = (v: { text: string }): string => v.text;

const compareRoutes = (a: PlannedRoute, b: PlannedRoute): number => comparePrefix(a.prefix, b.prefix);

const NONE: readonly never[] = Object.freeze([]);

/**
 * Plans hand out arrays that may be shared with other routes and with the planner's caches; they
 * are frozen, so a consumer that tried to mutate one would fail loudly instead of corrupting them.
 */
function shared<T>(list: readonly T[]): T[] {
  return (list.length === 0 ? NONE : Object.isFrozen(list) ? list : Object.freeze(list.slice())) as T[];
}

/**
 * Next hops are the planner's own lists (the eligibility cache's, or made for this one
 * contribution) and never mutated, so freezing them in place is as safe as a copy and costs none.
 */
function sharedHops(list: readonly RouteAddress[]): RouteAddress[] {
  return (list.length === 0 ? NONE : Object.isFrozen(list) ? list : Object.freeze(list)) as RouteAddress[];
}

function sharesOf(entry: PrefixEntry): readonly RouteContribution[] {
  const shares = entry.shares;
  return shares === undefined ? [] : Array.isArray(shares) ? shares : [shares];
}

/** Sets the entry's route, or its conflict when the shares disagree on localPref. */
function mergeShares(entry: PrefixEntry): void {
  entry.route = undefined;
  entry.conflict = undefined;
  const shares = entry.shares;
  if (shares === undefined) return;
  const only = !Array.isArray(shares) ? shares : shares.length === 1 ? shares[0] : undefined;
  if (only) {
    const route: PlannedRoute = {
      prefix: only.prefix,
      family: entry.family,
      nextHops: sharedHops(only.nextHops),
      communities: shared(only.communities),
      largeCommunities: shared(only.largeCommunities),
      services: only.services as string[],
    };
    if (only.localPref !== undefined) route.localPref = only.localPref;
    entry.route = route;
    return;
  }
  const all = shares as RouteContribution[];
  const prefs = [...new Set(all.map((c) => c.localPref).filter((p) => p !== undefined))].sort(
    (a, b) => a - b,
  );
  if (prefs.length > 1) {
    entry.conflict = prefs;
    return;
  }
  const route: PlannedRoute = {
    prefix: (all[0] as RouteContribution).prefix,
    family: entry.family,
    nextHops: union(
      all.map((c) => c.nextHops),
      textOf,
      compareIp,
    ),
    communities: union(
      all.map((c) => c.communities),
      textOf,
      compareRouteCommunity,
    ),
    largeCommunities: union(
      all.map((c) => c.largeCommunities),
      textOf,
      compareRouteLargeCommunity,
    ),
    services: [...new Set(all.map((c) => c.service))].sort(),
  };
  if (prefs.length === 1) route.localPref = prefs[0];
  entry.route = route;
}

/**
 * The routes one peer should have, kept sorted as services come and go so that re-planning after
 * a small change touches only the prefixes that change. Shares of one prefix (aggregates, several
 * advertisements) merge into one route: next hops, communities and services united.
 */
export class PeerRouteTable {
  private readonly entries = new Map<number, Map<bigint, PrefixEntry>>();
  /** One entry (the usual host route) or several; never an empty list. */
  private readonly entriesOfService = new Map<string, PrefixEntry | PrefixEntry[]>();
  private readonly pending = new Set<PrefixEntry>();
  /** Until the first commit every entry is pending: no need to list them one by one. */
  private allPending = true;
  private readonly conflicts = new Set<PrefixEntry>();
  /**
   * The routes by prefix, in plan order: a persistent map, so a change copies one path of it and
   * the versions handed out in earlier plans stay as they were.
   */
  private table = SortedMap.empty<PrefixEntry, PlannedRoute>(compareEntries);
  /** The version `routes()` last handed out, which the next one records its change from. */
  private lastPublished: SortedMap<PrefixEntry, PlannedRoute> | undefined;
  /**
   * The entries committed since `lastPublished`, each with its route then (undefined: it had
   * none); undefined when a bulk commit re-sorted the table (everything may have changed).
   */
  private sincePublished: Map<PrefixEntry, PlannedRoute | undefined> | undefined;

  private release(service: string, entry: PrefixEntry): void {
    const rest = sharesOf(entry).filter((c) => c.service !== service);
    entry.shares = rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
    this.pending.add(entry);
  }

  /**
   * Replaces everything the service contributes to this peer: the shares in `contributions`
   * whose peer is `peer` (the list may hold every peer's shares).
   */
  setService(service: string, peer: string, contributions: readonly RouteContribution[]): void {
    const old = this.entriesOfService.get(service);
    if (Array.isArray(old)) for (const entry of old) this.release(service, entry);
    else if (old !== undefined) this.release(service, old);
    let mine: PrefixEntry | PrefixEntry[] | undefined;
    for (const c of contributions) {
      if (c.peer !== peer) continue;
      const groupKey = groupOf(c);
      let group = this.entries.get(groupKey);
      if (!group) this.entries.set(groupKey, (group = new Map()));
      let entry = group.get(c.network);
      if (!entry) {
        // Every field up front, so entries share one shape.
        entry = {
          family: c.family,
          network: c.network,
          length: c.length,
          shares: c,
          route: undefined,
          conflict: undefined,
          inOrder: false,
        };
        group.set(c.network, entry);
      } else if (entry.shares === undefined) entry.shares = c;
      else if (Array.isArray(entry.shares)) entry.shares.push(c);
      else entry.shares = [entry.shares, c];
      if (mine === undefined) mine = entry;
      else if (!Array.isArray(mine)) {
        if (mine !== entry) mine = [mine, entry];
      } else if (!mine.includes(entry)) mine.push(entry);
      if (!this.allPending) this.pending.add(entry);
    }
    if (mine !== undefined) this.entriesOfService.set(service, mine);
    else if (old !== undefined) this.entriesOfService.delete(service);
  }

  private *allEntries(): Generator<PrefixEntry> {
    for (const group of this.entries.values()) yield* group.values();
  }

  private commit(): void {
    if (this.pending.size === 0 && !this.allPending) return;
    const bulk = this.allPending || this.pending.size > RESORT_THRESHOLD;
    // Deleting from a Map while iterating it is well defined: the walk goes on with the next entry.
    if (bulk) this.sincePublished = undefined;
    for (const entry of this.allPending ? this.allEntries() : this.pending) {
      if (this.sincePublished && !this.sincePublished.has(entry)) this.sincePublished.set(entry, entry.route);
      mergeShares(entry);
      const route = entry.route;
      if (entry.conflict) this.conflicts.add(entry);
      else if (this.conflicts.size > 0) this.conflicts.delete(entry);
      if (entry.shares === undefined) this.entries.get(groupOf(entry))?.delete(entry.network);
      if (bulk) continue;
      if (route) this.table = this.table.set(entry, route);
      else if (entry.inOrder) this.table = this.table.delete(entry);
      entry.inOrder = route !== undefined;
    }
    if (bulk) {
      const order: PrefixEntry[] = [];
      for (const e of this.allEntries()) {
        e.inOrder = e.route !== undefined;
        if (e.inOrder) order.push(e);
      }
      order.sort(compareEntries);
      this.table = SortedMap.fromSorted(
        compareEntries,
        order,
        order.map((e) => e.route as PlannedRoute),
      );
    }
    this.pending.clear();
    this.allPending = false;
  }

  /**
   * The sorted routes, a version later changes leave alone. A new version records its change
   * from the one handed out before (list-changes.ts), unless a bulk commit re-sorted.
   */
  routes(): SortedMap<PrefixEntry, PlannedRoute> {
    this.commit();
    if (this.table === this.lastPublished) return this.table;
    const published = this.table;
    if (this.lastPublished !== undefined && this.sincePublished !== undefined) {
      const touched = [...this.sincePublished].sort(([a], [b]) => compareEntries(a, b));
      const before: PlannedRoute[] = [];
      const after: PlannedRoute[] = [];
      for (const [entry, was] of touched) {
        if (was !== undefined) before.push(was);
        if (entry.route !== undefined && entry.inOrder) after.push(entry.route);
      }
      carryChanges(this.lastPublished, published, before, after, compareRoutes);
    }
    this.lastPublished = published;
    this.sincePublished = new Map();
    return published;
  }

  /** One issue per service on a prefix whose shares disagree on localPref. */
  conflictIssues(peer: string): AdvertisementIssue[] {
    this.commit();
    const issues: AdvertisementIssue[] = [];
    for (const entry of this.conflicts) {
      const prefix = formatPrefix(entry);
      for (const service of new Set(sharesOf(entry).map((c) => c.service))) {
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
