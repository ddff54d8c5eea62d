import { EventEmitter } from 'node:events';
import type { RibInChange } from './adj-rib-in.js';
import type { Negotiated } from './capabilities.js';
import type { AddressFamily } from './routes.js';

/** A BGP session's state (RFC 4271 §8.2.2) and the events and counters it exposes. */
export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

export interface StateChangeEvent {
  peer: string;
  from: SessionState;
  to: SessionState;
  reason: string;
}

export interface EstablishedEvent {
  peer: string;
  peerAsn: number;
  peerRouterId: string;
  holdTimeSec: number;
  families: AddressFamily[];
  /** Per announced family: whether several next hops reach the peer (ADD-PATH send negotiated). */
  ecmp: Partial<Record<AddressFamily, boolean>>;
  /** Families we wanted to announce that the peer did not negotiate. */
  missingFamilies: AddressFamily[];
  gracefulRestart: boolean;
  enhancedRouteRefresh: boolean;
  extendedMessage: boolean;
}

export interface RoutesSentEvent {
  peer: string;
  announced: number;
  withdrawn: number;
  /** Why: an update of the desired set, the initial table, a route refresh or shutdown. */
  cause: 'update' | 'initial' | 'refresh' | 'withdraw-all';
}

export interface RoutesReceivedEvent extends RibInChange {
  peer: string;
}

export interface NotificationEvent {
  peer: string;
  direction: 'sent' | 'received';
  code: number;
  subcode: number;
  shutdownCommunication?: string;
}

export interface SessionEvents {
  state: StateChangeEvent;
  established: EstablishedEvent;
  'routes-sent': RoutesSentEvent;
  'routes-received': RoutesReceivedEvent;
  notification: NotificationEvent;
  /** Something the operator should know that does not reset the session. */
  warning: { peer: string; message: string };
}

export interface SessionStats {
  messagesSent: number;
  messagesReceived: number;
  updatesSent: number;
  updatesReceived: number;
  prefixesAnnounced: number;
  prefixesWithdrawn: number;
  /** Paths currently in the Adj-RIB-Out (sent and not withdrawn). */
  pathsAdvertised: number;
  establishedCount: number;
  lastDownReason?: string;
  /**
   * The reason of the last state decision, also when the state stayed the same: a session that
   * keeps failing to connect (e.g. a TCP-MD5 key mismatch drops every SYN) stays in Connect with
   * 'connect retry timer expired' here.
   */
  lastStateReason?: string;
}

/** How the session's parts report an event through the session's emitter. */
export type EmitSessionEvent = <K extends keyof SessionEvents>(event: K, e: SessionEvents[K]) => void;

/** The session's typed events. */
export class SessionEventEmitter {
  private readonly events = new EventEmitter();

  on<K extends keyof SessionEvents>(event: K, fn: (e: SessionEvents[K]) => void): this {
    this.events.on(event, fn);
    return this;
  }

  off<K extends keyof SessionEvents>(event: K, fn: (e: SessionEvents[K]) => void): this {
    this.events.off(event, fn);
    return this;
  }

  protected emit<K extends keyof SessionEvents>(event: K, e: SessionEvents[K]): void {
    this.events.emit(event, e);
  }
}

export function newSessionStats(): SessionStats {
  return {
    messagesSent: 0,
    messagesReceived: 0,
    updatesSent: 0,
    updatesReceived: 0,
    prefixesAnnounced: 0,
    prefixesWithdrawn: 0,
    pathsAdvertised: 0,
    establishedCount: 0,
  };
}

/**
 * What a session that reached Established with `n` reports: the event, and a warning when the
 * peer takes one next hop per prefix (a slot session without ADD-PATH is the plan working: the
 * speaker logs the slot mode once).
 */
export function establishedReports(o: {
  peer: string;
  peerRouterId: string;
  configured: readonly AddressFamily[];
  announced: AddressFamily[];
  slot: boolean;
  n: Negotiated;
}): { event: EstablishedEvent; warning?: string } {
  const { n, announced } = o;
  const event: EstablishedEvent = {
    peer: o.peer,
    peerAsn: n.peerAsn,
    peerRouterId: o.peerRouterId,
    holdTimeSec: n.holdTimeSec,
    families: announced,
    ecmp: Object.fromEntries(announced.map((f) => [f, n.addPathSend.has(f)])),
    missingFamilies: o.configured.filter((f) => !n.families.has(f)),
    gracefulRestart: n.peerGracefulRestart !== undefined,
    enhancedRouteRefresh: n.enhancedRouteRefresh,
    extendedMessage: n.codec.extendedMessage,
  };
  if (o.slot || announced.every((f) => n.addPathSend.has(f))) return { event };
  return {
    event,
    warning: 'peer does not receive ADD-PATH: one next hop per prefix (no ECMP on this session)',
  };
}
