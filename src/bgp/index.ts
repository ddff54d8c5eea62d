/**
 * Our BGP-4 speaker. Public face: "here is the set of routes each peer should have" plus events
 * about sessions; the wire codec lives in ./wire.
 */
export {
  BgpSpeaker,
  slotSessionName,
  type PeerSlotsStatus,
  type PeerStatus,
  type SpeakerEvents,
  type SpeakerOptions,
  type SpeakerPeer,
} from './speaker.js';
export type {
  EstablishedEvent,
  NotificationEvent,
  RoutesReceivedEvent,
  RoutesSentEvent,
  SessionState,
  SessionStats,
  StateChangeEvent,
} from './session.js';
export type { DesiredRoute, AddressFamily } from './routes.js';
export type { ReceivedRoute } from './adj-rib-in.js';
export {
  DuplicatePeerError,
  InvalidPeerConfigError,
  InvalidRouteError,
  ListenError,
  SpeakerStoppedError,
  UnknownPeerError,
} from './errors.js';
