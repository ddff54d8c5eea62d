import { CeaseSubcode, ErrorCode, HEADER_LENGTH, MAX_MESSAGE_SIZE, MessageType } from './constants.js';
import { BgpEncodeError, type BgpWireError } from './errors.js';
import { writeHeader } from './header.js';
import { copyBytes } from './prefix.js';
import type { NotificationMessage } from './types.js';

const carriesShutdownCommunication = (code: number, subcode: number): boolean =>
  code === ErrorCode.Cease &&
  (subcode === CeaseSubcode.AdministrativeShutdown || subcode === CeaseSubcode.AdministrativeReset);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a NOTIFICATION. Nothing here can fail beyond the header checks: a malformed shutdown
 * communication is simply not reported (RFC 9003 §4: it must not cause another NOTIFICATION).
 */
export function decodeNotification(m: Uint8Array): NotificationMessage {
  const code = m[19] as number;
  const subcode = m[20] as number;
  const data = copyBytes(m, 21, m.length);
  const msg: NotificationMessage = { type: 'notification', code, subcode, data };
  if (carriesShutdownCommunication(code, subcode) && data.length >= 1) {
    const len = data[0] as number;
    // Only the exact form (length octet, then that many octets, nothing after) is a communication.
    if (len + 1 === data.length) {
      try {
        msg.shutdownCommunication = utf8.decode(data.subarray(1, 1 + len));
      } catch {
        // Invalid UTF-8: RFC 9003 §4 says to log the raw bytes, which `data` still has.
        return msg;
      }
    }
  }
  return msg;
}

/** The data octets for a shutdown communication (length octet + UTF-8, at most 255 octets). */
function shutdownCommunicationData(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) throw new BgpEncodeError('shutdown communication longer than 255 octets');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
}

export function encodeNotification(msg: NotificationMessage): Buffer {
  const data =
    msg.shutdownCommunication !== undefined ? shutdownCommunicationData(msg.shutdownCommunication) : msg.data;
  const length = HEADER_LENGTH + 2 + data.length;
  if (length > MAX_MESSAGE_SIZE) throw new BgpEncodeError(`NOTIFICATION of ${length} octets exceeds 4096`);
  const out = Buffer.alloc(length);
  writeHeader(out, length, MessageType.Notification);
  out[19] = msg.code;
  out[20] = msg.subcode;
  out.set(data, 21);
  return out;
}

/** A NOTIFICATION message; with `shutdownCommunication` for Cease 2/4 (RFC 9003). */
export function buildNotification(
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
  shutdownCommunication?: string,
): NotificationMessage {
  if (shutdownCommunication === undefined)
    return { type: 'notification', code, subcode, data: Uint8Array.from(data) };
  return {
    type: 'notification',
    code,
    subcode,
    data: Uint8Array.from(shutdownCommunicationData(shutdownCommunication)),
    shutdownCommunication,
  };
}

/** The NOTIFICATION to send for a decode error whose action is session reset (RFC 4271 §6). */
export function errorNotification(e: BgpWireError): NotificationMessage {
  return { type: 'notification', code: e.code, subcode: e.subcode, data: Uint8Array.from(e.data) };
}
