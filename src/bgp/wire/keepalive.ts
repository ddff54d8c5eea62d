import { HEADER_LENGTH, MessageType } from './constants.js';
import { writeHeader } from './header.js';
import type { KeepaliveMessage } from './types.js';

const KEEPALIVE = Buffer.alloc(HEADER_LENGTH);
writeHeader(KEEPALIVE, HEADER_LENGTH, MessageType.Keepalive);

/** A fresh KEEPALIVE (19 octets). */
export function encodeKeepalive(): Buffer {
  return Buffer.from(KEEPALIVE);
}

export const KEEPALIVE_MESSAGE: Readonly<KeepaliveMessage> = Object.freeze({ type: 'keepalive' });
