import {
  communityToString,
  endOfRibFamily,
  formatPrefix,
  largeCommunityToString,
  type Prefix,
  type UpdateMessage,
} from './wire/index.js';
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
  return { family: p.family, prefix: formatPrefix(p), pathId: p.pathId ?? 0 };
}

/** What one peer sent us, per (prefix, path id): the collector's view. */
export class AdjRibIn {
  private readonly routes = new Map<string, ReceivedRoute>();

  apply(update: UpdateMessage): RibInChange {
    const a = update.attributes;
    const change: RibInChange = { announced: [], withdrawn: [], endOfRib: [] };
    const eor = endOfRibFamily(update);
    if (eor !== undefined) change.endOfRib.push(eor);
    for (const p of [...update.withdrawn, ...(a.mpUnreach?.withdrawn ?? [])]) this.withdraw(ref(p), change);
    const common = {
      ...(a.origin !== undefined ? { origin: a.origin } : {}),
      asPath: (a.asPath ?? []).flatMap((s) => s.asns),
      ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
      ...(a.med !== undefined ? { med: a.med } : {}),
      communities: (a.communities ?? []).map(communityToString),
      largeCommunities: (a.largeCommunities ?? []).map(largeCommunityToString),
    };
    const add = (p: Prefix, nextHop: string) => {
      const route: ReceivedRoute = { ...ref(p), nextHop, ...common };
      this.routes.set(pathKey(route), route);
      change.announced.push(route);
    };
    if (update.nlri.length > 0 && a.nextHop !== undefined) for (const p of update.nlri) add(p, a.nextHop);
    if (a.mpReach) for (const p of a.mpReach.nlri) add(p, a.mpReach.nextHop.global);
    return change;
  }

  /** RFC 7606 treat-as-withdraw: drop every prefix the malformed UPDATE carried. */
  withdrawPrefixes(prefixes: readonly Prefix[]): RibInChange {
    const change: RibInChange = { announced: [], withdrawn: [], endOfRib: [] };
    for (const p of prefixes) this.withdraw(ref(p), change);
    return change;
  }

  private withdraw(r: { family: AddressFamily; prefix: string; pathId: number }, change: RibInChange): void {
    if (this.routes.delete(pathKey(r))) change.withdrawn.push(r);
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
