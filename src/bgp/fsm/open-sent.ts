import { negotiate } from '../capabilities.js';
import { notification, notificationReceived, unexpectedMessage } from './events.js';
import type { FsmContext, Transition } from './state.js';
import { ErrorCode, OpenErrorSubcode, openAsn, type BgpMessage, type OpenMessage } from '../wire/index.js';

/**
 * OpenSent (RFC 4271 §8.2.2): the peer's OPEN is checked (§6.2) and, if acceptable, negotiated:
 * the connection goes to OpenConfirm once collision detection (§6.8, the session's) keeps it.
 */
export function openSent(msg: BgpMessage, ctx: FsmContext): Transition {
  if (msg.type === 'notification') return notificationReceived(msg);
  if (msg.type !== 'open') return unexpectedMessage('OpenSent', msg.type.toUpperCase());
  return checkOpen(msg, ctx);
}

function checkOpen(open: OpenMessage, ctx: FsmContext): Transition {
  const asn = openAsn(open);
  const reject = (subcode: number, reason: string): Transition => ({
    next: 'Idle',
    reason,
    notification: notification(ErrorCode.OpenMessage, subcode),
  });
  if (ctx.peerAsn !== undefined && asn !== ctx.peerAsn) {
    return reject(OpenErrorSubcode.BadPeerAs, `peer AS ${asn} is not the configured ${ctx.peerAsn}`);
  }
  const ibgp = asn === ctx.localAsn;
  if (ibgp && open.bgpId === ctx.routerId) {
    return reject(OpenErrorSubcode.BadBgpIdentifier, `peer BGP identifier ${open.bgpId} equals ours (iBGP)`);
  }
  if (open.holdTime === 1 || open.holdTime === 2) {
    return reject(OpenErrorSubcode.UnacceptableHoldTime, `unacceptable hold time ${open.holdTime}`);
  }
  return {
    next: 'OpenConfirm',
    reason: `OPEN received from AS ${asn}, id ${open.bgpId}`,
    open,
    negotiated: negotiate(ctx.localOpen(), open, { keepaliveTimeSec: ctx.keepaliveTimeSec, ibgp }),
  };
}
