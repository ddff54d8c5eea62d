import { notificationReceived, unexpectedMessage } from './events.js';
import type { Transition } from './state.js';
import type { BgpMessage } from '../wire/index.js';

/**
 * Established (RFC 4271 §8.2.2): KEEPALIVE, UPDATE (Event 27) and ROUTE-REFRESH (RFC 2918 §4)
 * keep the state; the session acts on the last two. Another OPEN is an FSM error (RFC 6608).
 */
export function established(msg: BgpMessage): Transition {
  if (msg.type === 'notification') return notificationReceived(msg);
  if (msg.type === 'open') return unexpectedMessage('Established', 'OPEN');
  return { next: 'Established', reason: `${msg.type} received` };
}
