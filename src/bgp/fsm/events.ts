import type { ConnState, Transition } from './state.js';
import { ErrorCode, FsmErrorSubcode, type BgpWireError, type NotificationMessage } from '../wire/index.js';

/** RFC 6608 §4: the FSM error subcode names the state the unexpected message arrived in. */
const FSM_SUBCODE: Record<ConnState, number> = {
  Connect: FsmErrorSubcode.Unspecified,
  OpenSent: FsmErrorSubcode.UnexpectedMessageInOpenSent,
  OpenConfirm: FsmErrorSubcode.UnexpectedMessageInOpenConfirm,
  Established: FsmErrorSubcode.UnexpectedMessageInEstablished,
};

export function notification(code: number, subcode: number): NotificationMessage {
  return { type: 'notification', code, subcode, data: new Uint8Array(0) };
}

/** RFC 4271 §8.2.2 events every state with a connection handles the same way. */

/** A message the state does not expect (RFC 4271 §8.2.2 Event 25-28 in the wrong state). */
export function unexpectedMessage(state: ConnState, what: string): Transition {
  return {
    next: 'Idle',
    reason: `unexpected ${what} in ${state}`,
    notification: notification(ErrorCode.FsmError, FSM_SUBCODE[state]),
  };
}

/** Event 10, HoldTimer_Expires: NOTIFICATION Hold Timer Expired (no subcodes, RFC 4271 §4.5). */
export function holdTimerExpired(): Transition {
  return {
    next: 'Idle',
    reason: 'hold timer expired',
    notification: notification(ErrorCode.HoldTimerExpired, 0),
  };
}

/** Events 24/25, NotifMsg: the peer ends the connection; nothing is sent back. */
export function notificationReceived(msg: NotificationMessage): Transition {
  return {
    next: 'Idle',
    reason:
      `NOTIFICATION received ${msg.code}/${msg.subcode}` +
      (msg.shutdownCommunication ? `: ${msg.shutdownCommunication}` : ''),
  };
}

/**
 * A malformed message (RFC 4271 §6, RFC 7606): the NOTIFICATION the codec chose ends the
 * connection, unless it is an UPDATE error that RFC 7606 lets an Established session survive.
 */
export function malformedMessage(state: ConnState, err: BgpWireError): Transition {
  if (err.action !== 'session-reset' && state === 'Established') {
    return { next: 'Established', reason: `${err.action}: ${err.message}` };
  }
  return {
    next: 'Idle',
    reason: `malformed message: ${err.message}`,
    notification: { ...notification(err.code, err.subcode), data: err.data },
  };
}
