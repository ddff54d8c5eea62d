import type { BgpWireError } from './errors.js';
import type { LargeCommunity } from '../../ip/community.js';
import type { Prefix } from './prefix-type.js';

/** An address family as (AFI, SAFI); IPv4 unicast is (1, 1), IPv6 unicast (2, 1). */
export interface AfiSafi {
  afi: number;
  safi: number;
}

// ---- Capabilities (RFC 5492) -------------------------------------------------------------------

export interface MultiprotocolCapability extends AfiSafi {
  kind: 'multiprotocol';
}
export interface RouteRefreshCapability {
  kind: 'route-refresh';
}
/** The pre-standard route refresh capability, code 128. */
export interface RouteRefreshCiscoCapability {
  kind: 'route-refresh-cisco';
}
export interface EnhancedRouteRefreshCapability {
  kind: 'enhanced-route-refresh';
}
export interface ExtendedMessageCapability {
  kind: 'extended-message';
}
export interface FourOctetAsCapability {
  kind: 'four-octet-as';
  asn: number;
}
export interface GracefulRestartFamily extends AfiSafi {
  /** F bit: forwarding state was preserved. */
  forwarding: boolean;
  /** The other 7 bits of the AFI flags octet, kept for re-encoding. */
  flagsReserved?: number;
}
export interface GracefulRestartCapability {
  kind: 'graceful-restart';
  /** R bit. */
  restarting: boolean;
  /** N bit (RFC 8538). */
  notification: boolean;
  /** Seconds, 12 bits. */
  restartTime: number;
  /** The two remaining flag bits, kept for re-encoding. */
  flagsReserved?: number;
  families: GracefulRestartFamily[];
}
export interface LongLivedGracefulRestartFamily extends AfiSafi {
  forwarding: boolean;
  flagsReserved?: number;
  /** Seconds, 24 bits. */
  staleTime: number;
}
export interface LongLivedGracefulRestartCapability {
  kind: 'long-lived-graceful-restart';
  families: LongLivedGracefulRestartFamily[];
}
export interface AddPathFamily extends AfiSafi {
  send: boolean;
  receive: boolean;
}
export interface AddPathCapability {
  kind: 'add-path';
  families: AddPathFamily[];
}
export interface FqdnCapability {
  kind: 'fqdn';
  hostname: string;
  domain: string;
}
export interface ExtendedNextHopEntry extends AfiSafi {
  nextHopAfi: number;
}
export interface ExtendedNextHopCapability {
  kind: 'extended-next-hop';
  entries: ExtendedNextHopEntry[];
}
/** A capability we do not interpret, re-encoded byte for byte. */
export interface UnknownCapability {
  kind: 'unknown';
  code: number;
  value: Uint8Array;
}

export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | RouteRefreshCiscoCapability
  | EnhancedRouteRefreshCapability
  | ExtendedMessageCapability
  | FourOctetAsCapability
  | GracefulRestartCapability
  | LongLivedGracefulRestartCapability
  | AddPathCapability
  | FqdnCapability
  | ExtendedNextHopCapability
  | UnknownCapability;

// ---- Messages ----------------------------------------------------------------------------------

export interface OpenMessage {
  type: 'open';
  version: number;
  /** The 2-octet My Autonomous System field (AS_TRANS when the real AS needs 4 octets). */
  myAs: number;
  holdTime: number;
  /** Dotted quad. */
  bgpId: string;
  capabilities: Capability[];
  /**
   * RFC 9072 extended optional parameters encoding. Decoding reports what the peer used; encoding
   * uses it when this is true or when the parameters do not fit in 255 octets.
   */
  extendedParameters: boolean;
}

export interface KeepaliveMessage {
  type: 'keepalive';
}

export interface NotificationMessage {
  type: 'notification';
  code: number;
  subcode: number;
  data: Uint8Array;
  /**
   * RFC 9003 shutdown communication (Cease 2 and 4), decoded from `data` when well formed. When
   * encoding, a defined value replaces `data`.
   */
  shutdownCommunication?: string;
}

export interface RouteRefreshMessage extends AfiSafi {
  type: 'route-refresh';
  /** 0 normal request, 1 BoRR, 2 EoRR (RFC 7313); others are reported and must be ignored. */
  subtype: number;
}

export interface AsPathSegment {
  /** 1 AS_SET, 2 AS_SEQUENCE, 3 AS_CONFED_SEQUENCE, 4 AS_CONFED_SET. */
  type: number;
  asns: number[];
}

export interface Aggregator {
  asn: number;
  /** Dotted quad. */
  address: string;
}

/** An MP_REACH_NLRI next hop: IPv4 or IPv6 global, plus an optional IPv6 link-local. */
export interface MpNextHop {
  global: string;
  linkLocal?: string;
}

export interface MpReach extends AfiSafi {
  nextHop: MpNextHop;
  nlri: Prefix[];
  /** For families the codec does not decode: next hop and NLRI bytes as received. */
  raw?: { nextHop: Uint8Array; nlri: Uint8Array };
}

export interface MpUnreach extends AfiSafi {
  withdrawn: Prefix[];
  /** For families the codec does not decode: the withdrawn routes bytes as received. */
  raw?: Uint8Array;
}

/** An attribute the codec does not interpret (optional transitive: passed on with Partial set). */
export interface RawAttribute {
  flags: number;
  typeCode: number;
  value: Uint8Array;
}

export interface PathAttributes {
  /** 0 IGP, 1 EGP, 2 INCOMPLETE. */
  origin?: number;
  asPath?: AsPathSegment[];
  /** IPv4 NEXT_HOP (dotted quad). */
  nextHop?: string;
  med?: number;
  localPref?: number;
  atomicAggregate?: boolean;
  aggregator?: Aggregator;
  /** RFC 1997 communities as 32-bit values (see communityToString). */
  communities?: number[];
  /** RFC 4360 extended communities as 64-bit values. */
  extendedCommunities?: bigint[];
  largeCommunities?: LargeCommunity[];
  as4Path?: AsPathSegment[];
  as4Aggregator?: Aggregator;
  mpReach?: MpReach;
  mpUnreach?: MpUnreach;
  /** Unrecognised optional transitive attributes, in received order. */
  unknown?: RawAttribute[];
}

export interface UpdateMessage {
  type: 'update';
  /** IPv4 unicast withdrawn routes (classic field). */
  withdrawn: Prefix[];
  attributes: PathAttributes;
  /** IPv4 unicast NLRI (classic field). */
  nlri: Prefix[];
  /** RFC 7606 attribute-discard errors met while decoding; absent when there were none. */
  discarded?: BgpWireError[];
}

export type BgpMessage =
  OpenMessage | UpdateMessage | NotificationMessage | KeepaliveMessage | RouteRefreshMessage;

// ---- Codec context -----------------------------------------------------------------------------

export interface AddPathFlags {
  ipv4: boolean;
  ipv6: boolean;
}

/**
 * What the two OPENs negotiated, which changes how UPDATEs are laid out. Decoding uses the
 * `receive` ADD-PATH flags, encoding the `send` ones.
 */
export interface CodecContext {
  /** Both sides advertised the 4-octet AS capability (RFC 6793). */
  fourOctetAs: boolean;
  /** Both sides advertised the extended message capability (RFC 8654): max size 65535. */
  extendedMessage: boolean;
  addPath: { receive: AddPathFlags; send: AddPathFlags };
  /** Internal session: LOCAL_PREF is a mandatory well-known attribute (RFC 4271 §5.1.5). */
  ibgp: boolean;
}
