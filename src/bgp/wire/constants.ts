/** BGP message type codes (RFC 4271 §4.1, RFC 2918). */
export const MessageType = {
  Open: 1,
  Update: 2,
  Notification: 3,
  Keepalive: 4,
  RouteRefresh: 5,
} as const;

export const HEADER_LENGTH = 19;
/** Maximum message size without the extended message capability (RFC 4271 §4.1). */
export const MAX_MESSAGE_SIZE = 4096;
/** Maximum message size once both sides advertised the extended message capability (RFC 8654). */
export const MAX_EXTENDED_MESSAGE_SIZE = 65535;
/** Placeholder for a 4-octet AS number sent to a 2-octet peer (RFC 6793). */
export const AS_TRANS = 23456;
export const BGP_VERSION = 4;

export const Afi = { Ipv4: 1, Ipv6: 2 } as const;
export const Safi = { Unicast: 1, Multicast: 2 } as const;

/** Capability codes (IANA "Capability Codes" registry). */
export const CapabilityCode = {
  Multiprotocol: 1,
  RouteRefresh: 2,
  ExtendedNextHop: 5,
  ExtendedMessage: 6,
  GracefulRestart: 64,
  FourOctetAs: 65,
  AddPath: 69,
  EnhancedRouteRefresh: 70,
  LongLivedGracefulRestart: 71,
  Fqdn: 73,
  RouteRefreshCisco: 128,
} as const;

/** Path attribute type codes. */
export const AttrType = {
  Origin: 1,
  AsPath: 2,
  NextHop: 3,
  MultiExitDisc: 4,
  LocalPref: 5,
  AtomicAggregate: 6,
  Aggregator: 7,
  Communities: 8,
  MpReachNlri: 14,
  MpUnreachNlri: 15,
  ExtendedCommunities: 16,
  As4Path: 17,
  As4Aggregator: 18,
  LargeCommunities: 32,
} as const;

/** Attribute flag bits (RFC 4271 §4.3). */
export const AttrFlag = {
  Optional: 0x80,
  Transitive: 0x40,
  Partial: 0x20,
  ExtendedLength: 0x10,
} as const;

/** AS_PATH segment types (RFC 4271 §4.3, RFC 5065). */
export const AsPathSegmentType = {
  AsSet: 1,
  AsSequence: 2,
  ConfedSequence: 3,
  ConfedSet: 4,
} as const;

export const Origin = { Igp: 0, Egp: 1, Incomplete: 2 } as const;

/** NOTIFICATION error codes (RFC 4271 §4.5, RFC 4486, RFC 7313). */
export const ErrorCode = {
  MessageHeader: 1,
  OpenMessage: 2,
  UpdateMessage: 3,
  HoldTimerExpired: 4,
  FsmError: 5,
  Cease: 6,
  RouteRefreshMessage: 7,
} as const;

/** Message Header Error subcodes (RFC 4271 §4.5). */
export const HeaderErrorSubcode = {
  ConnectionNotSynchronized: 1,
  BadMessageLength: 2,
  BadMessageType: 3,
} as const;

/**
 * OPEN Message Error subcodes: RFC 4271 §4.5 (5, Authentication Failure, is deprecated), 0 for a
 * malformed optional parameter (RFC 4271 §6.2 names no subcode; RFC 5492 §3 uses 0), 7 from
 * RFC 5492 §5. RFC 6793 adds none: a 4-octet AS that does not match is Bad Peer AS.
 */
export const OpenErrorSubcode = {
  Unspecific: 0,
  UnsupportedVersionNumber: 1,
  BadPeerAs: 2,
  BadBgpIdentifier: 3,
  UnsupportedOptionalParameter: 4,
  UnacceptableHoldTime: 6,
  UnsupportedCapability: 7,
} as const;

/** UPDATE Message Error subcodes (RFC 4271 §4.5; 7 was deprecated by RFC 4271). */
export const UpdateErrorSubcode = {
  MalformedAttributeList: 1,
  UnrecognizedWellKnownAttribute: 2,
  MissingWellKnownAttribute: 3,
  AttributeFlagsError: 4,
  AttributeLengthError: 5,
  InvalidOriginAttribute: 6,
  InvalidNextHopAttribute: 8,
  OptionalAttributeError: 9,
  InvalidNetworkField: 10,
  MalformedAsPath: 11,
} as const;

/** Finite State Machine Error subcodes (RFC 6608 §4): the state the unexpected message came in. */
export const FsmErrorSubcode = {
  Unspecified: 0,
  UnexpectedMessageInOpenSent: 1,
  UnexpectedMessageInOpenConfirm: 2,
  UnexpectedMessageInEstablished: 3,
} as const;

/** ROUTE-REFRESH Message Error subcodes (RFC 7313 §5). */
export const RouteRefreshErrorSubcode = { InvalidMessageLength: 1 } as const;

/** Cease subcodes (RFC 4486, RFC 8203); 2 and 4 carry a shutdown communication (RFC 9003). */
export const CeaseSubcode = {
  MaxPrefixes: 1,
  AdministrativeShutdown: 2,
  PeerDeconfigured: 3,
  AdministrativeReset: 4,
  ConnectionRejected: 5,
  OtherConfigurationChange: 6,
  ConnectionCollisionResolution: 7,
  OutOfResources: 8,
  HardReset: 9,
} as const;

/** ROUTE-REFRESH message subtypes (RFC 7313 §3.2). */
export const RouteRefreshSubtype = { Normal: 0, BeginningOfRouteRefresh: 1, EndOfRouteRefresh: 2 } as const;
