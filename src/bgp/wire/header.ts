import { HEADER_LENGTH, MAX_MESSAGE_SIZE, MessageType } from './constants.js';
import { BgpWireError } from './errors.js';

/** The smallest valid total length per message type (RFC 4271 §4, RFC 2918 §3). */
const MIN_LENGTH: Record<number, number> = {
  [MessageType.Open]: 29,
  [MessageType.Update]: 23,
  [MessageType.Notification]: 21,
  [MessageType.Keepalive]: 19,
  [MessageType.RouteRefresh]: HEADER_LENGTH,
};

function lengthError(buf: Uint8Array, offset: number, length: number, why: string): BgpWireError {
  return new BgpWireError(
    'header-length',
    `${why} (length ${length})`,
    Buffer.from(buf.subarray(offset + 16, offset + 18)),
  );
}

/**
 * Checks the 19-octet header at `offset` (RFC 4271 §6.1) and returns the message length and type.
 * The caller guarantees 19 octets are there. `maxSize` is 4096, or 65535 with extended message.
 */
export function checkHeader(
  buf: Uint8Array,
  offset: number,
  maxSize: number,
): { length: number; type: number } {
  for (let i = 0; i < 16; i++) {
    if (buf[offset + i] !== 0xff) throw new BgpWireError('header-marker', 'marker is not all ones');
  }
  const length = ((buf[offset + 16] as number) << 8) | (buf[offset + 17] as number);
  const type = buf[offset + 18] as number;
  if (length < HEADER_LENGTH || length > maxSize) {
    throw lengthError(buf, offset, length, `message length outside ${HEADER_LENGTH}..${maxSize}`);
  }
  const min = MIN_LENGTH[type];
  if (min === undefined)
    throw new BgpWireError('header-type', `unknown message type ${type}`, Buffer.from([type]));
  if (length < min) throw lengthError(buf, offset, length, `too short for message type ${type}`);
  if (type === MessageType.Keepalive && length !== HEADER_LENGTH) {
    throw lengthError(buf, offset, length, 'KEEPALIVE must be 19 octets');
  }
  // RFC 8654 §4: OPEN stays within 4096 octets even when extended messages are allowed.
  if (type === MessageType.Open && length > MAX_MESSAGE_SIZE) {
    throw lengthError(buf, offset, length, 'OPEN longer than 4096 octets');
  }
  return { length, type };
}

/** Writes the marker, length and type into the first 19 octets of `buf`. */
export function writeHeader(buf: Uint8Array, length: number, type: number): void {
  buf.fill(0xff, 0, 16);
  buf[16] = length >> 8;
  buf[17] = length & 0xff;
  buf[18] = type;
}

/**
 * Splits a TCP byte stream into whole BGP messages. Each returned Buffer is one message, header
 * included. A header error throws BgpWireError (send its NOTIFICATION and close: the stream cannot
 * be resynchronised).
 */
export class BgpFramer {
  private pending: Buffer | undefined;

  constructor(private maxSize: number = MAX_MESSAGE_SIZE) {}

  /** Raise the limit to 65535 once extended messages are negotiated (RFC 8654). */
  setMaxMessageSize(size: number): void {
    this.maxSize = size;
  }

  /** Octets received but not yet part of a whole message. */
  get buffered(): number {
    return this.pending?.length ?? 0;
  }

  push(chunk: Uint8Array): Buffer[] {
    const c = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let buf = this.pending === undefined ? c : Buffer.concat([this.pending, c]);
    this.pending = undefined;
    const out: Buffer[] = [];
    let off = 0;
    while (buf.length - off >= HEADER_LENGTH) {
      const { length } = checkHeader(buf, off, this.maxSize);
      if (buf.length - off < length) break;
      out.push(buf.subarray(off, off + length));
      off += length;
    }
    if (off < buf.length) {
      // Copy so the kept tail does not pin the whole chunk.
      buf = Buffer.from(buf.subarray(off));
      this.pending = buf;
    }
    return out;
  }
}
