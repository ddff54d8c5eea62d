import type { Connection } from './connection.js';
import { BgpWireError, decodeMessage, MessageType, type BgpMessage } from './wire/index.js';

export interface InboundHandlers {
  message(msg: BgpMessage): void;
  /** A malformed message (or stream): what to do is the RFC 7606 action it carries. */
  wireError(err: BgpWireError): void;
  /** An UPDATE before Established, left undecoded. */
  updateTooEarly(): void;
  /** Counts one message received. */
  counted(): void;
}

/** Feeds `chunk` to the connection's framer and hands each complete message on, in order. */
export function readMessages(conn: Connection, chunk: Buffer, on: InboundHandlers): void {
  if (conn.closed) return;
  let frames: Buffer[];
  try {
    frames = conn.framer.push(chunk);
  } catch (err) {
    on.wireError(wireError(err));
    return;
  }
  for (const frame of frames) {
    if (conn.closed) return;
    on.counted();
    // RFC 4271 §8.2.2, RFC 6608: an UPDATE before Established is an FSM error whatever its
    // content, so the state is checked before the body is decoded.
    if (frame[18] === MessageType.Update && conn.state !== 'Established') {
      on.updateTooEarly();
      continue;
    }
    let msg: BgpMessage;
    try {
      msg = decodeMessage(frame, conn.ctx);
    } catch (err) {
      on.wireError(wireError(err));
      continue;
    }
    on.message(msg);
  }
}

/** The codec throws only BgpWireError; anything else is a bug and goes on up. */
function wireError(err: unknown): BgpWireError {
  if (err instanceof BgpWireError) return err;
  throw err;
}
