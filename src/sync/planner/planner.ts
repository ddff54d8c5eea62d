import { appendAll, byText } from '../../util/arrays.js';
import { backList } from '../../util/listed.js';
import { SortedMap } from '../../util/sorted-map.js';
import type { AddressPool, BgpAdvertisement, Config, PeerConfig } from '../../config/model.js';
import {
  serviceKey,
  type ClusterSnapshot,
  type EndpointSliceInfo,
  type NamespaceInfo,
  type NodeInfo,
  type ServiceInfo,
} from '../cluster.js';
import type { AdvertisementIssue, PeerRoutes, Plan, ServiceAllocation } from '../plan-types.js';
import { compareIp, parseIp, routeAddress, type IpFamily, type RouteAddress } from '../../ip/address.js';
import {
  poolPeers,
  serviceContributions,
  type AdvertiseContext,
  type EligibleNodes,
  type PoolPeer,
  type ReadyEndpoints,
  type RouteContribution,
} from './advertise.js';
import { ServiceAllocations } from './allocate-services.js';
import { anySelectorMatches } from '../../config/label-selector.js';
import { carryChanges } from './list-changes.js';
import { PeerRouteTable } from './route-table.js';
import { isHandledService, readAllocationRequest, type AllocationRequest } from './service-request.js';

/** Changes to a snapshot, as informers report them. Objects are identified by namespace/name. */
export interface SnapshotDelta {
  services?: { upsert?: ServiceInfo[]; remove?: Array<{ namespace: string; name: string }> };
  endpointSlices?: { upsert?: EndpointSliceInfo[]; remove?: Array<{ namespace: string; name: string }> };
  nodes?: { upsert?: NodeInfo[]; remove?: string[] };
  namespaces?: { upsert?: NamespaceInfo[]; remove?: string[] };
}

/** kubeadm puts this on control planes; MetalLB never announces from such nodes. */
const EXCLUDE_FROM_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';

function familyOfSlice(slice: EndpointSliceInfo): IpFamily | undefined {
  return slice.addressType === 'IPv4' ? 4 : slice.addressType === 'IPv6' ? 6 : undefined;
}

/**
 * May this node announce anything at all (before peer and advertisement selectors)? MetalLB's
 * speaker refuses on NetworkUnavailable and the exclude label (ShouldAnnounce); a cordoned node
 * keeps announcing there (its speaker and kube-proxy still run), so it does here. NotReady is our
 * stand-in for MetalLB's speaker on that node going silent: we announce for nodes, not from them.
 */
function nodeCanAnnounce(node: NodeInfo): boolean {
  return node.ready && !node.networkUnavailable && !(EXCLUDE_FROM_LB_LABEL in node.labels);
}

function compareIssues(a: AdvertisementIssue, b: AdvertisementIssue): number {
  if (a.service !== b.service) return a.service < b.service ? -1 : 1;
  const pa = a.peer ?? '';
  const pb = b.peer ?? '';
  if (pa !== pb) return pa < pb ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

function compareAllocations(a: ServiceAllocation, b: ServiceAllocation): number {
  return a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
}

/** Past this many changed allocations one sort beats one binary insertion per allocation. */
const RESORT_THRESHOLD = 256;

interface ServiceSlices {
  /** Usually one slice, kept without a list (one object fewer per service for the collector). */
  slices: EndpointSliceInfo | EndpointSliceInfo[];
  ready4: ReadyEndpoints | undefined;
  ready6: ReadyEndpoints | undefined;
}

/** Adds the nodes of the slice's ready endpoints of the family; true when any endpoint is ready. */
function addReadyNodes(slice: EndpointSliceInfo, family: IpFamily, nodes: string[]): boolean {
  if (familyOfSlice(slice) !== family) return false;
  let anyReady = false;
  for (const ep of slice.endpoints) {
    // MetalLB's hasHealthyEndpoint also needs an address on the endpoint.
    if (!ep.ready || ep.addresses.length === 0) continue;
    anyReady = true;
    if (ep.nodeName !== undefined && !nodes.includes(ep.nodeName)) nodes.push(ep.nodeName);
  }
  return anyReady;
}

function slicesOf(entry: ServiceSlices | undefined): readonly EndpointSliceInfo[] {
  if (entry === undefined) return [];
  return Array.isArray(entry.slices) ? entry.slices : [entry.slices];
}

const NO_CONTRIBUTIONS: readonly RouteContribution[] = [];
const NO_ENDPOINTS: ReadyEndpoints = { anyReady: false, nodes: [] };
const NOTHING_DROPPED: readonly string[] = [];
const NO_NODES: readonly string[] = [];

/**
 * The planner, keeping its indexes between calls. `planCluster` is this class fed one whole
 * snapshot, so the incremental path and the from-scratch path are the same code. Allocation only
 * depends on services, namespaces and pools, so endpoint and node changes reuse it and re-plan
 * routes only for the services they touch; service changes go through ServiceAllocations.update,
 * which re-runs the whole allocation pass only when the changed services could move others, so
 * the result stays a pure function of the current snapshot.
 */
export class Planner {
  private readonly pools: Map<string, AddressPool>;
  private readonly peers: PeerConfig[];
  private readonly services = new Map<string, ServiceInfo>();
  private readonly slices = new Map<string, EndpointSliceInfo>();
  /** A service's slices with its ready endpoints per family, worked out when first asked for. */
  private readonly slicesOfService = new Map<string, ServiceSlices>();
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly namespaces = new Map<string, Record<string, string>>();
  private readonly allocations: ServiceAllocations;
  private readonly tables = new Map<string, PeerRouteTable>();
  private readonly issuesOfService = new Map<string, AdvertisementIssue[]>();
  /** Per pool, cleared with eligibleCache when nodes change. */
  private readonly poolPeersCache = new Map<AddressPool, readonly PoolPeer[]>();
  private readonly eligibleCache = new Map<BgpAdvertisement, Map<string, EligibleNodes>>();
  /** A node's next hops (first InternalIP per family), made once per node object: every route shares them. */
  private readonly nextHopsOfNode = new WeakMap<NodeInfo, readonly RouteAddress[]>();
  private readonly selectorKeys: Map<PeerConfig, string>;
  private readonly ctx: AdvertiseContext;
  /** Scratch list of readyEndpoints (never re-entered). */
  private readonly readyNodes: string[] = [];
  /** The allocations by service: a persistent map, so a change copies one path of it. */
  private allocationList: SortedMap<string, ServiceAllocation> | undefined;
  /** The allocation list `plan()` last handed out, which the next one records its change from. */
  private allocationsPublished: SortedMap<string, ServiceAllocation> | undefined;
  /**
   * The services whose allocation changed since `allocationsPublished`, each with its allocation
   * then; undefined when the list was dropped to be sorted anew.
   */
  private allocationsSince: Map<string, ServiceAllocation | undefined> | undefined;
  private issueList: AdvertisementIssue[] | undefined;
  private listedConflicts = false;

  constructor(
    private readonly config: Config,
    snapshot?: ClusterSnapshot,
  ) {
    this.pools = new Map(config.pools.map((p) => [p.name, p]));
    this.allocations = new ServiceAllocations(config.pools, this.namespaces);
    this.peers = [...config.peers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const peer of this.peers) this.tables.set(peer.name, new PeerRouteTable());
    this.selectorKeys = new Map(this.peers.map((p) => [p, JSON.stringify(p.nodeSelectors)]));
    this.ctx = {
      pool: (name) => this.pools.get(name),
      poolPeers: (pool) => this.poolPeers(pool),
      readyEndpoints: (service, family) => this.readyEndpoints(service, family),
    };
    if (snapshot) this.load(snapshot);
  }

  /**
   * The from-scratch path: the state `update` would reach from an empty planner, without tracking
   * what changed (everything did).
   */
  private load(snapshot: ClusterSnapshot): void {
    for (const ns of snapshot.namespaces) this.namespaces.set(ns.name, ns.labels);
    for (const node of snapshot.nodes) this.nodes.set(node.name, node);
    for (const svc of snapshot.services) this.services.set(serviceKey(svc), svc);
    for (const slice of snapshot.endpointSlices) this.addSlice(slice);
    const requests: AllocationRequest[] = [];
    for (const [key, svc] of this.services) {
      const req = this.requestOf(key, svc);
      if (req) requests.push(req);
    }
    this.allocations.allocateAll(requests);
    for (const key of this.allocations.keys()) this.replanRoutes(key);
  }

  update(delta: SnapshotDelta): void {
    const touched = new Set<string>();
    const serviceChanges = new Map<string, AllocationRequest | undefined>();
    let namespacesChanged = false;
    let nodesChanged = false;

    for (const svc of delta.services?.upsert ?? []) {
      const key = serviceKey(svc);
      this.services.set(key, svc);
      touched.add(key);
      serviceChanges.set(key, this.requestOf(key, svc));
    }
    for (const ref of delta.services?.remove ?? []) {
      const key = serviceKey(ref);
      this.services.delete(key);
      touched.add(key);
      serviceChanges.set(key, undefined);
    }
    for (const ns of delta.namespaces?.upsert ?? []) {
      this.namespaces.set(ns.name, ns.labels);
      namespacesChanged = true;
    }
    for (const name of delta.namespaces?.remove ?? []) {
      this.namespaces.delete(name);
      namespacesChanged = true;
    }
    for (const slice of delta.endpointSlices?.upsert ?? []) this.addSlice(slice, touched);
    for (const ref of delta.endpointSlices?.remove ?? []) this.removeSlice(serviceKey(ref), touched);
    for (const node of delta.nodes?.upsert ?? []) {
      this.nodes.set(node.name, node);
      nodesChanged = true;
    }
    for (const name of delta.nodes?.remove ?? []) {
      // Delete first: `nodesChanged || delete` would skip every removal after the first.
      if (this.nodes.delete(name)) nodesChanged = true;
    }

    if (namespacesChanged || serviceChanges.size > 0)
      this.reallocate(serviceChanges, namespacesChanged, touched);
    if (nodesChanged) {
      this.eligibleCache.clear();
      this.poolPeersCache.clear();
    }
    for (const key of touched) this.replanRoutes(key);
    if (nodesChanged) {
      for (const key of this.allocations.keys()) if (!touched.has(key)) this.replanRoutes(key);
    }
  }

  private addSlice(slice: EndpointSliceInfo, touched?: Set<string>): void {
    const key = serviceKey(slice);
    this.removeSlice(key, touched);
    const owner = `${slice.namespace}/${slice.serviceName}`;
    this.slices.set(key, slice);
    const entry = this.slicesOfService.get(owner);
    if (entry) {
      if (Array.isArray(entry.slices)) entry.slices.push(slice);
      else entry.slices = [entry.slices, slice];
      entry.ready4 = entry.ready6 = undefined;
    } else this.slicesOfService.set(owner, { slices: slice, ready4: undefined, ready6: undefined });
    touched?.add(owner);
  }

  private removeSlice(key: string, touched?: Set<string>): void {
    const old = this.slices.get(key);
    if (!old) return;
    const owner = `${old.namespace}/${old.serviceName}`;
    this.slices.delete(key);
    const rest = slicesOf(this.slicesOfService.get(owner)).filter((sl) => sl !== old);
    if (rest.length > 0)
      this.slicesOfService.set(owner, {
        slices: rest.length === 1 ? (rest[0] as EndpointSliceInfo) : rest,
        ready4: undefined,
        ready6: undefined,
      });
    else this.slicesOfService.delete(owner);
    touched?.add(owner);
  }

  /** The service's allocation request, reused while the service object is the same. */
  private requestOf(key: string, svc: ServiceInfo): AllocationRequest | undefined {
    if (!isHandledService(this.config, svc)) return undefined;
    const last = this.allocations.request(key);
    return last?.service === svc ? last : readAllocationRequest(svc, key);
  }

  /** Allocates for the changed services; every service whose result changed gets re-planned. */
  private reallocate(
    changes: ReadonlyMap<string, AllocationRequest | undefined>,
    namespacesChanged: boolean,
    touched: Set<string>,
  ): void {
    let changed = namespacesChanged ? undefined : this.allocations.update(changes);
    if (changed === undefined) {
      const requests: AllocationRequest[] = [];
      for (const [key, svc] of this.services) {
        const req = this.requestOf(key, svc);
        if (req) requests.push(req);
      }
      changed = this.allocations.allocateAll(requests);
    }
    for (const key of changed) touched.add(key);
    this.updateAllocationList(changed);
  }

  /** Keeps the sorted allocation list in step with a few changed services, or drops it. */
  private updateAllocationList(changed: ReadonlySet<string>): void {
    const list = this.allocationList;
    if (changed.size === 0 || !list) return;
    if (changed.size > RESORT_THRESHOLD) {
      this.allocationList = undefined;
      this.allocationsSince = undefined;
      return;
    }
    let next = list;
    const since = this.allocationsSince;
    for (const key of changed) {
      if (since && !since.has(key)) since.set(key, next.get(key));
      const now = this.allocations.get(key)?.allocation;
      next = now ? next.set(key, now) : next.delete(key);
    }
    this.allocationList = next;
  }

  private replanRoutes(key: string): void {
    const result = this.allocations.get(key);
    const service = this.services.get(key);
    const dropped = result?.dropped ?? NOTHING_DROPPED;
    let issues: AdvertisementIssue[] | undefined;
    if (dropped.length > 0) issues = dropped.map((message) => ({ service: key, message }));
    let contributions: readonly RouteContribution[] = NO_CONTRIBUTIONS;
    if (result && service && result.ips.length > 0) {
      const planned = serviceContributions(service, key, result.ips, this.ctx);
      contributions = planned.contributions;
      if (planned.issues.length > 0) issues = issues ? issues.concat(planned.issues) : planned.issues;
    }
    // Each table takes its own peer's shares from the one list: no per-peer temporary lists.
    for (const [peer, table] of this.tables) table.setService(key, peer, contributions);
    const before = this.issuesOfService.get(key);
    if (issues) this.issuesOfService.set(key, issues);
    else this.issuesOfService.delete(key);
    if (before !== undefined || issues) this.issueList = undefined;
  }

  private poolPeers(pool: AddressPool): readonly PoolPeer[] {
    let shares = this.poolPeersCache.get(pool);
    if (!shares) {
      shares = poolPeers(pool, this.peers, (peer, ad) => this.eligibleNodes(peer, ad));
      this.poolPeersCache.set(pool, shares);
    }
    return shares;
  }

  /** Eligibility depends on the peer's node selectors only: peers with equal ones share it. */
  private eligibleNodes(peer: PeerConfig, ad: BgpAdvertisement): EligibleNodes {
    let bySelectors = this.eligibleCache.get(ad);
    if (!bySelectors) this.eligibleCache.set(ad, (bySelectors = new Map()));
    const selectors = this.selectorKeys.get(peer) as string;
    const cached = bySelectors.get(selectors);
    if (cached) return cached;
    const hops: Array<{ node: string; hop: RouteAddress }> = [];
    for (const node of this.nodes.values()) {
      if (!nodeCanAnnounce(node)) continue;
      if (
        !anySelectorMatches(peer.nodeSelectors, node.labels) ||
        !anySelectorMatches(ad.nodeSelectors, node.labels)
      )
        continue;
      for (const hop of this.nodeNextHops(node)) hops.push({ node: node.name, hop });
    }
    hops.sort((a, b) => compareIp(a.hop, b.hop));
    const allNextHops: { 4: RouteAddress[]; 6: RouteAddress[] } = { 4: [], 6: [] };
    // Frozen because every Cluster route to this peer shares these arrays in the Plan.
    const rankOf = new Map<string, { 4?: number; 6?: number }>();
    for (const hop of hops) {
      let ranks = rankOf.get(hop.node);
      if (!ranks) rankOf.set(hop.node, (ranks = {}));
      ranks[hop.hop.family] = allNextHops[hop.hop.family].push(hop.hop) - 1;
    }
    Object.freeze(allNextHops[4]);
    Object.freeze(allNextHops[6]);
    const eligible: EligibleNodes = { allNextHops, rankOf };
    bySelectors.set(selectors, eligible);
    return eligible;
  }

  private nodeNextHops(node: NodeInfo): readonly RouteAddress[] {
    let hops = this.nextHopsOfNode.get(node);
    if (hops) return hops;
    const seen = new Set<IpFamily>();
    const made: RouteAddress[] = [];
    for (const text of node.internalIPs) {
      const ip = parseIp(text);
      if (!ip || seen.has(ip.family)) continue;
      seen.add(ip.family);
      made.push(routeAddress(ip));
    }
    this.nextHopsOfNode.set(node, (hops = made));
    return hops;
  }

  private readyEndpoints(service: string, family: IpFamily): ReadyEndpoints {
    const entry = this.slicesOfService.get(service);
    if (!entry) return NO_ENDPOINTS;
    const cached = family === 4 ? entry.ready4 : entry.ready6;
    if (cached) return cached;
    const nodes = this.readyNodes;
    nodes.length = 0;
    let anyReady = false;
    if (Array.isArray(entry.slices)) {
      for (const slice of entry.slices) anyReady = addReadyNodes(slice, family, nodes) || anyReady;
    } else anyReady = addReadyNodes(entry.slices, family, nodes);
    // An exact-size copy: the cache keeps one per service, and a list grown by push has spare room.
    const ready = { anyReady, nodes: nodes.length === 0 ? NO_NODES : nodes.slice() };
    if (family === 4) entry.ready4 = ready;
    else entry.ready6 = ready;
    return ready;
  }

  /** Records the list's change from the one handed out before, when every step of it is known. */
  private publishAllocations(list: SortedMap<string, ServiceAllocation>): void {
    if (list === this.allocationsPublished) return;
    const since = this.allocationsSince;
    if (this.allocationsPublished !== undefined && since !== undefined) {
      const before: ServiceAllocation[] = [];
      const after: ServiceAllocation[] = [];
      for (const key of [...since.keys()].sort()) {
        const was = since.get(key);
        const now = this.allocations.get(key)?.allocation;
        if (was !== undefined) before.push(was);
        if (now !== undefined) after.push(now);
      }
      carryChanges(this.allocationsPublished, list, before, after, compareAllocations);
    }
    this.allocationsPublished = list;
    this.allocationsSince = new Map();
  }

  plan(): Plan {
    if (!this.allocationList) {
      const list: ServiceAllocation[] = [];
      for (const r of this.allocations.results()) list.push(r.allocation);
      list.sort(compareAllocations);
      this.allocationList = SortedMap.fromSorted(
        byText,
        list.map((a) => a.service),
        list,
      );
    }
    const allocations = this.allocationList;
    this.publishAllocations(allocations);
    // The lists are arrays made on first read from the maps behind them (src/util/listed.ts):
    // per-change readers take the maps and never make them.
    const peers = this.peers.map((peer) =>
      backList(
        { peer: peer.name, peerAddress: peer.peerAddress, routes: [] } as PeerRoutes,
        'routes',
        (this.tables.get(peer.name) as PeerRouteTable).routes(),
      ),
    );
    const conflicts = this.peers.flatMap((peer) =>
      (this.tables.get(peer.name) as PeerRouteTable).conflictIssues(peer.name),
    );
    // Conflict issues come from the route tables, not from issuesOfService: rebuild while there
    // are any, and once more when they are gone.
    if (!this.issueList || conflicts.length > 0 || this.listedConflicts) {
      const list: AdvertisementIssue[] = conflicts;
      for (const issues of this.issuesOfService.values()) appendAll(list, issues);
      this.issueList = list.sort(compareIssues);
      this.listedConflicts = conflicts.length > 0;
    }
    return backList({ allocations: [], peers, issues: this.issueList } as Plan, 'allocations', allocations);
  }
}

/** Plans a whole snapshot from scratch. */
export function planCluster(config: Config, snapshot: ClusterSnapshot): Plan {
  return new Planner(config, snapshot).plan();
}
