import { notificationReceived, unexpectedMessage } from './events.js';
import type { Transition } from './state.js';
import type { BgpMessage } from '../wire/index.js';

/** OpenConfirm (RFC 4271 §8.2.2): the peer's KEEPALIVE (Event 26) confirms our OPEN. */
export function openConfirm(msg: BgpMessage): Transition {
  if (msg.type === 'notification') return notificationReceived(msg);
  if (msg.type === 'keepalive') return { next: 'Established', reason: 'KEEPALIVE received in OpenConfirm' };
  return unexpectedMessage('OpenConfirm', msg.type.toUpperCase());
}
