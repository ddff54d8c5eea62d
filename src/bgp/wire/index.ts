/**
 * BGP-4 message codec: pure functions from bytes to typed messages and back (no sockets, no
 * timers). Decoders throw only BgpWireError; encoders throw only BgpEncodeError.
 */
export * from './constants.js';
export { BgpEncodeError, BgpWireError } from './errors.js';
export type * from './types.js';
export { formatNlri, parseAddress, toNlri } from './prefix.js';
export type { Prefix } from './prefix-type.js';
export { createContext, maxMessageSize, negotiateContext } from './context.js';
export { BgpFramer, checkHeader } from './header.js';
export { decodeMessage, encodeMessage } from './message.js';
export { buildOpen, encodeOpen, openAsn } from './open.js';
export { buildNotification, encodeNotification, errorNotification } from './notification.js';
export { encodeRouteRefresh } from './route-refresh.js';
export { encodeKeepalive } from './keepalive.js';
export { encodeAnnouncements, encodeEndOfRib, encodeWithdrawals, endOfRibFamily } from './update.js';
export { extendedCommunityToString } from './communities.js';
export { asPathLength, effectiveAggregator, effectiveAsPath, formatAsPath } from './as-path.js';
