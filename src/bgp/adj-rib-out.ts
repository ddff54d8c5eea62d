import { isIP } from 'node:net';
import { pickNextHop } from './ecmp.js';
import { InvalidRouteError } from './errors.js';
import { PathIdAllocator } from './path-ids.js';
import { parseCommunity, parseLargeCommunity } from './wire/index.js';
import {
  attributesKey,
  isValidPrefix,
  pathKey,
  prefixFamily,
  type AddressFamily,
  type DesiredRoute,
  type OutPath,
  type PathAttributes,
} from './routes.js';

export interface NlriRef {
  prefix: string;
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

export interface AdjRibOutOptions {
  /** Families the session negotiated; routes of any other family are held back (see `heldBack`). */
  families: ReadonlySet<AddressFamily>;
  /** Families where the peer negotiated ADD-PATH receive: every next hop becomes its own path. */
  addPathFamilies: ReadonlySet<AddressFamily>;
  /** Shared across sessions of one peer, so path ids survive reconnects. */
  pathIds?: PathIdAllocator;
  /** For error messages. */
  peer?: string;
}

/**
 * The routes one peer should have versus the routes it was sent. Pure: the session decides when to
 * take the changes (after a short batching window) and how to encode them.
 */
export class AdjRibOut {
  private readonly pathIds: PathIdAllocator;
  private desired = new Map<string, OutPath>();
  private sent = new Map<string, OutPath>();
  private dirty = false;
  private held: string[] = [];

  constructor(private readonly opts: AdjRibOutOptions) {
    this.pathIds = opts.pathIds ?? new PathIdAllocator();
  }

  /** Replaces the whole desired set. A route with no next hops is the same as no route. */
  setDesiredRoutes(routes: readonly DesiredRoute[]): void {
    validateDesiredRoutes(routes, this.opts.peer);
    const desired = new Map<string, OutPath>();
    const held: string[] = [];
    for (const route of routes) {
      const family = prefixFamily(route.prefix);
      if (!this.opts.families.has(family)) {
        if (route.nextHops.length > 0) held.push(route.prefix);
        continue;
      }
      for (const path of this.expand(route, family)) desired.set(pathKey(path), path);
    }
    this.pathIds.retainOnly(new Set(routes.map((r) => r.prefix)));
    this.desired = desired;
    this.held = held;
    this.dirty = true;
  }

  private expand(route: DesiredRoute, family: AddressFamily): OutPath[] {
    const base = {
      localPref: route.localPref,
      communities: route.communities,
      largeCommunities: route.largeCommunities,
    };
    if (route.nextHops.length === 0) return [];
    if (!this.opts.addPathFamilies.has(family)) {
      const nextHop = pickNextHop(route.prefix, route.nextHops);
      return [
        { family, prefix: route.prefix, pathId: 0, attributes: withoutUndefined({ nextHop, ...base }) },
      ];
    }
    const ids = this.pathIds.assign(route.prefix, route.nextHops);
    return [...ids].map(([nextHop, pathId]) => ({
      family,
      prefix: route.prefix,
      pathId,
      attributes: withoutUndefined({ nextHop, ...base }),
    }));
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
    const withdrawn: OutPath[] = [];
    const announced: OutPath[] = [];
    for (const [key, path] of this.sent) if (!this.desired.has(key)) withdrawn.push(path);
    for (const [key, path] of this.desired) {
      const old = this.sent.get(key);
      if (!old || attributesKey(old.family, old.attributes) !== attributesKey(path.family, path.attributes)) {
        announced.push(path);
      }
    }
    this.sent = new Map(this.desired);
    this.dirty = false;
    return { withdrawals: groupWithdrawals(withdrawn), announcements: groupAnnouncements(announced) };
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
    return changes;
  }

  sentPaths(): OutPath[] {
    return [...this.sent.values()];
  }

  sentPrefixCount(): number {
    return new Set([...this.sent.values()].map((p) => p.prefix)).size;
  }
}

/**
 * Throws InvalidRouteError for anything that could not be announced as given: a prefix listed
 * twice, a malformed prefix, a next hop of the other family, a community that does not parse.
 */
export function validateDesiredRoutes(routes: readonly DesiredRoute[], peer: string | undefined): void {
  const seen = new Set<string>();
  for (const route of routes) {
    const fail = (why: string) => new InvalidRouteError(why, peer, route.prefix);
    if (seen.has(route.prefix)) throw fail(`prefix ${route.prefix} listed twice`);
    seen.add(route.prefix);
    if (!isValidPrefix(route.prefix)) throw fail(`'${route.prefix}' is not a prefix`);
    const family = prefixFamily(route.prefix);
    for (const hop of route.nextHops) {
      if (isIP(hop) !== family) throw fail(`next hop '${hop}' is not an address of the prefix's family`);
    }
    try {
      route.communities.forEach(parseCommunity);
      route.largeCommunities.forEach(parseLargeCommunity);
    } catch (err) {
      throw fail((err as Error).message);
    }
    if (
      route.localPref !== undefined &&
      !(Number.isInteger(route.localPref) && route.localPref >= 0 && route.localPref <= 0xffffffff)
    ) {
      throw fail(`local preference ${route.localPref} is not a 32-bit unsigned integer`);
    }
  }
}

function withoutUndefined(a: PathAttributes): PathAttributes {
  return a.localPref === undefined
    ? { nextHop: a.nextHop, communities: a.communities, largeCommunities: a.largeCommunities }
    : a;
}

function byNlri(a: NlriRef, b: NlriRef): number {
  return a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : a.pathId - b.pathId;
}

function groupAnnouncements(paths: readonly OutPath[]): AnnounceGroup[] {
  const groups = new Map<string, AnnounceGroup>();
  for (const p of paths) {
    const key = attributesKey(p.family, p.attributes);
    let g = groups.get(key);
    if (!g) {
      g = { family: p.family, attributes: p.attributes, nlri: [] };
      groups.set(key, g);
    }
    g.nlri.push({ prefix: p.prefix, pathId: p.pathId });
  }
  return [...groups.keys()].sort().map((k) => {
    const g = groups.get(k)!;
    g.nlri.sort(byNlri);
    return g;
  });
}

function groupWithdrawals(paths: readonly OutPath[]): WithdrawGroup[] {
  const groups: WithdrawGroup[] = [];
  for (const family of [4, 6] as const) {
    const nlri = paths
      .filter((p) => p.family === family)
      .map((p) => ({ prefix: p.prefix, pathId: p.pathId }));
    if (nlri.length > 0) groups.push({ family, nlri: nlri.sort(byNlri) });
  }
  return groups;
}
