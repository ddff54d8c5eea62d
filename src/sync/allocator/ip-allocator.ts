import { appendAll } from '../../util/arrays.js';
import type { AddressPool } from '../../config/model.js';
import { formatIp, type IpFamily } from '../../ip/address.js';
import { RangeSpace } from './range-space.js';

/** What decides whether two services may hold the same address (MetalLB's sharing rules). */
export interface SharingIdentity {
  service: string;
  /** allow-shared-ip annotation; undefined means the service never shares. */
  sharingKey?: string;
  /**
   * MetalLB's k8salloc.BackendKey: the pod selector (`k=v,...`, sorted) of an
   * externalTrafficPolicy Local service, empty for Cluster. Services share an IP only with equal
   * keys, so a Cluster service may share with a Local one only when that one selects no labels.
   */
  backendKey: string;
  /** `TCP/80` style; two services on one IP may not overlap. */
  ports: string[];
}

export interface AllocatedIp {
  family: IpFamily;
  value: bigint;
  pool: string;
}

export type SharingVerdict =
  { ok: true } | { ok: false; reason: 'requested-ip-in-use' | 'sharing-conflict'; message: string };

interface Holder {
  family: IpFamily;
  value: bigint;
  pool: string;
  /** Every user of a shared address carries the same key, so it is the first user's. */
  sharingKey?: string;
  users: SharingIdentity[];
}

interface PoolSpace {
  pool: AddressPool;
  ranges: RangeSpace[];
}

/**
 * Tracks which service holds which address. Every query is answered from per-range interval sets
 * and a map of held addresses, so cost follows the addresses in use, not the pool sizes.
 */
export class IpAllocator {
  private readonly spaces = new Map<string, PoolSpace>();
  private readonly allRanges: RangeSpace[] = [];
  /** Held addresses per family, keyed by value (BigInt map keys compare by value). */
  private readonly holders = { 4: new Map<bigint, Holder>(), 6: new Map<bigint, Holder>() };
  private readonly bySharingKey = new Map<string, Set<Holder>>();

  constructor(pools: readonly AddressPool[]) {
    for (const pool of pools) {
      const ranges = pool.addresses.map((r) => new RangeSpace(r, pool.avoidBuggyIps));
      this.spaces.set(pool.name, { pool, ranges });
      appendAll(this.allRanges, ranges);
    }
  }

  poolHasFamily(name: string, family: IpFamily): boolean {
    return this.spaces.get(name)?.ranges.some((r) => r.family === family) ?? false;
  }

  /** Names of the pools (config order) that may hand out this address. */
  poolsContaining(family: IpFamily, value: bigint): string[] {
    const names: string[] = [];
    for (const { pool, ranges } of this.spaces.values()) {
      if (ranges.some((r) => r.contains(family, value))) names.push(pool.name);
    }
    return names;
  }

  /** The services holding the address (several when it is shared). */
  usersOf(family: IpFamily, value: bigint): readonly SharingIdentity[] {
    return this.holders[family].get(value)?.users ?? [];
  }

  checkSharing(id: SharingIdentity, family: IpFamily, value: bigint): SharingVerdict {
    const holder = this.holders[family].get(value);
    if (!holder) return { ok: true };
    const ip = formatIp(family, value);
    for (const other of holder.users) {
      if (other.service === id.service) continue;
      if (id.sharingKey === undefined || other.sharingKey === undefined) {
        return {
          ok: false,
          reason: 'requested-ip-in-use',
          message: `${ip} is already in use by ${other.service}`,
        };
      }
      if (other.sharingKey !== id.sharingKey) {
        return {
          ok: false,
          reason: 'sharing-conflict',
          message: `${ip} is shared by ${other.service} with sharing key "${other.sharingKey}", not "${id.sharingKey}"`,
        };
      }
      if (other.backendKey !== id.backendKey) {
        return {
          ok: false,
          reason: 'sharing-conflict',
          message: `${ip} is used by ${other.service} with a different pod selector: backend key "${other.backendKey}", this service's is "${id.backendKey}" (the selector of an externalTrafficPolicy Local service, empty for Cluster)`,
        };
      }
      const clash = id.ports.find((p) => other.ports.includes(p));
      if (clash !== undefined) {
        return {
          ok: false,
          reason: 'sharing-conflict',
          message: `port ${clash} on ${ip} is already used by ${other.service}`,
        };
      }
    }
    return { ok: true };
  }

  /** Records the address for the service; the caller has checked sharing and pool membership. */
  assign(id: SharingIdentity, family: IpFamily, value: bigint, pool: string): AllocatedIp {
    let holder = this.holders[family].get(value);
    if (!holder) {
      // Created holding its first user: a list grown from empty by push reserves room for ~17.
      holder = { family, value, pool, sharingKey: id.sharingKey, users: [id] };
      this.holders[family].set(value, holder);
      for (const range of this.allRanges) if (range.contains(family, value)) range.markUsed(value);
      if (id.sharingKey !== undefined) {
        let set = this.bySharingKey.get(id.sharingKey);
        if (!set) this.bySharingKey.set(id.sharingKey, (set = new Set()));
        set.add(holder);
      }
    } else holder.users.push(id);
    // Sorted, so checkSharing names the same service whatever order the users came in.
    if (holder.users.length > 1)
      holder.users.sort((a, b) => (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));
    return { family, value, pool };
  }

  /** Gives the service's hold on the address back; the address is free once nobody holds it. */
  release(service: string, family: IpFamily, value: bigint): void {
    const holder = this.holders[family].get(value);
    if (!holder) return;
    holder.users = holder.users.filter((u) => u.service !== service);
    if (holder.users.length > 0) return;
    this.holders[family].delete(value);
    for (const range of this.allRanges) if (range.contains(family, value)) range.markFree(value);
    if (holder.sharingKey !== undefined) this.bySharingKey.get(holder.sharingKey)?.delete(holder);
  }

  /**
   * The lowest address of the family the pool can give this service: a free one, or, for a service
   * with a sharing key, one already held by compatible services. Ranges are tried in config order,
   * as MetalLB walks a pool's CIDRs.
   */
  lowestAvailable(poolName: string, family: IpFamily, id: SharingIdentity): bigint | undefined {
    const space = this.spaces.get(poolName);
    if (!space) return undefined;
    const shared = id.sharingKey === undefined ? undefined : this.bySharingKey.get(id.sharingKey);
    for (const range of space.ranges) {
      if (range.family !== family) continue;
      let best = range.lowestFree();
      if (shared !== undefined) best = this.lowestShareable(id, range, shared, best);
      if (best !== undefined) return best;
    }
    return undefined;
  }

  /** A held address in the range below `best` that the service may share, or `best`. */
  private lowestShareable(
    id: SharingIdentity,
    range: RangeSpace,
    shared: ReadonlySet<Holder>,
    best: bigint | undefined,
  ): bigint | undefined {
    for (const holder of shared) {
      if (holder.family !== range.family || !range.contains(holder.family, holder.value)) continue;
      if (best !== undefined && holder.value >= best) continue;
      if (this.checkSharing(id, holder.family, holder.value).ok) best = holder.value;
    }
    return best;
  }
}
