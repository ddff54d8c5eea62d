import { HEADER_LENGTH, MessageType } from './constants.js';
import { BgpWireError } from './errors.js';
import { writeHeader } from './header.js';
import type { RouteRefreshMessage } from './types.js';

const ROUTE_REFRESH_LENGTH = HEADER_LENGTH + 4;

/**
 * Decodes a ROUTE-REFRESH. RFC 7313 §5 makes any length other than 23 a ROUTE-REFRESH Message
 * Error / Invalid Message Length carrying the whole message; we apply it to every subtype.
 */
export function decodeRouteRefresh(m: Uint8Array): RouteRefreshMessage {
  if (m.length !== ROUTE_REFRESH_LENGTH) {
    throw new BgpWireError('route-refresh-length', `length ${m.length}, expected 23`, Buffer.from(m));
  }
  return {
    type: 'route-refresh',
    afi: ((m[19] as number) << 8) | (m[20] as number),
    subtype: m[21] as number,
    safi: m[22] as number,
  };
}

export function encodeRouteRefresh(msg: RouteRefreshMessage): Buffer {
  const out = Buffer.alloc(ROUTE_REFRESH_LENGTH);
  writeHeader(out, ROUTE_REFRESH_LENGTH, MessageType.RouteRefresh);
  out.writeUInt16BE(msg.afi & 0xffff, 19);
  out[21] = msg.subtype;
  out[22] = msg.safi;
  return out;
}
