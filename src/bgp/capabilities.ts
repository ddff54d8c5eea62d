import {
  Afi,
  buildOpen,
  openAsn,
  Safi,
  type AddPathCapability,
  type Capability,
  type CodecContext,
  type GracefulRestartCapability,
  type OpenMessage,
} from './wire/index.js';
import type { AddressFamily } from './routes.js';

export interface LocalOpenOptions {
  asn: number;
  routerId: string;
  holdTimeSec: number;
  /** Families we offer (MP-BGP). */
  families: readonly AddressFamily[];
  /** ADD-PATH directions we offer for every family in `families`. */
  addPath: { send: boolean; receive: boolean };
  /** Omit to not advertise graceful restart. */
  gracefulRestart?: { restartTimeSec: number; restarting: boolean };
}

const afiOf = (f: AddressFamily) => (f === 4 ? Afi.Ipv4 : Afi.Ipv6);
const familyOfAfi = (afi: number): AddressFamily | undefined =>
  afi === Afi.Ipv4 ? 4 : afi === Afi.Ipv6 ? 6 : undefined;

/** The OPEN we send: everything we can do, so negotiation can pick what both sides support. */
export function buildLocalOpen(o: LocalOpenOptions): OpenMessage {
  const caps: Capability[] = o.families.map((f) => ({
    kind: 'multiprotocol',
    afi: afiOf(f),
    safi: Safi.Unicast,
  }));
  caps.push({ kind: 'route-refresh' }, { kind: 'enhanced-route-refresh' });
  caps.push({ kind: 'four-octet-as', asn: o.asn }, { kind: 'extended-message' });
  if (o.addPath.send || o.addPath.receive) {
    caps.push({
      kind: 'add-path',
      families: o.families.map((f) => ({
        afi: afiOf(f),
        safi: Safi.Unicast,
        send: o.addPath.send,
        receive: o.addPath.receive,
      })),
    });
  }
  if (o.gracefulRestart) {
    caps.push({
      kind: 'graceful-restart',
      restarting: o.gracefulRestart.restarting,
      // No N bit (RFC 8538): our clean-shutdown NOTIFICATION must make the router drop our routes.
      notification: false,
      restartTime: o.gracefulRestart.restartTimeSec,
      // Forwarding happens on the nodes, which keep forwarding while this process restarts.
      families: o.families.map((f) => ({ afi: afiOf(f), safi: Safi.Unicast, forwarding: true })),
    });
  }
  return buildOpen({ asn: o.asn, holdTime: o.holdTimeSec, bgpId: o.routerId, capabilities: caps });
}

/** What a session may use: only what both OPENs advertised. */
export interface Negotiated {
  codec: CodecContext;
  /** The peer's real AS (from its 4-octet AS capability when present). */
  peerAsn: number;
  holdTimeSec: number;
  keepaliveSec: number;
  families: Set<AddressFamily>;
  /** Families where we send several paths per prefix (the peer receives ADD-PATH). */
  addPathSend: Set<AddressFamily>;
  addPathReceive: Set<AddressFamily>;
  routeRefresh: boolean;
  enhancedRouteRefresh: boolean;
  /** The peer's graceful-restart capability, when it advertised one. */
  peerGracefulRestart?: GracefulRestartCapability;
}

function mpFamilies(caps: readonly Capability[]): Set<AddressFamily> | undefined {
  const mp = caps.filter((c) => c.kind === 'multiprotocol' && c.safi === Safi.Unicast);
  if (mp.length === 0) return undefined;
  const out = new Set<AddressFamily>();
  for (const c of mp) {
    const f = c.kind === 'multiprotocol' ? familyOfAfi(c.afi) : undefined;
    if (f) out.add(f);
  }
  return out;
}

function addPathDirections(
  caps: readonly Capability[],
  family: AddressFamily,
): { send: boolean; receive: boolean } {
  const cap = caps.find((c): c is AddPathCapability => c.kind === 'add-path');
  const f = cap?.families.find((x) => x.afi === afiOf(family) && x.safi === Safi.Unicast);
  return { send: f?.send ?? false, receive: f?.receive ?? false };
}

/**
 * RFC 4760 §8: a peer that sends no multiprotocol capability speaks IPv4 unicast only; RFC 7911:
 * we send path ids where we offered send and the peer offered receive; RFC 4271 §4.2: hold time is
 * the smaller of the two, keepalive a third of it unless configured lower.
 */
export function negotiate(
  local: OpenMessage,
  remote: OpenMessage,
  opts: { keepaliveTimeSec: number; ibgp: boolean },
): Negotiated {
  const lc = local.capabilities;
  const rc = remote.capabilities;
  const ours = mpFamilies(lc) ?? new Set<AddressFamily>([4]);
  const theirs = mpFamilies(rc) ?? new Set<AddressFamily>([4]);
  const families = new Set([...ours].filter((f) => theirs.has(f)));
  const addPathSend = new Set<AddressFamily>();
  const addPathReceive = new Set<AddressFamily>();
  for (const f of families) {
    const l = addPathDirections(lc, f);
    const r = addPathDirections(rc, f);
    if (l.send && r.receive) addPathSend.add(f);
    if (l.receive && r.send) addPathReceive.add(f);
  }
  const both = (kind: Capability['kind']) =>
    lc.some((c) => c.kind === kind) && rc.some((c) => c.kind === kind);
  const holdTimeSec = Math.min(local.holdTime, remote.holdTime);
  const third = Math.floor(holdTimeSec / 3);
  const keepaliveSec =
    holdTimeSec === 0 ? 0 : opts.keepaliveTimeSec > 0 ? Math.min(opts.keepaliveTimeSec, third) : third;
  const gr = rc.find((c): c is GracefulRestartCapability => c.kind === 'graceful-restart');
  return {
    codec: {
      fourOctetAs: both('four-octet-as'),
      extendedMessage: both('extended-message'),
      addPath: {
        send: { ipv4: addPathSend.has(4), ipv6: addPathSend.has(6) },
        receive: { ipv4: addPathReceive.has(4), ipv6: addPathReceive.has(6) },
      },
      ibgp: opts.ibgp,
    },
    peerAsn: openAsn(remote),
    holdTimeSec,
    keepaliveSec: Math.max(keepaliveSec, holdTimeSec === 0 ? 0 : 1),
    families,
    addPathSend,
    addPathReceive,
    routeRefresh:
      lc.some((c) => c.kind === 'route-refresh') &&
      rc.some((c) => c.kind === 'route-refresh' || c.kind === 'route-refresh-cisco'),
    enhancedRouteRefresh: both('enhanced-route-refresh'),
    ...(gr ? { peerGracefulRestart: gr } : {}),
  };
}

export { afiOf, familyOfAfi };
