import type { Negotiated } from '../capabilities.js';
import type { SessionConfig } from '../session-config.js';
import type { SessionState } from '../session-events.js';
import type { NotificationMessage, OpenMessage } from '../wire/index.js';

/** The state of one TCP connection of a session: RFC 4271 §8.2.2 once the socket exists. */
export type ConnState = 'Connect' | 'OpenSent' | 'OpenConfirm' | 'Established';

/**
 * What a state handler decided, GoBGP-style: the next state and why. `Idle` ends the connection
 * (with `notification` if one is due); `received` is set when the message is for the session to
 * act on in the state it stays in (an UPDATE or ROUTE-REFRESH in Established).
 */
export type Transition =
  | { next: 'Idle'; reason: string; notification?: NotificationMessage }
  | { next: 'OpenConfirm'; reason: string; open: OpenMessage; negotiated: Negotiated }
  | { next: Exclude<ConnState, 'OpenConfirm'>; reason: string };

/** What the handlers need to know about our side (see SessionConfig). */
export type FsmContext = Pick<SessionConfig, 'localAsn' | 'routerId' | 'peerAsn' | 'keepaliveTimeSec'> & {
  localOpen(): OpenMessage;
};

/** How far a state is along the way to Established, to report the most advanced connection. */
const PROGRESS: Record<SessionState, number> = {
  Idle: 0,
  Active: 1,
  Connect: 2,
  OpenSent: 3,
  OpenConfirm: 4,
  Established: 5,
};

/**
 * The session's state while it has connections: that of the one furthest along. Two exist only
 * while a collision (RFC 4271 §6.8) is being resolved, and the session is then as far as the
 * better of them.
 */
export function furthest(states: readonly ConnState[]): ConnState | undefined {
  let best: ConnState | undefined;
  for (const s of states) if (!best || PROGRESS[s] > PROGRESS[best]) best = s;
  return best;
}
