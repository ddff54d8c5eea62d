/**
 * The RFC 4271 §8 finite state machine, one handler per state in the manner of GoBGP's fsm.go:
 * each takes the event of its state and returns the next state and the reason; the session
 * carries the decisions out (sockets, timers, routes).
 */
import { notificationReceived, unexpectedMessage } from './events.js';
import { established } from './established.js';
import { openConfirm } from './open-confirm.js';
import { openSent } from './open-sent.js';
import type { ConnState, FsmContext, Transition } from './state.js';
import type { BgpMessage } from '../wire/index.js';

export { connect } from './connect.js';
export { manualStop } from './stop.js';
export { holdTimerExpired, malformedMessage, unexpectedMessage } from './events.js';
export { idle } from './idle.js';
export { furthest, type ConnState, type FsmContext, type Transition } from './state.js';

/** The handler of `state` for a message received on a connection in it. */
export function onMessage(state: ConnState, msg: BgpMessage, ctx: FsmContext): Transition {
  switch (state) {
    case 'Connect':
      // No OPEN of ours went out yet, so nothing the peer sends is expected.
      return msg.type === 'notification'
        ? notificationReceived(msg)
        : unexpectedMessage(state, msg.type.toUpperCase());
    case 'OpenSent':
      return openSent(msg, ctx);
    case 'OpenConfirm':
      return openConfirm(msg);
    case 'Established':
      return established(msg);
  }
}
