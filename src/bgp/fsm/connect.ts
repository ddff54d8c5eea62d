import type { Transition } from './state.js';

/** What happens to an outgoing connection while TCP is being set up. */
type ConnectEvent = 'tcp-connected' | 'connect-retry-expired';

/**
 * Connect (RFC 4271 §8.2.2): TCP up (Event 16/17) sends our OPEN and moves to OpenSent; the
 * ConnectRetryTimer (Event 9) drops the attempt. A TCP failure (Event 18) is handled by the
 * session, which waits in Active for the peer to dial us.
 */
export function connect(event: ConnectEvent): Transition {
  return event === 'tcp-connected'
    ? { next: 'OpenSent', reason: 'TCP connection established' }
    : { next: 'Idle', reason: 'connect retry timer expired' };
}
