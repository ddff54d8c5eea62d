/**
 * Our BGP-4 speaker. Public face: "here is the set of routes each peer should have" plus events
 * about sessions; the wire codec lives in ./wire.
 */
export { restartBoundMs } from './restart-bounds.js';
export { BgpSpeaker, type SpeakerOptions, type SpeakerPeer } from './speaker.js';
export type { RoutesSentEvent } from './session.js';
export type { DesiredRoute, AddressFamily } from './routes.js';
export type { ReceivedRoute } from './adj-rib-in.js';
export {
  DuplicatePeerError,
  InvalidPeerConfigError,
  InvalidRouteError,
  SpeakerStoppedError,
  UnknownPeerError,
} from './errors.js';
