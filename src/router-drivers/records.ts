/** Typed records every parser (text or JSON, Quagga or FRR) produces; nothing dialect-specific. */

export type RouterFamily = 'frr' | 'quagga' | 'bird';

export interface RouterVersion {
  family: RouterFamily;
  /** As printed, e.g. `8.4.4`, `0.99.22.4`, `1.2.4`. */
  version: string;
  major: number;
  minor: number;
  hostname?: string;
}

export interface BgpSummaryPeer {
  address: string;
  /** FRR prints `name(address)` when the peer sent a hostname and show-hostname is on. */
  hostname?: string;
  bgpVersion: number;
  remoteAs: number;
  msgRcvd: number;
  msgSent: number;
  tableVersion: number;
  inQ: number;
  outQ: number;
  upDownText: string;
  /** `null` for `never`. */
  upDownSec: number | null;
  /** `Established` when the column shows a prefix count; else the FSM state, e.g. `Idle (Admin)`. */
  state: string;
  /** Set only when established. */
  prefixesReceived?: number;
  /** FRR 8+ (`PfxSnt` column, `pfxSnt` in JSON). */
  prefixesSent?: number;
  /** FRR 8+ `Desc` column; `N/A` is reported as absent. */
  description?: string;
}

export interface BgpSummary {
  /** e.g. `IPv4 Unicast`; Quagga's old single-table output is reported as `IPv4 Unicast`. */
  addressFamily: string;
  vrf?: string;
  routerId: string;
  localAs: number;
  tableVersion?: number;
  peers: BgpSummaryPeer[];
}

export interface RouteNextHop {
  /** Absent for a directly connected or blackhole route. */
  address?: string;
  interface?: string;
  /** This next hop is installed in the kernel FIB (`*`, or `fib` in JSON). */
  fib: boolean;
  directlyConnected: boolean;
  /** ` inactive` in text / `active: false` in JSON. */
  active: boolean;
  weight?: number;
}

export interface RouteEntry {
  prefix: string;
  family: 4 | 6;
  /** One-letter code as in the legend: `B`, `C`, `K`, `S`, `O`... */
  protocolCode: string;
  /** `>` */
  selected: boolean;
  /** `*` on the route line: installed in the FIB. */
  fib: boolean;
  /** `q` */
  queued: boolean;
  /** `r` (or `o`, offload failure) */
  rejected: boolean;
  distance?: number;
  metric?: number;
  nextHops: RouteNextHop[];
  /** Absent only for Quagga's connected routes, which print no age. */
  uptimeText?: string;
  uptimeSec?: number;
}

export interface AddPathCapability {
  addressFamily: string;
  txAdvertised: boolean;
  txReceived: boolean;
  rxAdvertised: boolean;
  rxReceived: boolean;
}

export interface BgpMessageCounts {
  opens: number;
  notifications: number;
  updates: number;
  keepalives: number;
  routeRefresh: number;
  capability: number;
  total: number;
}

export interface BgpNeighborDetail {
  address: string;
  remoteAs: number;
  localAs: number;
  external: boolean;
  hostname?: string;
  description?: string;
  remoteRouterId: string;
  state: string;
  /** Set when established. */
  upTimeText?: string;
  upTimeSec?: number;
  holdTimeSec: number;
  keepaliveSec: number;
  configuredHoldTimeSec?: number;
  configuredKeepaliveSec?: number;
  capabilities: {
    fourByteAs?: string;
    routeRefresh?: string;
    addPath: AddPathCapability[];
    /** Address families negotiated (`Address Family IPv4 Unicast: advertised and received`). */
    multiprotocol: { addressFamily: string; status: string }[];
  };
  messages?: { sent: BgpMessageCounts; received: BgpMessageCounts };
  acceptedPrefixes?: number;
  /**
   * The address families in graceful restart with this neighbor (RFC 4724), each with whether the
   * router has received the neighbor's End-of-RIB since the session came up: until then it keeps
   * the routes of the neighbor's previous session as stale (section 4.2). Absent when no family is
   * in graceful restart or the router does not say (text outputs).
   */
  gracefulRestart?: { addressFamily: string; endOfRibReceived: boolean }[];
}

export interface BgpNeighborConfig {
  /** An address, a peer-group name or an interface name, as written after `neighbor`. */
  name: string;
  isPeerGroup: boolean;
  remoteAs?: number | 'internal' | 'external';
  peerGroup?: string;
  description?: string;
  /** The password itself is never kept in a record. */
  hasPassword: boolean;
  updateSource?: string;
  /** `true` for a bare `ebgp-multihop` (255 hops). */
  ebgpMultihop?: number | true;
  ttlSecurityHops?: number;
  /** Other `neighbor X ...` statements, verbatim (passwords are never among them). */
  otherLines: string[];
}

export interface AddressFamilyNeighborConfig {
  name: string;
  activate?: boolean;
  addpathTxAllPaths: boolean;
  routeMapIn?: string;
  routeMapOut?: string;
  otherLines: string[];
}

export interface BgpAddressFamilyConfig {
  /** `ipv4 unicast`, `ipv6 unicast`, ... (Quagga's `address-family ipv6` is `ipv6 unicast`). */
  name: string;
  maximumPaths?: number;
  maximumPathsIbgp?: number;
  neighbors: AddressFamilyNeighborConfig[];
  otherLines: string[];
}

export interface RunningBgpConfig {
  asn: number;
  vrf?: string;
  routerId?: string;
  neighbors: BgpNeighborConfig[];
  addressFamilies: BgpAddressFamilyConfig[];
  /** Other statements of the block, verbatim. */
  otherLines: string[];
  /** The block as the router printed it, with passwords replaced by `<redacted>`. */
  lines: string[];
}

export interface PrefixListEntry {
  name: string;
  family: 4 | 6;
  seq?: number;
  action: 'permit' | 'deny';
  match: string;
}

export interface RouteMapEntry {
  name: string;
  action: 'permit' | 'deny';
  seq: number;
  lines: string[];
}

export interface RunningConfig {
  /** Every `router bgp` block; the default VRF's one has no `vrf`. */
  bgp: RunningBgpConfig[];
  prefixLists: PrefixListEntry[];
  routeMaps: RouteMapEntry[];
}

/** One path of `show bgp ipv4 unicast` (bgpd's table, before zebra picks what goes to the FIB). */
export interface BgpRibPath {
  prefix: string;
  valid: boolean;
  best: boolean;
  multipath: boolean;
  /** Kept through a peer's graceful restart (RFC 4724 section 4.2): `S` status, `(stale)` detail. */
  stale?: boolean;
  nextHops: string[];
  /** The BGP neighbor the path came from (JSON and the per-prefix text; the table text lacks it). */
  peerId?: string;
  /** AS numbers as printed, `''` for a locally originated path. */
  asPath: string;
  /** `IGP`, `EGP` or `incomplete`. */
  origin: string;
  weight: number;
  metric?: number;
  localPref?: number;
  /** ADD-PATH identifier the path arrived with (per-prefix text only). */
  addPathRxId?: number;
}
