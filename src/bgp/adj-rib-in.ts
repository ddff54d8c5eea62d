import { communityName, formatLargeCommunity } from '../ip/community.js';
import { endOfRibFamily, formatNlri, type Prefix, type UpdateMessage } from './wire/index.js';
import { pathKey, type AddressFamily } from './routes.js';

/** A route as received from a peer, in text form for queries, tests and reports. */
export interface ReceivedRoute {
  family: AddressFamily;
  prefix: string;
  /** 0 when the family does not use ADD-PATH on this session. */
  pathId: number;
  nextHop: string;
  origin?: number;
  asPath: number[];
  localPref?: number;
  med?: number;
  communities: string[];
  largeCommunities: string[];
}

export interface RibInChange {
  announced: ReceivedRoute[];
  withdrawn: { family: AddressFamily; prefix: string; pathId: number }[];
  /** Families whose End-of-RIB marker this UPDATE was (RFC 4724 §2). */
  endOfRib: AddressFamily[];
}

function ref(p: Prefix): { family: AddressFamily; prefix: string; pathId: number } {
  return { family: p.family, prefix: formatNlri(p), pathId: p.pathId ?? 0 };
}

type SharedAttributes = Pick<ReceivedRoute, 'asPath' | 'communities' | 'largeCommunities'> & {
  origin: number | undefined;
  localPref: number | undefined;
  med: number | undefined;
};

/** What one peer sent us, per (prefix, path id): the collector's view. */
export class AdjRibIn {
  private readonly routes = new Map<string, ReceivedRoute>();

  apply(update: UpdateMessage): RibInChange {
    const a = update.attributes;
    const change: RibInChange = { announced: [], withdrawn: [], endOfRib: [] };
    const eor = endOfRibFamily(update);
    if (eor !== undefined) change.endOfRib.push(eor);
    for (const p of [...update.withdrawn, ...(a.mpUnreach?.withdrawn ?? [])]) this.withdraw(ref(p), change);
    // Arrays shared by every prefix of the UPDATE: a full table has few distinct attribute sets.
    const shared: SharedAttributes = {
      origin: a.origin,
      asPath: (a.asPath ?? []).flatMap((seg) => seg.asns),
      localPref: a.localPref,
      med: a.med,
      communities: (a.communities ?? []).map(communityName),
      largeCommunities: (a.largeCommunities ?? []).map(formatLargeCommunity),
    };
    if (update.nlri.length > 0 && a.nextHop !== undefined) {
      for (const p of update.nlri) this.add(p, a.nextHop, shared, change);
    }
    if (a.mpReach) for (const p of a.mpReach.nlri) this.add(p, a.mpReach.nextHop.global, shared, change);
    return change;
  }

  private add(p: Prefix, nextHop: string, shared: SharedAttributes, change: RibInChange): void {
    const route: ReceivedRoute = {
      family: p.family,
      prefix: formatNlri(p),
      pathId: p.pathId ?? 0,
      nextHop,
      asPath: shared.asPath,
      communities: shared.communities,
      largeCommunities: shared.largeCommunities,
    };
    if (shared.origin !== undefined) route.origin = shared.origin;
    if (shared.localPref !== undefined) route.localPref = shared.localPref;
    if (shared.med !== undefined) route.med = shared.med;
    this.routes.set(pathKey(route.prefix, route.pathId), route);
    change.announced.push(route);
  }

  /** RFC 7606 treat-as-withdraw: drop every prefix the malformed UPDATE carried. */
  withdrawPrefixes(prefixes: readonly Prefix[]): RibInChange {
    const change: RibInChange = { announced: [], withdrawn: [], endOfRib: [] };
    for (const p of prefixes) this.withdraw(ref(p), change);
    return change;
  }

  private withdraw(r: { family: AddressFamily; prefix: string; pathId: number }, change: RibInChange): void {
    if (this.routes.delete(pathKey(r.prefix, r.pathId))) change.withdrawn.push(r);
  }

  list(): ReceivedRoute[] {
    return [...this.routes.values()].sort((x, y) =>
      x.prefix === y.prefix ? x.pathId - y.pathId : x.prefix < y.prefix ? -1 : 1,
    );
  }

  get size(): number {
    return this.routes.size;
  }

  clear(): void {
    this.routes.clear();
  }
}
