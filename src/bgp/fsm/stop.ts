import type { StopOptions } from '../session-config.js';
import { CeaseSubcode, ErrorCode, type NotificationMessage } from '../wire/index.js';
import { notification } from './events.js';
import type { ConnState } from './state.js';

export function cease(subcode: number, message?: string): NotificationMessage {
  const n = notification(ErrorCode.Cease, subcode);
  return message === undefined ? n : { ...n, shutdownCommunication: message };
}

/**
 * ManualStop (RFC 4271 §8.2.2 Event 2) in any state: why, and the NOTIFICATION each connection
 * gets. RFC 9003 allows a shutdown communication only with Administrative Shutdown / Reset. A
 * keep-routes stop sends none: a lost TCP connection is what a helper rides out (RFC 4724 §4.2),
 * while a Cease without the N bit (RFC 8538) makes it drop our routes. A connection still in
 * Connect has sent nothing, so it is closed silently.
 */
export function manualStop(opts: StopOptions): {
  reason: string;
  notify(state: ConnState): NotificationMessage | undefined;
} {
  if (opts.keepRoutes) {
    return { reason: 'stopped, keeping our routes on the peer (graceful restart)', notify: () => undefined };
  }
  const n = opts.deconfigured
    ? cease(CeaseSubcode.PeerDeconfigured)
    : cease(CeaseSubcode.AdministrativeShutdown, opts.message);
  return {
    reason: opts.deconfigured ? 'peer de-configured' : 'administrative shutdown',
    notify: (state) => (state === 'Connect' ? undefined : n),
  };
}
