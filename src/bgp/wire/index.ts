/**
 * BGP-4 message codec: pure functions from bytes to typed messages and back (no sockets, no
 * timers). Decoders throw only BgpWireError; encoders throw only BgpEncodeError.
 */
export * from './constants.js';
export {
  BgpEncodeError,
  BgpWireError,
  WIRE_ERRORS,
  type WireErrorAction,
  type WireErrorReason,
} from './errors.js';
export type * from './types.js';
export {
  formatAddress,
  formatIpv4,
  formatIpv6,
  formatPrefix,
  copyBytes,
  maskAddress,
  parseAddress,
  parseIpv4,
  parseIpv6,
  parsePrefix,
  prefixEquals,
  prefixKey,
} from './prefix.js';
export type { Prefix } from './prefix-type.js';
export { createContext, maxMessageSize, negotiateContext } from './context.js';
export { BgpFramer, checkHeader } from './header.js';
export { decodeMessage, encodeMessage } from './message.js';
export { buildOpen, decodeOpen, encodeOpen, openAsn } from './open.js';
export {
  buildNotification,
  decodeNotification,
  encodeNotification,
  errorNotification,
  shutdownCommunicationData,
} from './notification.js';
export { decodeRouteRefresh, encodeRouteRefresh } from './route-refresh.js';
export { KEEPALIVE_MESSAGE, encodeKeepalive } from './keepalive.js';
export {
  decodeUpdate,
  encodeAnnouncements,
  encodeEndOfRib,
  encodeUpdate,
  encodeWithdrawals,
  endOfRibFamily,
} from './update.js';
export {
  communityToString,
  extendedCommunityToString,
  largeCommunityToString,
  parseCommunity,
  parseLargeCommunity,
} from './communities.js';
export { asPathLength, effectiveAggregator, effectiveAsPath, formatAsPath } from './as-path.js';
