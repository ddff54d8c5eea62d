import type { PathSlot } from './adj-rib-out.js';
import type { AddressFamily } from './routes.js';
import { buildLocalOpen } from './capabilities.js';
import type { ConnectOptions, Connector } from './transport.js';
import type { OpenMessage } from './wire/index.js';
import type { BackoffOptions } from '../util/backoff.js';
import type { Clock } from '../util/clock.js';
import type { Log } from '../util/log.js';

export interface StopOptions {
  /** Withdraw every route we sent before closing. */
  withdraw?: boolean;
  /** Shutdown communication (RFC 9003) with the Cease. */
  message?: string;
  /** Cease/Peer De-configured instead of Administrative Shutdown. */
  deconfigured?: boolean;
  /** Close without NOTIFICATION, so a graceful-restart helper keeps our routes as stale. */
  keepRoutes?: boolean;
}

export interface SessionConfig {
  /** Peer name for events and logs. */
  name: string;
  peerAddress: string;
  peerPort: number;
  /** Expected peer AS; undefined accepts any (collector). */
  peerAsn: number | undefined;
  localAsn: number;
  routerId: string;
  holdTimeSec: number;
  keepaliveTimeSec: number;
  /** ConnectRetryTimer: how long one outgoing TCP attempt may take. */
  connectRetrySec: number;
  /** passive: never connect out, only accept (collector, or a router that always dials in). */
  mode: 'active' | 'passive';
  localAddress?: string;
  localPort?: number;
  /** Families we offer and announce. */
  families: AddressFamily[];
  addPath: { send: boolean; receive: boolean };
  /** One path slot of a peer with several source addresses: which next hops this session carries. */
  slot?: PathSlot;
  /**
   * Graceful restart (RFC 4724) as the restarting speaker; omit to not advertise it. `restarted`
   * sets the R bit on our OPENs until a session is up: this process follows one of ours that had
   * announced routes (the caller knows it from state it kept; a process cannot tell by itself).
   */
  gracefulRestart?: { restartTimeSec: number; restarted: boolean };
  /**
   * Send no routes and no End-of-RIB until initialTableComplete(): the owner is still building
   * the first table, and an End-of-RIB after an empty one would make a graceful-restart helper
   * drop the routes it kept for us (RFC 4724 §4.1).
   */
  awaitInitialTable?: boolean;
  /** Keep what the peer announces (collector); otherwise UPDATEs are validated and dropped. */
  keepReceivedRoutes: boolean;
  /** Desired-route changes within this window go out together. */
  batchWindowMs: number;
  backoff?: BackoffOptions;
}

export interface SessionDeps {
  clock: Clock;
  connector: Connector;
  logger: Log;
  random: () => number;
}

/** Our OPEN (RFC 4271 §4.2), with the R bit while `restarting` (RFC 4724 §3). */
export function sessionOpen(c: SessionConfig, restarting: boolean): OpenMessage {
  const gr = c.gracefulRestart;
  return buildLocalOpen({
    ...{ asn: c.localAsn, routerId: c.routerId, holdTimeSec: c.holdTimeSec },
    ...{ families: c.families, addPath: c.addPath },
    ...(gr ? { gracefulRestart: { restartTimeSec: gr.restartTimeSec, restarting } } : {}),
  });
}

/** Where an outgoing connection goes, and from where. */
export function dialTarget(c: SessionConfig): ConnectOptions {
  return {
    host: c.peerAddress,
    port: c.peerPort,
    ...(c.localAddress !== undefined ? { localAddress: c.localAddress } : {}),
    ...(c.localPort !== undefined ? { localPort: c.localPort } : {}),
  };
}
