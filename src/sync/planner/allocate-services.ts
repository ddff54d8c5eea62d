import type { AddressPool } from '../../config/model.js';
import type { AllocationFailureReason, ServiceAllocation } from '../plan-types.js';
import { IpAllocator, type AllocatedIp } from '../allocator/ip-allocator.js';
import { familyName, formatIp, parseIp, type IpFamily } from '../../ip/address.js';
import { isPinned, orderPools, poolServes, type NamespaceLabels } from './pool-selection.js';
import { compareRequests, type AllocationRequest } from './service-request.js';

interface ServiceAllocationResult {
  allocation: ServiceAllocation;
  ips: readonly AllocatedIp[];
  /** Why addresses from status.loadBalancer.ingress were given up (for Events and plan.issues). */
  dropped: readonly string[];
}

type Failure = { reason: AllocationFailureReason; message: string };

/** Shared by every service that gives nothing up, which is nearly all of them. */
const NOTHING_DROPPED: readonly string[] = Object.freeze([]);
const NO_IPS: readonly AllocatedIp[] = Object.freeze([]);

/**
 * An exact-size copy: a list grown by push reserves room for ~17 items, and results live as long
 * as the plan, so for 100,000 services the spare room alone would be megabytes on the heap.
 */
function exactCopy<T>(list: readonly T[]): T[] {
  return list.slice();
}

function byFamily(a: AllocatedIp, b: AllocatedIp): number {
  return a.family - b.family;
}

/** One service's outcome of the last pass, with what the incremental path needs to know of it. */
interface AllocationEntry {
  request: AllocationRequest;
  result: ServiceAllocationResult;
  /** The addresses kept from status.loadBalancer.ingress (the rest of result.ips were handed out). */
  seeded: readonly AllocatedIp[];
  /**
   * Whether the result could change when other services' addresses change: it was handed
   * addresses (lowest free), was refused some, or gave some up. Settled services kept everything
   * from their status or are invalid whatever the state.
   */
  dependent: boolean;
  /** Addresses a dependent service's result turns on: its status and requested addresses. */
  wanted: readonly AllocatedIp[];
}

function addressKey(family: IpFamily, value: bigint): string {
  return `${family}:${value}`;
}

function isDependent(req: AllocationRequest, seeded: readonly AllocatedIp[], dropped: readonly string[]) {
  if (req.invalid) return false;
  if (dropped.length > 0 || seeded.length === 0) return true;
  // A PreferDualStack service missing a family tries the pool again on every pass.
  return !req.requested && req.families.some((f) => !seeded.some((ip) => ip.family === f));
}

function statusAddresses(req: AllocationRequest): readonly AllocatedIp[] {
  if (req.service.statusIngress.length === 0) return NO_IPS;
  const ips: AllocatedIp[] = [];
  for (const text of req.service.statusIngress) {
    const ip = parseIp(text);
    if (ip) ips.push({ family: ip.family, value: ip.value, pool: '' });
  }
  return ips;
}

function wantedAddresses(req: AllocationRequest): readonly AllocatedIp[] {
  const status = statusAddresses(req);
  if (!req.requested) return status;
  return [...status, ...req.requested.map((ip) => ({ family: ip.family, value: ip.value, pool: '' }))];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameResult(a: ServiceAllocationResult, b: ServiceAllocationResult): boolean {
  const x = a.allocation;
  const y = b.allocation;
  return (
    sameList(x.ips, y.ips) &&
    sameList(x.pools, y.pools) &&
    x.failure?.reason === y.failure?.reason &&
    x.failure?.message === y.failure?.message &&
    sameList(a.dropped, b.dropped)
  );
}

/**
 * The allocations of every handled service, as one pass in the stable order of compareRequests
 * gives them: existing addresses are seeded first so a restart never moves an IP, then services
 * still missing addresses are served in order. The result depends only on the requests, the
 * pools and the namespaces.
 *
 * `update` keeps that promise without a whole pass when it can prove the pass would change
 * nothing but the changed services (the common case: a new service, a status written back, a
 * deleted service in a settled cluster); otherwise it runs the pass. Results that come out the
 * same keep their object, so plans built from them diff by identity.
 */
export class ServiceAllocations {
  private run: AllocationRun;
  private readonly entries = new Map<string, AllocationEntry>();
  private readonly dependents = new Set<string>();
  /** How many dependent services want each address (addressKey) and use each sharing key. */
  private readonly wantedCount = new Map<string, number>();
  private readonly sharingKeyCount = new Map<string, number>();
  /** The dependent service last in pass order; undefined when unknown. */
  private lastDependent: AllocationRequest | undefined;

  constructor(
    private readonly pools: readonly AddressPool[],
    private readonly namespaces: NamespaceLabels,
  ) {
    this.run = new AllocationRun(pools, namespaces);
  }

  get(key: string): ServiceAllocationResult | undefined {
    return this.entries.get(key)?.result;
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }

  *results(): IterableIterator<ServiceAllocationResult> {
    for (const entry of this.entries.values()) yield entry.result;
  }

  /** The request last allocated for the service, to reuse while its ServiceInfo is unchanged. */
  request(key: string): AllocationRequest | undefined {
    return this.entries.get(key)?.request;
  }

  /** A whole pass over these requests; returns the keys whose result changed (or went away). */
  allocateAll(requests: readonly AllocationRequest[]): Set<string> {
    const previous = new Map(this.entries);
    this.run = new AllocationRun(this.pools, this.namespaces);
    this.entries.clear();
    this.dependents.clear();
    this.wantedCount.clear();
    this.sharingKeyCount.clear();
    this.lastDependent = undefined;
    const ordered = [...requests].sort(compareRequests);
    const computed = this.allocateInOrder(ordered);
    const changed = new Set<string>();
    for (let i = 0; i < ordered.length; i++) {
      const req = ordered[i] as AllocationRequest;
      const entry = computed[i] as AllocationEntry;
      const before = previous.get(req.key);
      previous.delete(req.key);
      if (before && sameResult(before.result, entry.result)) entry.result = before.result;
      else changed.add(req.key);
      this.record(entry);
    }
    for (const key of previous.keys()) changed.add(key);
    return changed;
  }

  /**
   * Applies changed requests (undefined: the service is gone or no longer handled) without a whole
   * pass when that provably gives the whole pass's result; returns the keys whose result changed,
   * or undefined when the caller must run allocateAll. After undefined this object is spent until
   * allocateAll runs.
   */
  update(changes: ReadonlyMap<string, AllocationRequest | undefined>): Set<string> | undefined {
    const changedDependents: AllocationEntry[] = [];
    const released: AllocatedIp[] = [];
    for (const key of changes.keys()) {
      const old = this.entries.get(key);
      if (!old) continue;
      if (old.dependent) changedDependents.push(old);
      for (const ip of old.result.ips) {
        this.run.allocator.release(key, ip.family, ip.value);
        released.push(ip);
      }
    }
    const requests = [...changes.values()].filter((r): r is AllocationRequest => r !== undefined);
    requests.sort(compareRequests);
    // Another service on an address a changed service has in its status: which of the two keeps
    // it depends on their order in the pass.
    for (const req of requests) {
      for (const ip of statusAddresses(req)) {
        if (this.run.allocator.usersOf(ip.family, ip.value).length > 0) return undefined;
      }
    }
    const computed = this.allocateInOrder(requests);
    if (this.dependents.size > changedDependents.length) {
      const outside = this.outsideDependents(changedDependents);
      if (!this.unaffected(outside, released, computed)) return undefined;
    }
    const byKey = new Map(computed.map((e) => [e.request.key, e]));
    const changed = new Set<string>();
    for (const key of changes.keys()) {
      const old = this.entries.get(key);
      if (old) this.forget(old);
      const entry = byKey.get(key);
      if (entry === undefined) {
        if (old) changed.add(key);
        continue;
      }
      if (old && sameResult(old.result, entry.result)) entry.result = old.result;
      else changed.add(key);
      this.record(entry);
    }
    return changed;
  }

  /**
   * Whether services outside the change that depend on the allocator state (`outside`) get the
   * same result from a whole pass with the changed services' new requests. They do when:
   * - nothing they could have used was given up: every released address is held again from status
   *   (a freed address could be lower than one a dependent service was handed, or end a refusal);
   * - every changed service that was handed addresses comes after them in the pass, so it took
   *   what they left, as the pass would have it;
   * - no address a changed service holds (and so none it held) is one they want (status or
   *   request): a refusal or drop message names the address's holders;
   * - no changed service shares a sharing key with them (an address it holds could be shareable
   *   and lower than theirs).
   */
  private unaffected(
    outside: OutsideDependents,
    released: readonly AllocatedIp[],
    computed: readonly AllocationEntry[],
  ): boolean {
    const reheld = new Set<string>();
    for (const entry of computed) for (const ip of entry.seeded) reheld.add(addressKey(ip.family, ip.value));
    if (released.some((ip) => !reheld.has(addressKey(ip.family, ip.value)))) return false;
    for (const entry of computed) {
      if (entry.dependent) {
        const last = outside.last();
        if (last && compareRequests(entry.request, last) < 0) return false;
      }
      const key = entry.request.identity.sharingKey;
      if (key !== undefined && outside.usingSharingKey(key)) return false;
      if (entry.result.ips.some((ip) => outside.want(ip))) return false;
    }
    return true;
  }

  /** The dependent services other than `excluded`, as `unaffected` asks about them. */
  private outsideDependents(excluded: readonly AllocationEntry[]): OutsideDependents {
    const wantedByExcluded = new Map<string, number>();
    const keysOfExcluded = new Map<string, number>();
    for (const entry of excluded) {
      for (const ip of entry.wanted) increment(wantedByExcluded, addressKey(ip.family, ip.value));
      const key = entry.request.identity.sharingKey;
      if (key !== undefined) increment(keysOfExcluded, key);
    }
    const skip = new Set(excluded.map((e) => e.request.key));
    let found: AllocationRequest | undefined;
    let searched = false;
    const last = (): AllocationRequest | undefined => {
      if (skip.size === 0) return this.lastDependentRequest();
      if (searched) return found;
      searched = true;
      for (const key of this.dependents) {
        if (skip.has(key)) continue;
        const req = (this.entries.get(key) as AllocationEntry).request;
        if (!found || compareRequests(req, found) > 0) found = req;
      }
      return found;
    };
    return {
      last,
      want: (ip) => {
        const key = addressKey(ip.family, ip.value);
        return (this.wantedCount.get(key) ?? 0) > (wantedByExcluded.get(key) ?? 0);
      },
      usingSharingKey: (key) => (this.sharingKeyCount.get(key) ?? 0) > (keysOfExcluded.get(key) ?? 0),
    };
  }

  private lastDependentRequest(): AllocationRequest | undefined {
    if (this.lastDependent === undefined) {
      for (const key of this.dependents) {
        const req = (this.entries.get(key) as AllocationEntry).request;
        if (!this.lastDependent || compareRequests(req, this.lastDependent) > 0) this.lastDependent = req;
      }
    }
    return this.lastDependent;
  }

  private record(entry: AllocationEntry): void {
    const key = entry.request.key;
    this.entries.set(key, entry);
    if (!entry.dependent) return;
    this.dependents.add(key);
    for (const ip of entry.wanted) increment(this.wantedCount, addressKey(ip.family, ip.value));
    const sharingKey = entry.request.identity.sharingKey;
    if (sharingKey !== undefined) increment(this.sharingKeyCount, sharingKey);
    if (this.lastDependent && compareRequests(entry.request, this.lastDependent) > 0) {
      this.lastDependent = entry.request;
    }
  }

  private forget(entry: AllocationEntry): void {
    const key = entry.request.key;
    this.entries.delete(key);
    if (!this.dependents.delete(key)) return;
    for (const ip of entry.wanted) decrement(this.wantedCount, addressKey(ip.family, ip.value));
    const sharingKey = entry.request.identity.sharingKey;
    if (sharingKey !== undefined) decrement(this.sharingKeyCount, sharingKey);
    if (this.lastDependent === entry.request) this.lastDependent = undefined;
  }

  /** Seeds, then completes, then explains refusals, for requests already in pass order. */
  private allocateInOrder(ordered: readonly AllocationRequest[]): AllocationEntry[] {
    const run = this.run;
    // Nearly every service arrives without addresses: seeded ones only get a list of their own.
    const seeded: Array<readonly AllocatedIp[] | undefined> = new Array(ordered.length);
    const dropped: Array<readonly string[]> = new Array(ordered.length);
    const work: AllocatedIp[] = [];
    for (let i = 0; i < ordered.length; i++) {
      work.length = 0;
      dropped[i] = run.seed(ordered[i] as AllocationRequest, work);
      if (work.length > 0) seeded[i] = exactCopy(work);
    }
    const entries: AllocationEntry[] = new Array(ordered.length);
    const failed: number[] = [];
    for (let i = 0; i < ordered.length; i++) {
      const req = ordered[i] as AllocationRequest;
      const fromStatus = seeded[i] ?? NO_IPS;
      work.length = 0;
      for (const ip of fromStatus) work.push(ip);
      const failure = run.complete(req, work);
      if (failure && req.requested && !req.invalid) failed.push(i);
      if (work.length > 1) work.sort(byFamily);
      const ips = work.length === 0 ? NO_IPS : exactCopy(work);
      const texts = new Array<string>(ips.length);
      for (let k = 0; k < ips.length; k++) {
        const ip = ips[k] as AllocatedIp;
        texts[k] = formatIp(ip.family, ip.value);
      }
      const pools = ips.length === 1 ? run.onlyPool((ips[0] as AllocatedIp).pool) : ips.map((ip) => ip.pool);
      const allocation: ServiceAllocation = { service: req.key, ips: texts, pools };
      if (failure) allocation.failure = failure;
      const gaveUp = dropped[i] as readonly string[];
      const dependent = isDependent(req, fromStatus, gaveUp);
      entries[i] = {
        request: req,
        result: { allocation, ips, dropped: gaveUp },
        seeded: fromStatus,
        dependent,
        wanted: dependent ? wantedAddresses(req) : NO_IPS,
      };
    }
    // Explain refused explicit requests against the final state, not the state at their turn:
    // re-planning from the written status sees exactly that state, so the Event text never flaps.
    for (const i of failed) {
      const entry = entries[i] as AllocationEntry;
      const checked = run.checkRequested(entry.request);
      if ('reason' in checked) entry.result.allocation.failure = checked;
    }
    return entries;
  }
}

interface OutsideDependents {
  /** The last of them in pass order. */
  last(): AllocationRequest | undefined;
  /** Whether one of them has the address in its status or request. */
  want(ip: AllocatedIp): boolean;
  usingSharingKey(key: string): boolean;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** One whole allocation pass: every handled service's result, keyed by service. */
export function allocateServices(
  pools: readonly AddressPool[],
  requests: readonly AllocationRequest[],
  namespaces: NamespaceLabels,
): Map<string, ServiceAllocationResult> {
  const allocations = new ServiceAllocations(pools, namespaces);
  allocations.allocateAll(requests);
  return new Map([...allocations.keys()].map((k) => [k, allocations.get(k) as ServiceAllocationResult]));
}

class AllocationRun {
  readonly allocator: IpAllocator;
  private readonly poolsByName: Map<string, AddressPool>;
  private readonly poolOrder: AddressPool[];
  private readonly onlyPoolLists = new Map<string, string[]>();

  constructor(
    pools: readonly AddressPool[],
    private readonly namespaces: NamespaceLabels,
  ) {
    this.allocator = new IpAllocator(pools);
    this.poolsByName = new Map(pools.map((p) => [p.name, p]));
    this.poolOrder = orderPools(pools);
  }

  /**
   * The `pools` of an allocation from one pool: one frozen list per pool, shared by all its
   * services (plans hand out shared lists frozen, as route tables do).
   */
  onlyPool(name: string): string[] {
    let list = this.onlyPoolLists.get(name);
    if (!list) this.onlyPoolLists.set(name, (list = Object.freeze([name]) as string[]));
    return list;
  }

  /**
   * The annotation narrows the choice to one pool, and serviceAllocation still decides: MetalLB's
   * Assign refuses any pool not compatible with the service, whichever way it was chosen.
   */
  private eligible(pool: AddressPool, req: AllocationRequest): boolean {
    if (req.requestedPool !== undefined && pool.name !== req.requestedPool) return false;
    return poolServes(pool, req.service, this.namespaces);
  }

  private eligiblePoolFor(req: AllocationRequest, family: IpFamily, value: bigint): AddressPool | undefined {
    for (const name of this.allocator.poolsContaining(family, value)) {
      const pool = this.poolsByName.get(name) as AddressPool;
      if (this.eligible(pool, req)) return pool;
    }
    return undefined;
  }

  /**
   * The first eligible pool holding every one of the addresses: a service takes all its addresses
   * from one pool (MetalLB's Assign refuses addresses of two pools, allocator_test.go TestAssignment
   * "ip dual-stack assign s1 from different pools"), so the pool annotation, the advertisements
   * and the pool status all name one pool per service.
   */
  private onePoolFor(
    req: AllocationRequest,
    ips: ReadonlyArray<{ family: IpFamily; value: bigint }>,
  ): AddressPool | undefined {
    const [first, ...rest] = ips;
    if (!first) return undefined;
    for (const name of this.allocator.poolsContaining(first.family, first.value)) {
      const pool = this.poolsByName.get(name) as AddressPool;
      if (!this.eligible(pool, req)) continue;
      if (rest.every((ip) => this.allocator.poolsContaining(ip.family, ip.value).includes(name))) return pool;
    }
    return undefined;
  }

  private notInPoolMessage(req: AllocationRequest, ip: string, family: IpFamily, value: bigint): string {
    const containing = this.allocator.poolsContaining(family, value);
    if (containing.length === 0) return `${ip} is not in any address pool`;
    if (req.requestedPool !== undefined && !containing.includes(req.requestedPool)) {
      return `${ip} is in pool ${containing.join(', ')}, not in pool ${req.requestedPool} named by the address-pool annotation`;
    }
    return `${ip} is in pool ${containing.join(', ')}, whose serviceAllocation does not select ${req.key}`;
  }

  /**
   * Keeps the still-valid addresses of status.loadBalancer.ingress; returns why others were
   * dropped. A service that needs all its addresses together (explicit request, RequireDualStack)
   * keeps all or none, so the second pass never has to give an address back after other services
   * were served: that would make the result depend on the order of the pass.
   */
  seed(req: AllocationRequest, held: AllocatedIp[]): readonly string[] {
    if (req.service.statusIngress.length === 0) return NOTHING_DROPPED;
    if (req.invalid) {
      return req.service.statusIngress.map((ip) => `${ip} released: ${req.invalid?.message}`);
    }
    const unfit = this.statusUnfit(req);
    if (unfit !== undefined) return req.service.statusIngress.map((ip) => `${ip} released: ${unfit}`);
    const dropped: string[] = [];
    const kept: Array<{ family: IpFamily; value: bigint; pool: string; text: string }> = [];
    for (const text of req.service.statusIngress) {
      const ip = parseIp(text);
      if (!ip) {
        dropped.push(`"${text}" in status.loadBalancer.ingress is not an IP address; ignored`);
        continue;
      }
      const canonical = formatIp(ip.family, ip.value);
      const why = this.whyNotKeep(req, ip.family, ip.value, canonical);
      if (why !== undefined) {
        dropped.push(`${canonical} released: ${why}`);
        continue;
      }
      const pool = this.eligiblePoolFor(req, ip.family, ip.value) as AddressPool;
      kept.push({ family: ip.family, value: ip.value, pool: pool.name, text: canonical });
    }
    const needed = req.requested
      ? req.requested.length
      : req.policy === 'RequireDualStack'
        ? req.families.length
        : 0;
    if (kept.length < needed) {
      for (const k of kept) {
        dropped.push(`${k.text} released: the service needs all of its ${needed} addresses together`);
      }
      return dropped;
    }
    const pool = kept.length > 1 ? this.onePoolFor(req, kept) : undefined;
    if (kept.length > 1 && !pool) {
      // MetalLB's convergeBalancer clears such a status and allocates again (controller/service.go).
      for (const k of kept) {
        dropped.push(`${k.text} released: the service's addresses are not in one address pool`);
      }
      return dropped;
    }
    for (const k of kept) {
      held.push(this.allocator.assign(req.identity, k.family, k.value, pool?.name ?? k.pool));
    }
    return dropped;
  }

  /**
   * A status that no service of these families could have been given is dropped whole and
   * allocated again, as MetalLB's convergeBalancer clears it: more addresses than families, or two
   * of one family (ipfamily.ForAddressesIPs fails on both, so serviceFamilyChanged clears).
   */
  private statusUnfit(req: AllocationRequest): string | undefined {
    const ips = req.service.statusIngress.map(parseIp);
    if (ips.length > req.families.length) {
      return `status.loadBalancer.ingress has ${ips.length} addresses, the service has ${req.families.length} IP ${req.families.length === 1 ? 'family' : 'families'}`;
    }
    const [a, b] = ips;
    if (a && b && a.family === b.family) {
      return `status.loadBalancer.ingress has two ${familyName(a.family)} addresses`;
    }
    return undefined;
  }

  private whyNotKeep(
    req: AllocationRequest,
    family: IpFamily,
    value: bigint,
    text: string,
  ): string | undefined {
    if (!req.families.includes(family)) return `the service no longer uses ${familyName(family)}`;
    if (req.requested) {
      const wanted = req.requested.find((r) => r.family === family);
      if (!wanted || wanted.value !== value) {
        return `the service now requests ${wanted ? formatIp(wanted.family, wanted.value) : 'other addresses'}`;
      }
    }
    if (!this.eligiblePoolFor(req, family, value)) return this.notInPoolMessage(req, text, family, value);
    const verdict = this.allocator.checkSharing(req.identity, family, value);
    return verdict.ok ? undefined : verdict.message;
  }

  /** Gives the service the addresses it still misses; returns the failure when it cannot. */
  complete(req: AllocationRequest, held: AllocatedIp[]): Failure | undefined {
    if (req.invalid) return req.invalid;
    const first = held[0];
    if (!first) return req.requested ? this.assignRequested(req, held) : this.autoAssign(req, held);
    // Seeding is all-or-nothing for explicit and RequireDualStack services, so a service missing a
    // family here is PreferDualStack: complete it from the pool its address came from, as one pool
    // serves both families of a service, and keep what it has when that fails.
    const missing = req.families.filter((f) => !held.some((h) => h.family === f));
    if (missing.length > 0 && !req.requested) this.takeFromPool(req, first.pool, missing, held);
    return undefined;
  }

  private assignRequested(req: AllocationRequest, held: AllocatedIp[]): Failure | undefined {
    const checked = this.checkRequested(req);
    if ('reason' in checked) return checked;
    for (const p of checked) held.push(this.allocator.assign(req.identity, p.family, p.value, p.pool));
    return undefined;
  }

  /**
   * Pool membership first, sharing second, so a request wrong by configuration is reported as such
   * whatever else holds its addresses.
   */
  checkRequested(req: AllocationRequest): Failure | Array<{ family: IpFamily; value: bigint; pool: string }> {
    const plan: Array<{ family: IpFamily; value: bigint; pool: string }> = [];
    for (const ip of req.requested ?? []) {
      const pool = this.eligiblePoolFor(req, ip.family, ip.value);
      if (!pool) {
        const text = formatIp(ip.family, ip.value);
        return {
          reason: 'requested-ip-not-in-pool',
          message: this.notInPoolMessage(req, text, ip.family, ip.value),
        };
      }
      plan.push({ family: ip.family, value: ip.value, pool: pool.name });
    }
    if (plan.length > 1) {
      const pool = this.onePoolFor(req, plan);
      if (!pool) {
        const texts = plan.map((p) => `${formatIp(p.family, p.value)} (pool ${p.pool})`);
        return {
          reason: 'requested-ip-not-in-pool',
          message: `${texts.join(' and ')} are not in one address pool; a service takes all its addresses from one pool`,
        };
      }
      for (const p of plan) p.pool = pool.name;
    }
    for (const p of plan) {
      const verdict = this.allocator.checkSharing(req.identity, p.family, p.value);
      if (!verdict.ok) return { reason: verdict.reason, message: verdict.message };
    }
    return plan;
  }

  /** Takes one address of each family from the pool, all of them or none. */
  private takeFromPool(
    req: AllocationRequest,
    poolName: string,
    families: IpFamily[],
    held: AllocatedIp[],
  ): boolean {
    if (families.length === 1) {
      // The common single-stack case, without the temporary list below.
      const family = families[0] as IpFamily;
      const value = this.allocator.lowestAvailable(poolName, family, req.identity);
      if (value === undefined) return false;
      held.push(this.allocator.assign(req.identity, family, value, poolName));
      return true;
    }
    const found: Array<{ family: IpFamily; value: bigint }> = [];
    for (const family of families) {
      const value = this.allocator.lowestAvailable(poolName, family, req.identity);
      if (value !== undefined) found.push({ family, value });
    }
    if (found.length < families.length) return false;
    for (const f of found) held.push(this.allocator.assign(req.identity, f.family, f.value, poolName));
    return true;
  }

  /** PreferDualStack takes what a pool has; SingleStack and RequireDualStack need every family. */
  private canServe(pool: AddressPool, req: AllocationRequest): boolean {
    const partialOk = req.policy === 'PreferDualStack';
    let count = 0;
    for (const f of req.families) if (this.allocator.poolHasFamily(pool.name, f)) count++;
    return partialOk ? count > 0 : count === req.families.length;
  }

  private autoAssign(req: AllocationRequest, held: AllocatedIp[]): Failure | undefined {
    let candidates: readonly AddressPool[] = this.poolOrder;
    if (req.requestedPool !== undefined) {
      const pool = this.poolsByName.get(req.requestedPool);
      if (!pool) {
        return {
          reason: 'no-pool',
          message: `address pool ${req.requestedPool} named by the address-pool annotation does not exist`,
        };
      }
      if (!this.eligible(pool, req)) {
        return {
          reason: 'no-pool',
          message: `address pool ${req.requestedPool} named by the address-pool annotation does not serve ${req.key} (its serviceAllocation excludes it)`,
        };
      }
      candidates = [pool];
    }
    // One pass without temporary arrays for a service of one family: this runs once per new service.
    const preferDual = req.policy === 'PreferDualStack' && req.families.length > 1;
    let eligible = 0;
    let capable = 0;
    let group: AddressPool[] = [];
    for (const pool of candidates) {
      if (req.requestedPool === undefined && (!pool.autoAssign || !this.eligible(pool, req))) continue;
      eligible++;
      if (!this.canServe(pool, req)) continue;
      capable++;
      if (!preferDual) {
        if (this.takeFromPool(req, pool.name, req.families, held)) return undefined;
        continue;
      }
      const first = group[0];
      if (first !== undefined && isPinned(first) !== isPinned(pool)) {
        if (this.takePreferred(req, group, held)) return undefined;
        group = [];
      }
      group.push(pool);
    }
    if (preferDual && this.takePreferred(req, group, held)) return undefined;
    return this.autoAssignFailure(req, candidates, eligible, capable);
  }

  /**
   * PreferDualStack among one group of pools (the pinned ones, or those without
   * serviceAllocation), as MetalLB's findBestPoolForService: the first pool with a free address
   * of both families, else the first with one of the primary family (IPv6 for an IPv6-primary
   * service), else the first with one of the other family.
   */
  private takePreferred(req: AllocationRequest, pools: readonly AddressPool[], held: AllocatedIp[]): boolean {
    for (const pool of pools) if (this.takeFromPool(req, pool.name, req.families, held)) return true;
    for (const family of req.families) {
      for (const pool of pools) if (this.takeFromPool(req, pool.name, [family], held)) return true;
    }
    return false;
  }

  private autoAssignFailure(
    req: AllocationRequest,
    candidates: readonly AddressPool[],
    eligible: number,
    capable: number,
  ): Failure {
    if (eligible === 0)
      return { reason: 'no-pool', message: `no address pool with autoAssign serves ${req.key}` };
    const tried = candidates.filter(
      (p) => req.requestedPool !== undefined || (p.autoAssign && this.eligible(p, req)),
    );
    const wanted = req.families.map(familyName).join(req.policy === 'PreferDualStack' ? ' or ' : ' and ');
    if (capable === 0) {
      return {
        reason: 'no-pool',
        message: `no address pool serving ${req.key} has ${wanted} addresses (tried ${tried.map((p) => p.name).join(', ')})`,
      };
    }
    const full = tried.filter((p) => this.canServe(p, req)).map((p) => p.name);
    return { reason: 'pool-exhausted', message: `no free ${wanted} address in pool ${full.join(', ')}` };
  }
}
