import { MessageType } from './constants.js';
import { maxMessageSize } from './context.js';
import { BgpWireError } from './errors.js';
import { checkHeader } from './header.js';
import { KEEPALIVE_MESSAGE, encodeKeepalive } from './keepalive.js';
import { decodeNotification, encodeNotification } from './notification.js';
import { decodeOpen, encodeOpen } from './open.js';
import { decodeRouteRefresh, encodeRouteRefresh } from './route-refresh.js';
import type { BgpMessage, CodecContext } from './types.js';
import { decodeUpdate, encodeUpdate } from './update.js';

/**
 * Decodes exactly one whole message (header included), e.g. one the framer returned. Throws
 * BgpWireError and nothing else.
 */
export function decodeMessage(bytes: Uint8Array, ctx: CodecContext): BgpMessage {
  if (bytes.length < 19) {
    for (let i = 0; i < Math.min(16, bytes.length); i++) {
      if (bytes[i] !== 0xff) throw new BgpWireError('header-marker', 'marker is not all ones');
    }
    throw new BgpWireError(
      'header-length',
      `only ${bytes.length} octets`,
      Buffer.from(bytes.subarray(16, 18)),
    );
  }
  const { length, type } = checkHeader(bytes, 0, maxMessageSize(ctx));
  if (length !== bytes.length) {
    throw new BgpWireError(
      'header-length',
      `length field ${length} but ${bytes.length} octets`,
      Buffer.from(bytes.subarray(16, 18)),
    );
  }
  switch (type) {
    case MessageType.Open:
      return decodeOpen(bytes);
    case MessageType.Update:
      return decodeUpdate(bytes, ctx);
    case MessageType.Notification:
      return decodeNotification(bytes);
    case MessageType.RouteRefresh:
      return decodeRouteRefresh(bytes);
    default:
      return { ...KEEPALIVE_MESSAGE };
  }
}

/** Encodes any message; throws BgpEncodeError when it cannot be sent as given. */
export function encodeMessage(msg: BgpMessage, ctx: CodecContext): Buffer {
  switch (msg.type) {
    case 'open':
      return encodeOpen(msg);
    case 'update':
      return encodeUpdate(msg, ctx);
    case 'notification':
      return encodeNotification(msg);
    case 'keepalive':
      return encodeKeepalive();
    case 'route-refresh':
      return encodeRouteRefresh(msg);
  }
}
