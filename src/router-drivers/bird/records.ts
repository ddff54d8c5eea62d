import type {
  AddPathCapability,
  BgpNeighborDetail,
  BgpSummary,
  BgpSummaryPeer,
  RouteEntry,
  RouteNextHop,
  RunningConfig,
} from '../records.js';
import type { BirdCapabilities, BirdProtocol } from './parse-protocols.js';
import type { BirdRoute } from './parse-routes.js';

/** BIRD's channel names and the address-family names the verifier keys on (FRR's spelling). */
const FAMILIES = [
  { channel: 'ipv4', name: 'IPv4 Unicast', family: 4 },
  { channel: 'ipv6', name: 'IPv6 Unicast', family: 6 },
] as const;

export function channelOf(family: 4 | 6): string {
  return family === 4 ? 'ipv4' : 'ipv6';
}

function bgpProtocols(
  protocols: BirdProtocol[],
): Array<BirdProtocol & { bgp: NonNullable<BirdProtocol['bgp']> }> {
  return protocols.filter(
    (p): p is BirdProtocol & { bgp: NonNullable<BirdProtocol['bgp']> } =>
      p.proto === 'BGP' && p.bgp !== undefined,
  );
}

/**
 * `show bgp summary` in BIRD's terms: one section per family some BGP protocol has a channel for,
 * a peer per BGP protocol (its name as the description). BIRD keeps no message or queue counters
 * per session, so those read 0; the verifier uses address, AS, state and the imported count.
 */
export function birdSummaries(routerId: string, protocols: BirdProtocol[]): BgpSummary[] {
  const bgp = bgpProtocols(protocols);
  const summaries: BgpSummary[] = [];
  for (const f of FAMILIES) {
    const peers: BgpSummaryPeer[] = [];
    for (const p of bgp) {
      const channel = p.channels.find((c) => c.name === f.channel);
      if (channel === undefined || p.bgp.neighborAddress === undefined) continue;
      const peer: BgpSummaryPeer = {
        address: p.bgp.neighborAddress,
        bgpVersion: 4,
        remoteAs: p.bgp.neighborAs ?? 0,
        msgRcvd: 0,
        msgSent: 0,
        tableVersion: 0,
        inQ: 0,
        outQ: 0,
        upDownText: p.since,
        upDownSec: null,
        state: p.bgp.state,
        description: p.name,
      };
      if (p.bgp.state === 'Established' && channel.imported !== undefined)
        peer.prefixesReceived = channel.imported;
      if (p.bgp.state === 'Established' && channel.exported !== undefined)
        peer.prefixesSent = channel.exported;
      peers.push(peer);
    }
    if (peers.length === 0) continue;
    summaries.push({ addressFamily: f.name, routerId, localAs: bgp[0]?.bgp.localAs ?? 0, peers });
  }
  return summaries;
}

function addPathOf(
  local: BirdCapabilities | undefined,
  neighbor: BirdCapabilities | undefined,
): AddPathCapability[] {
  const out: AddPathCapability[] = [];
  for (const f of FAMILIES) {
    const cap = {
      addressFamily: f.name,
      rxAdvertised: local?.addPathRx.includes(f.channel) ?? false,
      txAdvertised: local?.addPathTx.includes(f.channel) ?? false,
      rxReceived: neighbor?.addPathRx.includes(f.channel) ?? false,
      txReceived: neighbor?.addPathTx.includes(f.channel) ?? false,
    };
    if (cap.rxAdvertised || cap.txAdvertised || cap.rxReceived || cap.txReceived) out.push(cap);
  }
  return out;
}

/** `show bgp neighbors` in BIRD's terms: one per BGP protocol, capabilities as each side listed them. */
export function birdNeighbors(protocols: BirdProtocol[]): BgpNeighborDetail[] {
  return bgpProtocols(protocols).flatMap((p) => {
    const b = p.bgp;
    if (b.neighborAddress === undefined) return [];
    const multiprotocol = FAMILIES.filter(
      (f) => b.local?.families.includes(f.channel) || b.neighbor?.families.includes(f.channel),
    ).map((f) => {
      const sent = b.local?.families.includes(f.channel) ?? false;
      const got = b.neighbor?.families.includes(f.channel) ?? false;
      return {
        addressFamily: f.name,
        status: sent && got ? 'advertised and received' : sent ? 'advertised' : 'received',
      };
    });
    const n: BgpNeighborDetail = {
      address: b.neighborAddress,
      remoteAs: b.neighborAs ?? 0,
      localAs: b.localAs ?? 0,
      external: b.session === undefined ? b.neighborAs !== b.localAs : b.session === 'external',
      description: p.name,
      remoteRouterId: b.neighborId ?? '0.0.0.0',
      state: b.state,
      holdTimeSec: b.holdTimeSec ?? 0,
      keepaliveSec: b.keepaliveSec ?? 0,
      capabilities: { addPath: addPathOf(b.local, b.neighbor), multiprotocol },
    };
    if (b.state === 'Established') n.upTimeText = p.since;
    return [n];
  });
}

/**
 * BIRD has no running config to print, but every configured protocol shows in `show protocols`
 * (down or disabled ones too): its BGP protocols are the neighbor statements. Passwords are not
 * shown by BIRD, hence never known here.
 */
export function birdRunningConfig(protocols: BirdProtocol[]): RunningConfig {
  const bgp = bgpProtocols(protocols);
  const first = bgp[0];
  if (first === undefined) return { bgp: [], prefixLists: [], routeMaps: [] };
  return {
    bgp: [
      {
        asn: first.bgp.localAs ?? 0,
        neighbors: bgp.flatMap((p) =>
          p.bgp.neighborAddress === undefined
            ? []
            : [
                {
                  name: p.bgp.neighborAddress,
                  isPeerGroup: false,
                  ...(p.bgp.neighborAs === undefined ? {} : { remoteAs: p.bgp.neighborAs }),
                  description: p.name,
                  hasPassword: false,
                  otherLines: [],
                },
              ],
        ),
        addressFamilies: [],
        otherLines: [],
        lines: [],
      },
    ],
    prefixLists: [],
    routeMaps: [],
  };
}

/**
 * The BGP routes of one family as RouteEntry, one per network: selected when a BGP route is
 * BIRD's primary (`*`), in the FIB when the kernel protocol exports that primary, with the next
 * hops of every BGP route for the network (the paths ADD-PATH or several sessions brought), each
 * in the FIB when the exported route carries it. With `merge paths` the kernel export of a
 * network lists every mergeable path (fixtures/bird-2.0.12/in-sync: `via .11 weight 1`, `via .12
 * weight 1`); without it only the primary's. What BIRD exported is what it handed the kernel: a
 * kernel that refused the route is not seen through birdc.
 */
export function birdRouteEntries(rib: BirdRoute[], kernelExports: BirdRoute[], family: 4 | 6): RouteEntry[] {
  const byPrefix = new Map<string, BirdRoute[]>();
  for (const r of rib) {
    if (r.family !== family || r.source !== 'BGP') continue;
    const list = byPrefix.get(r.prefix) ?? [];
    list.push(r);
    byPrefix.set(r.prefix, list);
  }
  const entries: RouteEntry[] = [];
  for (const [prefix, routes] of byPrefix) {
    const primary = routes.find((r) => r.primary);
    const exported =
      primary === undefined
        ? undefined
        : // Not matched on the time too: the merged route's can differ by a millisecond (fixtures/bird-2.0.12/not-in-fib).
          kernelExports.find((e) => e.prefix === prefix && e.protocol === primary.protocol);
    const inFib = new Set(exported?.nextHops.map((h) => h.address) ?? []);
    const hops = new Map<string, RouteNextHop>();
    for (const r of [
      ...(primary ? [primary] : []),
      ...routes.filter((x) => x !== primary),
      ...(exported ? [exported] : []),
    ]) {
      for (const h of r.nextHops) {
        const key = h.address ?? `dev ${h.interface ?? ''}`;
        if (hops.has(key)) continue;
        const hop: RouteNextHop = {
          fib: h.address !== undefined && inFib.has(h.address),
          directlyConnected: h.address === undefined,
          active: true,
        };
        if (h.address !== undefined) hop.address = h.address;
        if (h.interface !== undefined) hop.interface = h.interface;
        if (h.weight !== undefined) hop.weight = h.weight;
        hops.set(key, hop);
      }
    }
    // BIRD's preference plays the part of FRR's administrative distance (higher wins there).
    entries.push({
      prefix,
      family,
      protocolCode: 'B',
      selected: primary !== undefined,
      fib: exported !== undefined,
      queued: false,
      rejected: false,
      distance: (primary ?? (routes[0] as BirdRoute)).preference,
      nextHops: [...hops.values()],
    });
  }
  return entries;
}
