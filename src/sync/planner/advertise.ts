import type { AddressPool, BgpAdvertisement, PeerConfig } from '../../config/model.js';
import type { ServiceInfo } from '../cluster.js';
import type { AdvertisementIssue } from '../plan-types.js';
import type { AllocatedIp } from '../allocator/ip-allocator.js';
import { formatIp, maskToPrefix, type IpFamily } from '../ip/address.js';

/** MetalLB announces a bgp pool without advertisements as host routes with no attributes. */
export const DEFAULT_ADVERTISEMENT: BgpAdvertisement = Object.freeze({
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
  allNextHops: { 4: readonly string[]; 6: readonly string[] };
  /** Node name -> index of its next hop in allNextHops, per family it has an InternalIP of. */
  rankOf: ReadonlyMap<string, { 4?: number; 6?: number }>;
}

export interface ReadyEndpoints {
  anyReady: boolean;
  /** Nodes with a ready endpoint, each once (endpoints without nodeName count only for anyReady). */
  nodes: readonly string[];
}

export interface AdvertiseContext {
  peers: readonly PeerConfig[];
  pool(name: string): AddressPool | undefined;
  /** The pool's advertisements that go to this peer (MetalLB's default one when it has none). */
  advertisementsFor(pool: AddressPool, peer: PeerConfig): PeerAdvertisements;
  eligibleNodes(peer: PeerConfig, ad: BgpAdvertisement): EligibleNodes;
  readyEndpoints(service: string, family: IpFamily): ReadyEndpoints;
}

export interface PeerAdvertisements {
  ads: readonly BgpAdvertisement[];
  /** Set when the ads disagree on localPref on an iBGP session: nothing is announced then. */
  conflictingLocalPrefs?: readonly number[];
}

/** Which of a pool's advertisements apply to a peer; depends on config only, so callers cache it. */
export function peerAdvertisements(pool: AddressPool, peer: PeerConfig): PeerAdvertisements {
  const all = pool.bgpAdvertisements.length > 0 ? pool.bgpAdvertisements : [DEFAULT_ADVERTISEMENT];
  const ads = all.filter((ad) => ad.peers.length === 0 || ad.peers.includes(peer.name));
  if (!isIbgp(peer)) return { ads };
  const prefs = [...new Set(ads.map((ad) => ad.localPref).filter((p) => p !== undefined))].sort(
    (a, b) => a - b,
  );
  return prefs.length > 1 ? { ads, conflictingLocalPrefs: prefs } : { ads };
}

/** One service's share of one route to one peer; a route table merges shares of equal prefix. */
export interface RouteContribution {
  peer: string;
  service: string;
  family: IpFamily;
  network: bigint;
  length: number;
  /** Sorted; may be shared with the eligibility cache, so never mutated. */
  nextHops: readonly string[];
  localPref?: number;
  communities: readonly string[];
  largeCommunities: readonly string[];
}

function familyName(f: IpFamily): string {
  return f === 4 ? 'IPv4' : 'IPv6';
}

function isIbgp(peer: PeerConfig): boolean {
  return peer.peerAsn === peer.myAsn;
}

function nextHopsFor(
  eligible: EligibleNodes,
  family: IpFamily,
  local: boolean,
  ready: ReadyEndpoints,
): readonly string[] {
  if (!local) return eligible.allNextHops[family];
  // Sorting ranks keeps the numeric order of allNextHops without parsing addresses again.
  const ranks: number[] = [];
  for (const node of ready.nodes) {
    const rank = eligible.rankOf.get(node)?.[family];
    if (rank !== undefined) ranks.push(rank);
  }
  const all = eligible.allNextHops[family];
  return ranks.sort((a, b) => a - b).map((r) => all[r] as string);
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
  for (const ip of ips) {
    const pool = ctx.pool(ip.pool);
    if (!pool || pool.protocol !== 'bgp' || ctx.peers.length === 0) continue;
    const text = (): string => formatIp(ip.family, ip.value);
    const ready = ctx.readyEndpoints(key, ip.family);
    if (!ready.anyReady) {
      issues.push({
        service: key,
        message: `${text()} is not announced: the service has no ready ${familyName(ip.family)} endpoint`,
      });
      continue;
    }
    for (const peer of ctx.peers) {
      const { ads: applicable, conflictingLocalPrefs } = ctx.advertisementsFor(pool, peer);
      if (applicable.length === 0) continue;
      const ibgp = isIbgp(peer);
      if (conflictingLocalPrefs) {
        issues.push({
          service: key,
          peer: peer.name,
          message: `${text()} is not announced to ${peer.name}: advertisements ${applicable.map((a) => a.name).join(', ')} of pool ${pool.name} set conflicting localPref ${conflictingLocalPrefs.join(' and ')}`,
        });
        continue;
      }
      let announced = false;
      for (const ad of applicable) {
        const nextHops = nextHopsFor(ctx.eligibleNodes(peer, ad), ip.family, local, ready);
        if (nextHops.length === 0) continue;
        announced = true;
        const length = ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6;
        contributions.push({
          peer: peer.name,
          service: key,
          family: ip.family,
          network: maskToPrefix(ip.family, ip.value, length),
          length,
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
          message: local
            ? `${text()} is not announced to ${peer.name}: no node eligible for this peer has a ready endpoint (externalTrafficPolicy Local)`
            : `${text()} is not announced to ${peer.name}: no node is eligible to announce it`,
        });
      }
    }
  }
  return { contributions, issues };
}
