import type { AddressPool, BgpAdvertisement, PeerConfig } from '../../config/model.js';
import { anySelectorMatches } from '../../config/label-selector.js';
import type { ServiceInfo } from '../cluster.js';
import type { AdvertisementIssue } from '../plan-types.js';
import type { AllocatedIp } from '../allocator/ip-allocator.js';
import { familyName, formatIp, parseIp, type IpFamily, type RouteAddress } from '../../ip/address.js';
import type { RouteCommunity, RouteLargeCommunity } from '../../ip/community.js';
import { maskToPrefix, routePrefix, type RoutePrefix } from '../../ip/prefix.js';

/** MetalLB announces a bgp pool without advertisements as host routes with no attributes. */
const DEFAULT_ADVERTISEMENT: BgpAdvertisement = Object.freeze({
  name: 'default',
  aggregationLength: 32,
  aggregationLengthV6: 128,
  communities: [],
  largeCommunities: [],
  peers: [],
  nodeSelectors: [],
});

/** Nodes that may announce for one (peer, advertisement) pair, with their next hops per family. */
export interface EligibleNodes {
  /** Every eligible node's next hop, sorted numerically. */
  allNextHops: { 4: readonly RouteAddress[]; 6: readonly RouteAddress[] };
  /** Node name -> index of its next hop in allNextHops, per family it has an InternalIP of. */
  rankOf: ReadonlyMap<string, { 4?: number; 6?: number }>;
}

export interface ReadyEndpoints {
  anyReady: boolean;
  /** Nodes with a ready endpoint, each once (endpoints without nodeName count only for anyReady). */
  nodes: readonly string[];
}

export interface AdvertiseContext {
  pool(name: string): AddressPool | undefined;
  /** How the pool's services go to each peer; depends on config and nodes only, so cached. */
  poolPeers(pool: AddressPool): readonly PoolPeer[];
  readyEndpoints(service: string, family: IpFamily): ReadyEndpoints;
}

/** One peer's share of a pool: the advertisements that reach it, with their eligible nodes. */
export interface PoolPeer {
  peer: PeerConfig;
  ibgp: boolean;
  /** The only family this peer's session carries; undefined: both (dualStackAddressFamily). */
  onlyFamily?: IpFamily;
  ads: ReadonlyArray<{ ad: BgpAdvertisement; eligible: EligibleNodes }>;
  /** Advertisements that clash on localPref here (MetalLB then announces nothing to this peer). */
  clashing: readonly BgpAdvertisement[];
}

interface PeerAdvertisements {
  ads: readonly BgpAdvertisement[];
  /**
   * Pairs of ads that disagree on localPref for the same kind of update on an iBGP session; a
   * pair conflicts for a service only where both ads select a common node.
   */
  localPrefClashes?: ReadonlyArray<readonly [BgpAdvertisement, BgpAdvertisement]>;
}

/**
 * MetalLB's isAggrLengthDifferent: ads with different aggregation lengths send different
 * prefixes, so they cannot clash; a pool with both families needs both lengths to differ.
 */
function differentAggregation(pool: AddressPool, a: BgpAdvertisement, b: BgpAdvertisement): boolean {
  const has4 = pool.addresses.some((r) => r.family === 4);
  const has6 = pool.addresses.some((r) => r.family === 6);
  if (!has4 && !has6) return true;
  const v4 = a.aggregationLength !== b.aggregationLength;
  const v6 = a.aggregationLengthV6 !== b.aggregationLengthV6;
  if (!has6) return v4;
  if (!has4) return v6;
  return v4 && v6;
}

/**
 * Which of a pool's advertisements apply to a peer; depends on config only, so callers cache it.
 * localPref clashes follow MetalLB's BGPAdvertisementsHaveCompatibleLocalPref: an unset localPref
 * is a value of its own (MetalLB's 0), ads for disjoint peers never clash (only the ads that
 * reach this peer are compared), nor do ads with different aggregation lengths.
 */
function peerAdvertisements(pool: AddressPool, peer: PeerConfig): PeerAdvertisements {
  const all = pool.bgpAdvertisements.length > 0 ? pool.bgpAdvertisements : [DEFAULT_ADVERTISEMENT];
  const ads = all.filter((ad) => ad.peers.length === 0 || ad.peers.includes(peer.name));
  if (!isIbgp(peer)) return { ads };
  const clashes: Array<readonly [BgpAdvertisement, BgpAdvertisement]> = [];
  ads.forEach((a, i) => {
    for (const b of ads.slice(i + 1)) {
      if ((a.localPref ?? 0) !== (b.localPref ?? 0) && !differentAggregation(pool, a, b))
        clashes.push([a, b]);
    }
  });
  return clashes.length > 0 ? { ads, localPrefClashes: clashes } : { ads };
}

/** The clashing ads that share an eligible node (MetalLB: ad.Nodes overlap), in config order. */
function clashingAds(
  ads: readonly BgpAdvertisement[],
  clashes: PeerAdvertisements['localPrefClashes'],
  eligibleOf: (ad: BgpAdvertisement) => EligibleNodes,
): BgpAdvertisement[] {
  const hit = new Set<BgpAdvertisement>();
  for (const [a, b] of clashes ?? []) {
    const nodesB = eligibleOf(b).rankOf;
    for (const node of eligibleOf(a).rankOf.keys()) {
      if (nodesB.has(node)) {
        hit.add(a).add(b);
        break;
      }
    }
  }
  return ads.filter((ad) => hit.has(ad));
}

/** Each peer's share of the pool, in peer order; peers no advertisement of the pool reaches are left out. */
export function poolPeers(
  pool: AddressPool,
  peers: readonly PeerConfig[],
  eligibleNodes: (peer: PeerConfig, ad: BgpAdvertisement) => EligibleNodes,
): PoolPeer[] {
  const shares: PoolPeer[] = [];
  for (const peer of peers) {
    const { ads, localPrefClashes } = peerAdvertisements(pool, peer);
    if (ads.length === 0) continue;
    const eligibleOf = (ad: BgpAdvertisement) => eligibleNodes(peer, ad);
    shares.push({
      peer,
      ibgp: isIbgp(peer),
      ...(peer.dualStackAddressFamily === false ? { onlyFamily: parseIp(peer.peerAddress)?.family } : {}),
      ads: ads.map((ad) => ({ ad, eligible: eligibleOf(ad) })),
      clashing: localPrefClashes ? clashingAds(ads, localPrefClashes, eligibleOf) : NO_ADS,
    });
  }
  return shares;
}

function localPrefText(ads: readonly BgpAdvertisement[]): string {
  // -1 stands for unset: Array.sort would otherwise move undefined last without comparing it.
  const prefs = [...new Set(ads.map((ad) => ad.localPref ?? -1))].sort((a, b) => a - b);
  return prefs.map((p) => (p === -1 ? 'unset' : String(p))).join(' and ');
}

/** One service's share of one route to one peer; a route table merges shares of equal prefix. */
export interface RouteContribution {
  peer: string;
  service: string;
  family: IpFamily;
  network: bigint;
  length: number;
  /** network/length as a route prefix, made (text and all) once per address and length for every peer. */
  prefix: RoutePrefix;
  /** Frozen `[service]`, one list for all of the service's contributions (a route's services). */
  services: readonly string[];
  /** Sorted; may be shared with the eligibility cache, so never mutated. */
  nextHops: readonly RouteAddress[];
  localPref?: number;
  communities: readonly RouteCommunity[];
  largeCommunities: readonly RouteLargeCommunity[];
}

const NO_ADS: readonly BgpAdvertisement[] = Object.freeze([]);

function isIbgp(peer: PeerConfig): boolean {
  return peer.peerAsn === peer.myAsn;
}

function nextHopsFor(
  eligible: EligibleNodes,
  family: IpFamily,
  local: boolean,
  ready: ReadyEndpoints,
): readonly RouteAddress[] {
  if (!local) return eligible.allNextHops[family];
  // Sorting ranks keeps the numeric order of allNextHops without parsing addresses again.
  const ranks: number[] = [];
  for (const node of ready.nodes) {
    const rank = eligible.rankOf.get(node)?.[family];
    if (rank !== undefined) ranks.push(rank);
  }
  ranks.sort((a, b) => a - b);
  const all = eligible.allNextHops[family];
  return ranks.map((r) => all[r] as RouteAddress);
}

/** An advertisement's serviceSelectors select the service (none: every service). */
function selectsService(ad: BgpAdvertisement, service: ServiceInfo): boolean {
  return !ad.serviceSelectors || anySelectorMatches(ad.serviceSelectors, service.labels);
}

/**
 * The pool's clashing ads that clash for this service: those that select it, when they still
 * disagree on localPref (MetalLB's speaker compares only the ads matching the service).
 */
function clashingFor(
  clashing: readonly BgpAdvertisement[],
  service: ServiceInfo,
): readonly BgpAdvertisement[] {
  if (clashing.length === 0) return clashing;
  const selected = clashing.filter((ad) => selectsService(ad, service));
  return new Set(selected.map((ad) => ad.localPref ?? 0)).size > 1 ? selected : NO_ADS;
}

/**
 * The routes one service puts on each peer, and why it is not announced where it is not.
 * Pure: everything about nodes and endpoints comes through the context.
 */
export function serviceContributions(
  service: ServiceInfo,
  key: string,
  ips: readonly AllocatedIp[],
  ctx: AdvertiseContext,
): { contributions: RouteContribution[]; issues: AdvertisementIssue[] } {
  const contributions: RouteContribution[] = [];
  const issues: AdvertisementIssue[] = [];
  const local = service.externalTrafficPolicy === 'Local';
  let services: readonly string[] | undefined;
  for (const ip of ips) {
    // Every peer usually gets the same prefix of an address: it is made once.
    let prefix: RoutePrefix | undefined;
    const pool = ctx.pool(ip.pool);
    if (!pool || pool.protocol !== 'bgp') continue;
    const shares = ctx.poolPeers(pool);
    if (shares.length === 0) continue;
    const ready = ctx.readyEndpoints(key, ip.family);
    if (!ready.anyReady) {
      issues.push({
        service: key,
        message: `${formatIp(ip.family, ip.value)} is not announced: the service has no ready ${familyName(ip.family)} endpoint`,
      });
      continue;
    }
    let hopsOf: EligibleNodes | undefined;
    let hops: readonly RouteAddress[] = [];
    for (const { peer, ibgp, ads, clashing: poolClashing, onlyFamily } of shares) {
      if (onlyFamily !== undefined && onlyFamily !== ip.family) continue;
      const clashing = clashingFor(poolClashing, service);
      if (clashing.length > 0) {
        issues.push({
          service: key,
          peer: peer.name,
          message: `${formatIp(ip.family, ip.value)} is not announced to ${peer.name}: advertisements ${clashing.map((a) => a.name).join(', ')} of pool ${pool.name} set conflicting localPref ${localPrefText(clashing)}`,
        });
        continue;
      }
      let announced = false;
      let selected = false;
      for (const { ad, eligible } of ads) {
        // BGPAdvertisement.serviceSelectors: the ad announces only the services it selects.
        if (!selectsService(ad, service)) continue;
        selected = true;
        // Peers with the same node selectors share one EligibleNodes: their next hops are one list.
        if (eligible !== hopsOf) {
          hopsOf = eligible;
          hops = nextHopsFor(eligible, ip.family, local, ready);
        }
        const nextHops = hops;
        if (nextHops.length === 0) continue;
        announced = true;
        const length = ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6;
        if (prefix?.length !== length) {
          prefix = routePrefix({
            family: ip.family,
            network: maskToPrefix(ip.family, ip.value, length),
            length,
          });
        }
        services ??= Object.freeze([key]);
        contributions.push({
          peer: peer.name,
          service: key,
          family: ip.family,
          network: prefix.network,
          length,
          prefix,
          services,
          nextHops,
          localPref: ibgp ? ad.localPref : undefined,
          communities: ad.communities,
          largeCommunities: ad.largeCommunities,
        });
      }
      if (!announced) {
        issues.push({
          service: key,
          peer: peer.name,
          message: !selected
            ? `${formatIp(ip.family, ip.value)} is not announced to ${peer.name}: the serviceSelectors of every advertisement of pool ${pool.name} for this peer leave the service out`
            : local
              ? `${formatIp(ip.family, ip.value)} is not announced to ${peer.name}: no node eligible for this peer has a ready endpoint (externalTrafficPolicy Local)`
              : `${formatIp(ip.family, ip.value)} is not announced to ${peer.name}: no node is eligible to announce it`,
        });
      }
    }
  }
  return { contributions, issues };
}
