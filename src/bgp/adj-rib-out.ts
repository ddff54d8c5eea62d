import { familyBits, type RouteAddress } from '../ip/address.js';
import { maskToPrefix, type RoutePrefix } from '../ip/prefix.js';
import { pickNextHop } from './ecmp.js';
import { InvalidRouteError } from './errors.js';
import { PathIdAllocator } from './path-ids.js';
import type { PathSlotTable } from './path-slots.js';
import {
  attributesKey,
  pathKey,
  type AddressFamily,
  type DesiredRoute,
  type OutPath,
  type PathAttributes,
} from './routes.js';

export interface NlriRef {
  prefix: RoutePrefix;
  pathId: number;
}

/** Prefixes that share every attribute, so the encoder can pack them into as few UPDATEs as fit. */
export interface AnnounceGroup {
  family: AddressFamily;
  attributes: PathAttributes;
  nlri: NlriRef[];
}

export interface WithdrawGroup {
  family: AddressFamily;
  nlri: NlriRef[];
}

export interface RibChanges {
  withdrawals: WithdrawGroup[];
  announcements: AnnounceGroup[];
}

/** A change to some prefixes of the desired set: `upsert` replaces or adds, `remove` takes out. */
export interface RouteDelta {
  upsert: readonly DesiredRoute[];
  remove: readonly string[];
}

export interface AdjRibOutOptions {
  /** Families the session negotiated; routes of any other family are held back (see `heldBack`). */
  families: ReadonlySet<AddressFamily>;
  /** Families where the peer negotiated ADD-PATH receive: every next hop becomes its own path. */
  addPathFamilies: ReadonlySet<AddressFamily>;
  /** Shared across sessions of one peer, so path ids survive reconnects. */
  pathIds?: PathIdAllocator;
  /** For error messages. */
  peer?: string;
  /** This session is one path slot of a peer with several source addresses (see path-slots.ts). */
  slot?: PathSlot;
}

export interface PathSlot {
  index: number;
  /** The peer's assignment, shared by its slot sessions and kept current by the speaker. */
  table: PathSlotTable;
}

/** Far above what real tables use (nodes x advertisements), low enough to bound memory. */
const MAX_INTERNED_ATTRIBUTE_SETS = 4096;

/**
 * The routes one peer should have versus the routes it was sent. Pure: the session decides when to
 * take the changes (after a short batching window) and how to encode them.
 */
export class AdjRibOut {
  private readonly pathIds: PathIdAllocator;
  private desired = new Map<string, KeyedPath>();
  private sent = new Map<string, KeyedPath>();
  /** One shared object per distinct attribute set: a large table has few of them. */
  private readonly interned = new Map<string, { key: string; attributes: PathAttributes }>();
  private dirty = false;
  private held: string[] = [];
  /**
   * After setDesiredRoutes, takeChanges compares the whole sets (undefined). After only deltas, it
   * looks at the prefixes they touched, each with the paths sent for it before the first touch.
   */
  private touched: Map<string, KeyedPath[]> | undefined = new Map();
  /** Desired path keys per prefix, built on the first delta after a whole set. */
  private keysOf: Map<string, string[]> | undefined;

  constructor(private readonly opts: AdjRibOutOptions) {
    this.pathIds = opts.pathIds ?? new PathIdAllocator();
  }

  /** Replaces the whole desired set. A route with no next hops is the same as no route. */
  setDesiredRoutes(routes: readonly DesiredRoute[], opts: { alreadyValidated?: boolean } = {}): void {
    // A session re-feeds the same, validated set to each new Adj-RIB-Out; 100k routes take a while.
    if (!opts.alreadyValidated) validateDesiredRoutes(routes, this.opts.peer);
    const desired = new Map<string, KeyedPath>();
    const held: string[] = [];
    this.interned.clear();
    for (const route of routes) {
      const family = route.prefix.family;
      if (!this.opts.families.has(family)) {
        if (route.nextHops.length > 0) held.push(route.prefix.text);
        continue;
      }
      this.expand(route, family, desired);
    }
    this.pathIds.retainOnly(new Set(routes.map((r) => r.prefix.text)));
    this.desired = desired;
    this.held = held;
    this.dirty = true;
    this.touched = undefined;
    this.keysOf = undefined;
  }

  /**
   * Changes only the named prefixes of the desired set: the same table as setDesiredRoutes with the
   * whole set edited alike, at the cost of the change rather than of the table.
   */
  updateDesiredRoutes(delta: RouteDelta, opts: { alreadyValidated?: boolean } = {}): void {
    if (!opts.alreadyValidated) validateRouteDelta(delta, this.opts.peer);
    // Only whole sets reset the interned attribute sets; a long run of deltas (nodes coming and
    // going) would otherwise keep every combination ever seen. Paths are grouped by the key string,
    // so starting afresh costs sharing, never correctness.
    if (this.interned.size > MAX_INTERNED_ATTRIBUTE_SETS) this.interned.clear();
    // After a whole-set take the two maps are one object; a delta must change only the desired one.
    if (this.sent === this.desired) this.desired = new Map(this.desired);
    const keysOf = (this.keysOf ??= indexByPrefix(this.desired));
    const held = new Set([...delta.remove, ...delta.upsert.map((r) => r.prefix.text)]);
    if (this.held.length > 0) this.held = this.held.filter((p) => !held.has(p));
    for (const prefix of delta.remove) {
      this.dropDesired(prefix, keysOf);
      // As retainOnly does for a prefix missing from a whole set.
      this.pathIds.assign(prefix, []);
    }
    for (const route of delta.upsert) {
      const prefix = route.prefix.text;
      this.dropDesired(prefix, keysOf);
      const family = route.prefix.family;
      if (!this.opts.families.has(family)) {
        if (route.nextHops.length > 0) this.held.push(prefix);
        continue;
      }
      const paths: KeyedPath[] = [];
      this.expand(route, family, paths);
      for (const path of paths) this.desired.set(keyOf(path), path);
      if (paths.length > 0) keysOf.set(prefix, paths.map(keyOf));
    }
    this.dirty = true;
  }

  /** Takes a prefix's paths out of the desired set, remembering what was sent for it. */
  private dropDesired(prefix: string, keysOf: Map<string, string[]>): void {
    if (this.touched && !this.touched.has(prefix)) {
      const sent: KeyedPath[] = [];
      for (const key of keysOf.get(prefix) ?? []) {
        const path = this.sent.get(key);
        if (path) sent.push(path);
      }
      this.touched.set(prefix, sent);
    }
    for (const key of keysOf.get(prefix) ?? []) this.desired.delete(key);
    keysOf.delete(prefix);
  }

  private expand(route: DesiredRoute, family: AddressFamily, into: PathSink): void {
    if (route.nextHops.length === 0) return;
    const prefix = route.prefix.text;
    const addPath = this.opts.addPathFamilies.has(family);
    const slot = this.opts.slot;
    // With ADD-PATH the first slot's session carries every path as a lone session would, and the
    // other slots would only repeat them; without it each slot carries its own next hop.
    if (slot && !(addPath && slot.index === 0)) {
      const hop = addPath ? undefined : slot.table.nextHopOf(prefix, slot.index);
      if (hop !== undefined) this.addPath(into, route, hop, 0);
      return;
    }
    if (!addPath) {
      this.addPath(into, route, pickNextHop(prefix, route.nextHops), 0);
      return;
    }
    for (const [nextHop, pathId] of this.pathIds.assign(prefix, route.nextHops)) {
      this.addPath(into, route, nextHop, pathId);
    }
  }

  private addPath(into: PathSink, route: DesiredRoute, nextHop: RouteAddress, pathId: number): void {
    const family = route.prefix.family;
    const key = attributesKey(family, nextHop, route);
    let shared = this.interned.get(key);
    if (!shared) {
      const attributes: PathAttributes = {
        nextHop,
        communities: route.communities.map((c) => c.value),
        largeCommunities: route.largeCommunities.map((c) => c.value),
      };
      if (route.localPref !== undefined) attributes.localPref = route.localPref;
      shared = { key, attributes };
      this.interned.set(key, shared);
    }
    const path: KeyedPath = {
      family,
      prefix: route.prefix,
      pathId,
      attributes: shared.attributes,
      key: shared.key,
    };
    if (Array.isArray(into)) into.push(path);
    else into.set(keyOf(path), path);
  }

  /**
   * This table's state under other options: a table built for the negotiation a session expected
   * carries on with the one it got (the caller checked that both give the same paths).
   */
  rebind(opts: AdjRibOutOptions): AdjRibOut {
    const copy = new AdjRibOut(opts);
    copy.desired = this.desired;
    copy.sent = this.sent;
    copy.held = this.held;
    copy.dirty = this.dirty;
    copy.touched = this.touched;
    copy.keysOf = this.keysOf;
    return copy;
  }

  /** Whether setDesiredRoutes was called since the last takeChanges. */
  get pending(): boolean {
    return this.dirty;
  }

  /** Prefixes whose family the session did not negotiate, from the last desired set. */
  get heldBack(): readonly string[] {
    return this.held;
  }

  /** What to send so the peer's view equals the desired set; afterwards it counts as sent. */
  takeChanges(): RibChanges {
    const withdrawn: KeyedPath[] = [];
    const announced: KeyedPath[] = [];
    if (this.touched) {
      for (const [prefix, before] of this.touched) this.takePrefix(prefix, before, withdrawn, announced);
      this.touched.clear();
    } else {
      for (const [key, path] of this.sent) if (!this.desired.has(key)) withdrawn.push(path);
      for (const [key, path] of this.desired) {
        if (this.sent.get(key)?.key !== path.key) announced.push(path);
      }
      // Shared until the next change: setDesiredRoutes builds a new map, a delta copies it first.
      this.sent = this.desired;
      this.touched = new Map();
    }
    this.dirty = false;
    return { withdrawals: groupWithdrawals(withdrawn), announcements: groupAnnouncements(announced) };
  }

  /** The whole-set comparison for one prefix, bringing `sent` up to date for it. */
  private takePrefix(
    prefix: string,
    before: readonly KeyedPath[],
    withdrawn: KeyedPath[],
    announced: KeyedPath[],
  ): void {
    for (const path of before) {
      const key = keyOf(path);
      if (!this.desired.has(key)) {
        withdrawn.push(path);
        this.sent.delete(key);
      }
    }
    for (const key of this.keysOf?.get(prefix) ?? []) {
      const path = this.desired.get(key)!;
      if (this.sent.get(key)?.key !== path.key) announced.push(path);
      this.sent.set(key, path);
    }
  }

  /** Everything sent so far (of one family, or all): answers a ROUTE-REFRESH. */
  sentTable(family?: AddressFamily): RibChanges {
    const paths = [...this.sent.values()].filter((p) => family === undefined || p.family === family);
    return { withdrawals: [], announcements: groupAnnouncements(paths) };
  }

  /** Withdraws everything sent (clean shutdown with --withdraw-on-exit). */
  withdrawAll(): RibChanges {
    const changes = { withdrawals: groupWithdrawals([...this.sent.values()]), announcements: [] };
    this.sent = new Map();
    this.desired = new Map();
    this.dirty = false;
    this.touched = new Map();
    this.keysOf = undefined;
    return changes;
  }

  sentPaths(): OutPath[] {
    return [...this.sent.values()].map(({ family, prefix, pathId, attributes }) => ({
      family,
      prefix,
      pathId,
      attributes,
    }));
  }

  get sentPathCount(): number {
    return this.sent.size;
  }

  sentPrefixCount(): number {
    return new Set([...this.sent.values()].map((p) => p.prefix.text)).size;
  }
}

/**
 * Throws InvalidRouteError for anything that could not be announced as given: a prefix listed
 * twice, a malformed prefix, a next hop of the other family, a local preference out of range.
 */
export function validateDesiredRoutes(routes: readonly DesiredRoute[], peer: string | undefined): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const problem = routeProblem(route, seen);
    if (problem !== undefined) throw new InvalidRouteError(problem, peer, route.prefix.text);
  }
}

/** validateDesiredRoutes for the upserts, and no prefix both upserted and removed. */
export function validateRouteDelta(delta: RouteDelta, peer: string | undefined): void {
  validateDesiredRoutes(delta.upsert, peer);
  const upserted = new Set(delta.upsert.map((r) => r.prefix.text));
  const both = delta.remove.find((p) => upserted.has(p));
  if (both !== undefined) throw new InvalidRouteError(`prefix ${both} both changed and removed`, peer, both);
}

function routeProblem(route: DesiredRoute, seen: Set<string>): string | undefined {
  const { family, network, length, text } = route.prefix;
  if (seen.has(text)) return `prefix ${text} listed twice`;
  seen.add(text);
  // A peer would mask host bits differently, so a prefix with them is refused, not cleared.
  if (!(length >= 0 && length <= familyBits(family)) || maskToPrefix(family, network, length) !== network)
    return `'${text}' is not a prefix (address/length with no host bits set)`;
  for (const hop of route.nextHops) {
    if (hop.family !== family) return `next hop '${hop.text}' is not an address of the prefix's family`;
  }
  const lp = route.localPref;
  if (lp !== undefined && !(Number.isInteger(lp) && lp >= 0 && lp <= 0xffffffff)) {
    return `local preference ${lp} is not a 32-bit unsigned integer`;
  }
  return undefined;
}

function keyOf(p: OutPath): string {
  return pathKey(p.prefix.text, p.pathId);
}

/** An OutPath with its attribute key computed once. */
interface KeyedPath extends OutPath {
  key: string;
}

/** Where expand puts a route's paths: the whole desired map, or one prefix's list. */
type PathSink = Map<string, KeyedPath> | KeyedPath[];

function indexByPrefix(paths: ReadonlyMap<string, KeyedPath>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const [key, path] of paths) {
    const keys = index.get(path.prefix.text);
    if (keys) keys.push(key);
    else index.set(path.prefix.text, [key]);
  }
  return index;
}

/** Groups in attribute-key order; prefixes in the order the caller listed them (the plan's order). */
function groupAnnouncements(paths: readonly KeyedPath[]): AnnounceGroup[] {
  const groups = new Map<string, AnnounceGroup>();
  for (const p of paths) {
    let g = groups.get(p.key);
    if (!g) {
      g = { family: p.family, attributes: p.attributes, nlri: [] };
      groups.set(p.key, g);
    }
    // The path itself serves as its NLRI reference: no per-prefix copy for a large table.
    g.nlri.push(p);
  }
  return [...groups.keys()].sort().map((k) => groups.get(k)!);
}

function groupWithdrawals(paths: readonly OutPath[]): WithdrawGroup[] {
  const groups: WithdrawGroup[] = [];
  for (const family of [4, 6] as const) {
    const nlri = paths
      .filter((p) => p.family === family)
      .map((p) => ({ prefix: p.prefix, pathId: p.pathId }));
    if (nlri.length > 0) groups.push({ family, nlri });
  }
  return groups;
}
