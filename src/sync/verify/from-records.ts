import type {
  BgpNeighborDetail,
  BgpSummary,
  RouteEntry,
  RunningConfig,
} from '../../router-drivers/records.js';
import { canonicalIp } from '../../ip/address.js';
import type {
  ObservedNeighborConfig,
  ObservedRoute,
  ObservedRouterState,
  ObservedSession,
} from './observed.js';
import { canonicalPrefix } from '../../ip/prefix.js';

/** The router driver's parsed records for one look at the router. */
export interface RouterRecords {
  summary: BgpSummary[];
  routes: RouteEntry[];
  runningConfig?: RunningConfig;
  /** `show [ip] bgp neighbors`: which sessions negotiated ADD-PATH. */
  neighbors?: BgpNeighborDetail[];
}

const UNICAST = new Set(['IPv4 Unicast', 'IPv6 Unicast']);

/** Adapts the driver's records (any dialect, text or JSON) to the verifier's input. */
export function observedFromRecords(records: RouterRecords): ObservedRouterState {
  const sections = records.summary.filter((s) => s.vrf === undefined || s.vrf === 'default');
  const unicast = sections.filter((s) => UNICAST.has(s.addressFamily));
  const first = unicast[0] ?? sections[0];
  const state: ObservedRouterState = {
    sessions: sessionsOf(unicast, records.neighbors),
    routes: records.routes.filter((r) => r.protocolCode === 'B').map(observedRoute),
  };
  if (first !== undefined) {
    state.routerId = first.routerId;
    state.localAs = first.localAs;
  }
  if (records.runningConfig !== undefined)
    state.configuredNeighbors = configuredNeighbors(records.runningConfig);
  return state;
}

/** A neighbor appears once per address family; its prefixes received add up across them. */
function sessionsOf(sections: BgpSummary[], neighbors: BgpNeighborDetail[] | undefined): ObservedSession[] {
  const byNeighbor = new Map<string, ObservedSession>();
  for (const section of sections) {
    for (const peer of section.peers) {
      const neighbor = canonicalIp(peer.address) ?? peer.address;
      const seen = byNeighbor.get(neighbor);
      if (seen !== undefined) {
        if (peer.prefixesReceived !== undefined) {
          seen.prefixesReceived = (seen.prefixesReceived ?? 0) + peer.prefixesReceived;
        }
        continue;
      }
      const session: ObservedSession = {
        neighbor,
        remoteAs: peer.remoteAs,
        state: peer.state,
        upDownText: peer.upDownText,
      };
      if (peer.prefixesReceived !== undefined) session.prefixesReceived = peer.prefixesReceived;
      if (neighbors !== undefined) {
        const detail = neighbors.find((n) => (canonicalIp(n.address) ?? n.address) === neighbor);
        session.multiPathFamilies = detail === undefined ? [] : multiPathFamilies(detail);
        const awaited = detail === undefined ? [] : endOfRibAwaited(detail);
        if (awaited.length > 0) session.endOfRibAwaited = awaited;
        // The summary says `Active`; the details say why: `Active (NSF passive)` is Quagga waiting
        // for a peer in graceful restart (fixtures/quagga-1.2.4/graceful-restart-stale).
        if (detail?.state.startsWith(`${peer.state} (`)) session.state = detail.state;
      }
      byNeighbor.set(neighbor, session);
    }
  }
  return [...byNeighbor.values()];
}

/**
 * The router takes several paths per prefix from a neighbor only when it advertised the ADD-PATH
 * receive capability and the neighbor the send one (RFC 7911 section 4): FRR 8.4.4 shows
 * `IPv4 Unicast: RX advertised` and `TX received` for our speaker; Quagga has no ADD-PATH.
 */
function multiPathFamilies(n: BgpNeighborDetail): Array<4 | 6> {
  return unicastFamilies((name) => {
    const cap = n.capabilities.addPath.find((c) => c.addressFamily === name);
    return cap?.rxAdvertised === true && cap.txReceived;
  });
}

/** FRR 7.5.1 to 10.3: `"ipv4Unicast":{"endOfRibStatus":{"endOfRibRecv":false}}` (fixtures/frr-graceful-restart). */
function endOfRibAwaited(n: BgpNeighborDetail): Array<4 | 6> {
  return unicastFamilies(
    (name) => n.gracefulRestart?.some((f) => f.addressFamily === name && !f.endOfRibReceived) === true,
  );
}

/** The unicast families (4, 6) whose router-side name (`IPv4 Unicast`) passes `test`. */
function unicastFamilies(test: (name: string) => boolean): Array<4 | 6> {
  const families: Array<4 | 6> = [];
  for (const [family, name] of [
    [4, 'IPv4 Unicast'],
    [6, 'IPv6 Unicast'],
  ] as const) {
    if (test(name)) families.push(family);
  }
  return families;
}

function observedRoute(r: RouteEntry): ObservedRoute {
  const status = r.fib ? '*' : r.queued ? 'q' : r.rejected ? 'r' : ' ';
  const route: ObservedRoute = {
    prefix: canonicalPrefix(r.prefix),
    family: r.family,
    codes: `${r.protocolCode}${r.selected ? '>' : ' '}${status}`.trimEnd(),
    selected: r.selected,
    installed: r.fib,
    nextHops: r.nextHops.map((nh) => {
      const hop: ObservedRouteHop = { fib: nh.fib, active: nh.active };
      if (nh.address !== undefined) hop.address = canonicalIp(nh.address) ?? nh.address;
      if (nh.interface !== undefined) hop.interface = nh.interface;
      return hop;
    }),
  };
  if (r.uptimeText !== undefined) route.ageText = r.uptimeText;
  return route;
}

type ObservedRouteHop = ObservedRoute['nextHops'][number];

function configuredNeighbors(config: RunningConfig): ObservedNeighborConfig[] {
  const block = config.bgp.find((b) => b.vrf === undefined);
  if (block === undefined) return [];
  return block.neighbors
    .filter((n) => !n.isPeerGroup)
    .map((n) => {
      const c: ObservedNeighborConfig = { neighbor: canonicalIp(n.name) ?? n.name };
      if (n.remoteAs !== undefined) c.remoteAs = n.remoteAs;
      return c;
    });
}
