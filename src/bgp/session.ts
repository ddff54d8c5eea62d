import { EventEmitter } from 'node:events';
import { AdjRibIn, type ReceivedRoute, type RibInChange } from './adj-rib-in.js';
import {
  AdjRibOut,
  validateDesiredRoutes,
  validateRouteDelta,
  type PathSlot,
  type RibChanges,
  type RouteDelta,
} from './adj-rib-out.js';
import { Backoff, defaultBackoff, type BackoffOptions } from '../util/backoff.js';
import { restartBoundTimers, type RestartBoundTimers } from './restart-bounds.js';
import { buildLocalOpen, familyOfAfi, negotiate, type Negotiated } from './capabilities.js';
import { Timer, type Clock } from '../util/clock.js';
import type { Log as BgpLogger } from '../util/log.js';
import { PathIdAllocator } from './path-ids.js';
import { prefixFamily, type AddressFamily, type DesiredRoute } from './routes.js';
import type { BgpConnection, Connector } from './transport.js';
import { encodeRibChanges, encodeRouteRefreshMarker, type UpdateParams } from './update-builder.js';
import {
  BgpFramer,
  BgpWireError,
  CeaseSubcode,
  createContext,
  decodeMessage,
  encodeEndOfRib,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  ErrorCode,
  FsmErrorSubcode,
  maxMessageSize,
  MessageType,
  openAsn,
  OpenErrorSubcode,
  RouteRefreshSubtype,
  type BgpMessage,
  type CodecContext,
  type NotificationMessage,
  type OpenMessage,
  type UpdateMessage,
} from './wire/index.js';

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

export type SessionState = 'Idle' | 'Connect' | 'Active' | 'OpenSent' | 'OpenConfirm' | 'Established';

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
  logger: BgpLogger;
  random: () => number;
}

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

type ConnState = 'Connecting' | 'OpenSent' | 'OpenConfirm' | 'Established';

/** One TCP connection of a session; two exist only while a collision is being resolved. */
interface Conn {
  id: number;
  direction: 'outgoing' | 'incoming';
  socket: BgpConnection;
  state: ConnState;
  framer: BgpFramer;
  ctx: CodecContext;
  remoteOpen?: OpenMessage;
  negotiated?: Negotiated;
  hold: Timer;
  keepalive: Timer;
  closed: boolean;
}

/** RFC 4271 §8.2.2: a large hold time while waiting for the peer's OPEN. */
const OPEN_HOLD_MS = 240_000;
/** How long a socket that got our NOTIFICATION may wait for the peer to close before we cut it. */
export const CLOSE_GRACE_MS = 2000;

const STATE_RANK: Record<SessionState, number> = {
  Idle: 0,
  Active: 1,
  Connect: 2,
  OpenSent: 3,
  OpenConfirm: 4,
  Established: 5,
};

/** RFC 6608 FSM error subcodes: an unexpected message in OpenSent, OpenConfirm, Established. */
const FSM_SUBCODE: Record<ConnState, number> = {
  Connecting: FsmErrorSubcode.Unspecified,
  OpenSent: FsmErrorSubcode.UnexpectedMessageInOpenSent,
  OpenConfirm: FsmErrorSubcode.UnexpectedMessageInOpenConfirm,
  Established: FsmErrorSubcode.UnexpectedMessageInEstablished,
};

/** What decides a session's first UPDATEs besides the routes: the negotiated families and codec. */
interface Expectation {
  families: ReadonlySet<AddressFamily>;
  addPathSend: ReadonlySet<AddressFamily>;
  codec: CodecContext;
}

/**
 * The first UPDATEs of the next session, encoded while no session is up, so a large table goes out
 * the moment the session is Established instead of after building and encoding it then.
 */
interface PreparedTable {
  routes: readonly DesiredRoute[];
  /** Families the routes are of: only these have to match the negotiation. */
  routeFamilies: ReadonlySet<AddressFamily>;
  expected: Expectation;
  /** A copy of the session's path ids with this table's assignments. */
  pathIds: PathIdAllocator;
  rib: AdjRibOut;
  changes: RibChanges;
  updates: EncodedUpdates;
}

/** UPDATE messages back to back, as one buffer for one write, and how many they are. */
interface EncodedUpdates {
  bytes: Buffer;
  count: number;
}

function joinUpdates(messages: readonly Buffer[]): EncodedUpdates {
  return { bytes: Buffer.concat(messages), count: messages.length };
}

/** Whether a table built for `expected` is exactly the one `got` gives for routes of `families`. */
function sameOutcome(expected: Expectation, got: Expectation, families: ReadonlySet<AddressFamily>): boolean {
  const e = expected.codec;
  const g = got.codec;
  if (e.fourOctetAs !== g.fourOctetAs || e.extendedMessage !== g.extendedMessage || e.ibgp !== g.ibgp)
    return false;
  for (const f of families) {
    if (expected.families.has(f) !== got.families.has(f)) return false;
    if (expected.addPathSend.has(f) !== got.addPathSend.has(f)) return false;
    const key = f === 4 ? 'ipv4' : 'ipv6';
    if (e.addPath.send[key] !== g.addPath.send[key]) return false;
  }
  return true;
}

function idNumber(dotted: string): number {
  return dotted.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/**
 * One BGP peer: the RFC 4271 finite state machine, its timers, connection collision handling
 * (§6.8) and the Adj-RIB-Out that turns the desired routes into UPDATEs. Sockets and time come
 * from `deps`, so the whole machine runs under fake timers and an in-memory transport in tests.
 */
export class PeerSession {
  private readonly events = new EventEmitter();
  private readonly conns: Conn[] = [];
  private nextConnId = 1;
  private running = false;
  private current: SessionState = 'Idle';
  /** While set, we are in Idle after an error, waiting out the back-off before reconnecting. */
  private readonly idleHold: Timer;
  private readonly connectRetry: Timer;
  private readonly flushTimer: Timer;
  private readonly backoff: Backoff;
  private pathIds = new PathIdAllocator();
  /** The desired set as last given whole; undefined once a delta changed it (see `desired`). */
  private desiredList: readonly DesiredRoute[] | undefined = [];
  /** The desired set by prefix, built on the first delta after a whole set. */
  private desiredByPrefix: Map<string, DesiredRoute> | undefined;
  /** When routes last went out, so a change that arrives alone is not held for the window. */
  private lastFlushAt = -Infinity;
  private rib: AdjRibOut | undefined;
  private prepared: PreparedTable | undefined;
  /** The last session's negotiation: the best guess for the next one. */
  private lastNegotiated: Negotiated | undefined;
  private readonly ribIn = new AdjRibIn();
  /** RFC 4724 R bit: set on our OPENs until the first session after a restart is up. */
  private restarting: boolean;
  /** Whether the owner declared the first table complete (see SessionConfig.awaitInitialTable). */
  private tableComplete: boolean;
  /** The re-establishing timers, each bounded by the restart time (see restartBoundTimers). */
  private readonly timers: RestartBoundTimers;
  /** Sockets we gave up (NOTIFICATION written, half-closed) until they are closed. */
  private readonly closing = new Set<BgpConnection>();
  private waitingLabel: 'Idle' | 'Active' = 'Idle';
  readonly stats: SessionStats = {
    messagesSent: 0,
    messagesReceived: 0,
    updatesSent: 0,
    updatesReceived: 0,
    prefixesAnnounced: 0,
    prefixesWithdrawn: 0,
    pathsAdvertised: 0,
    establishedCount: 0,
  };

  constructor(
    readonly config: SessionConfig,
    private readonly deps: SessionDeps,
  ) {
    this.idleHold = new Timer(deps.clock, () => this.automaticStart('idle hold (back-off) expired'));
    this.connectRetry = new Timer(deps.clock, () => this.onConnectRetryExpired());
    this.flushTimer = new Timer(deps.clock, () => this.flush('update'));
    this.restarting = config.gracefulRestart?.restarted ?? false;
    this.tableComplete = !(config.awaitInitialTable ?? false);
    this.timers = restartBoundTimers({
      openHoldMs: OPEN_HOLD_MS,
      connectRetryMs: config.connectRetrySec * 1000,
      backoff: config.backoff ?? defaultBackoff,
      ...(config.gracefulRestart ? { restartTimeSec: config.gracefulRestart.restartTimeSec } : {}),
    });
    this.backoff = new Backoff(this.timers.backoff, deps.random);
  }

  on<K extends keyof SessionEvents>(event: K, fn: (e: SessionEvents[K]) => void): this {
    this.events.on(event, fn);
    return this;
  }

  off<K extends keyof SessionEvents>(event: K, fn: (e: SessionEvents[K]) => void): this {
    this.events.off(event, fn);
    return this;
  }

  private emit<K extends keyof SessionEvents>(event: K, e: SessionEvents[K]): void {
    this.events.emit(event, e);
  }

  get state(): SessionState {
    return this.current;
  }

  get name(): string {
    return this.config.name;
  }

  /** The negotiated parameters of the Established connection, if any. */
  get negotiated(): Negotiated | undefined {
    return this.established()?.negotiated;
  }

  receivedRoutes(): ReceivedRoute[] {
    return this.ribIn.list();
  }

  // ---- Administrative events ------------------------------------------------------------------

  /** ManualStart: connect (active mode) or wait for the peer (passive mode). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.automaticStart('start');
  }

  /**
   * ManualStop: optionally withdraw everything, then NOTIFICATION Cease/Administrative Shutdown
   * with `message` as the shutdown communication (RFC 9003), or Cease/Peer De-configured, close
   * and stay Idle.
   */
  async stop(opts: StopOptions = {}): Promise<void> {
    if (!this.running && this.conns.length === 0 && this.closing.size === 0) return;
    const reason = opts.keepRoutes
      ? 'stopped, keeping our routes on the peer (graceful restart)'
      : opts.deconfigured
        ? 'peer de-configured'
        : 'administrative shutdown';
    this.running = false;
    this.idleHold.stop();
    this.connectRetry.stop();
    const est = this.established();
    if (est && opts.withdraw && this.rib) this.sendChanges(est, this.rib.withdrawAll(), 'withdraw-all');
    const closed = Promise.all(
      [...this.conns.map((c) => c.socket), ...this.closing].map((s) => this.socketClosed(s)),
    );
    for (const c of [...this.conns]) {
      // RFC 9003 allows a shutdown communication only with Administrative Shutdown / Reset. A
      // keep-routes stop sends none: a lost TCP connection is what a helper rides out (RFC 4724
      // §4.2), while a Cease without the N bit (RFC 8538) makes it drop our routes.
      const notify =
        c.state === 'Connecting' || opts.keepRoutes
          ? undefined
          : opts.deconfigured
            ? this.cease(CeaseSubcode.PeerDeconfigured)
            : this.cease(CeaseSubcode.AdministrativeShutdown, opts.message);
      this.closeConn(c, notify, reason);
    }
    this.sessionDown(reason, false);
    await closed;
  }

  /**
   * Destroys every socket at once, without NOTIFICATION or waiting: the last resort of a shutdown
   * past its deadline. Returns what was still open, for the log.
   */
  abort(): string[] {
    const open = [
      ...this.conns.map((c) => `${this.name}: ${c.direction} connection in ${c.state}`),
      ...[...this.closing].map(
        () => `${this.name}: a connection that got our NOTIFICATION and was not closed`,
      ),
    ];
    this.running = false;
    this.idleHold.stop();
    this.connectRetry.stop();
    for (const c of [...this.conns]) this.closeConn(c, undefined, 'aborted');
    for (const socket of this.closing) socket.destroy();
    this.sessionDown('aborted', false);
    return open;
  }

  /**
   * The owner's first table is complete: an Established session sends the whole table, then
   * End-of-RIB per negotiated family; a session that comes up later does so at once.
   */
  initialTableComplete(): void {
    if (this.tableComplete) return;
    this.tableComplete = true;
    const conn = this.established();
    if (!conn || !this.rib) return;
    this.flush('initial');
    this.sendEndOfRib(conn, this.announcedFamilies(conn.negotiated!));
  }

  private announcedFamilies(n: Negotiated): AddressFamily[] {
    return this.config.families.filter((f) => n.families.has(f));
  }

  /** Replaces the routes this peer should have; sent after the batching window when Established. */
  setDesiredRoutes(routes: readonly DesiredRoute[]): void {
    validateDesiredRoutes(routes, this.config.name);
    this.desiredList = routes;
    this.desiredByPrefix = undefined;
    this.prepared = undefined;
    if (!this.rib) return this.prepareTable();
    this.rib.setDesiredRoutes(routes, { alreadyValidated: true });
    this.scheduleFlush();
  }

  /** Changes only these prefixes of the desired set; the rest stays as it is. */
  updateDesiredRoutes(delta: RouteDelta): void {
    validateRouteDelta(delta, this.config.name);
    const byPrefix = (this.desiredByPrefix ??= new Map(this.desired.map((r) => [r.prefix, r])));
    for (const prefix of delta.remove) byPrefix.delete(prefix);
    for (const route of delta.upsert) byPrefix.set(route.prefix, route);
    this.desiredList = undefined;
    this.prepared = undefined;
    if (!this.rib) return this.prepareTable();
    this.rib.updateDesiredRoutes(delta, { alreadyValidated: true });
    this.scheduleFlush();
  }

  private get desired(): readonly DesiredRoute[] {
    return (this.desiredList ??= [...this.desiredByPrefix!.values()]);
  }

  /**
   * Changes within the batching window after a send go out together when it ends; a change after a
   * quiet window goes out on the next timer turn, so a lone change is not delayed by the window.
   */
  private scheduleFlush(): void {
    if (this.flushTimer.running) return;
    const wait = this.lastFlushAt + this.config.batchWindowMs - this.deps.clock.now();
    this.flushTimer.start(Math.max(0, wait));
  }

  /** An incoming TCP connection from this peer's address (the speaker's listener dispatches it). */
  acceptIncoming(socket: BgpConnection): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    const est = this.established();
    if (est || this.conns.filter((c) => c.state !== 'Connecting').length >= 2) {
      // §6.8: a connection colliding with an Established one is closed; more than two is abuse.
      this.deps.logger.info({ peer: this.name }, 'rejecting an extra incoming connection');
      this.release(socket, this.cease(CeaseSubcode.ConnectionCollisionResolution));
      return;
    }
    // Being dialled while waiting out a back-off or a connect attempt: take the peer's connection,
    // refusing it would only slow recovery after the router restarts.
    this.idleHold.stop();
    this.connectRetry.stop();
    for (const c of this.conns.filter((x) => x.state === 'Connecting'))
      this.closeConn(c, undefined, 'superseded');
    const conn = this.addConn('incoming', socket);
    this.sendOpen(conn, 'incoming connection accepted');
  }

  // ---- Connections ----------------------------------------------------------------------------

  private automaticStart(reason: string): void {
    if (!this.running) return;
    if (this.config.mode === 'passive') {
      this.updateState(reason);
      return;
    }
    const socket = this.deps.connector({
      host: this.config.peerAddress,
      port: this.config.peerPort,
      ...(this.config.localAddress !== undefined ? { localAddress: this.config.localAddress } : {}),
      ...(this.config.localPort !== undefined ? { localPort: this.config.localPort } : {}),
    });
    const conn = this.addConn('outgoing', socket);
    socket.on('connect', () => {
      if (conn.closed) return;
      this.connectRetry.stop();
      this.sendOpen(conn, 'TCP connection established');
    });
    this.connectRetry.start(this.timers.connectRetryMs);
    this.updateState(reason);
  }

  private onConnectRetryExpired(): void {
    for (const c of this.conns.filter((x) => x.state === 'Connecting')) {
      this.closeConn(c, undefined, 'connect retry timer expired');
    }
    if (this.conns.length === 0) this.automaticStart('connect retry timer expired');
  }

  private addConn(direction: Conn['direction'], socket: BgpConnection): Conn {
    const conn: Conn = {
      id: this.nextConnId++,
      direction,
      socket,
      state: 'Connecting',
      framer: new BgpFramer(),
      ctx: createContext(),
      hold: new Timer(this.deps.clock, () => this.onHoldExpired(conn)),
      keepalive: new Timer(this.deps.clock, () => this.onKeepaliveTimer(conn)),
      closed: false,
    };
    this.conns.push(conn);
    socket.on('data', (chunk) => this.onData(conn, chunk));
    socket.on('error', (err) => this.onSocketGone(conn, `TCP error: ${err.message}`));
    socket.on('close', () => this.onSocketGone(conn, 'TCP connection closed by peer'));
    return conn;
  }

  private sendOpen(conn: Conn, reason: string): void {
    this.write(conn, encodeOpen(this.localOpen()));
    conn.state = 'OpenSent';
    conn.hold.start(this.timers.openHoldMs);
    this.updateState(reason);
  }

  private localOpen(): OpenMessage {
    const gr = this.config.gracefulRestart;
    return buildLocalOpen({
      asn: this.config.localAsn,
      routerId: this.config.routerId,
      holdTimeSec: this.config.holdTimeSec,
      families: this.config.families,
      addPath: this.config.addPath,
      ...(gr ? { gracefulRestart: { restartTimeSec: gr.restartTimeSec, restarting: this.restarting } } : {}),
    });
  }

  private write(conn: Conn, data: Buffer, cb?: () => void): void {
    if (conn.closed) return;
    this.stats.messagesSent++;
    conn.socket.write(data, cb);
  }

  private onSocketGone(conn: Conn, reason: string): void {
    if (conn.closed) return;
    this.closeConn(conn, undefined, reason);
    if (conn.state === 'Connecting') {
      // RFC 4271 Connect -> Active: the peer may still dial us; we retry after the back-off.
      if (this.conns.length === 0 && this.running) this.retryLater(reason, 'Active');
      return;
    }
    if (!this.conns.some((c) => c.state !== 'Connecting')) this.sessionDown(reason, true);
  }

  /** Sends `notification` if given, closes the socket and forgets the connection. */
  private closeConn(conn: Conn, notification: NotificationMessage | undefined, reason: string): void {
    if (conn.closed) return;
    if (notification) {
      this.write(conn, encodeNotification(notification));
      this.emit('notification', {
        peer: this.name,
        direction: 'sent',
        code: notification.code,
        subcode: notification.subcode,
        ...(notification.shutdownCommunication !== undefined
          ? { shutdownCommunication: notification.shutdownCommunication }
          : {}),
      });
    }
    conn.closed = true;
    conn.hold.stop();
    conn.keepalive.stop();
    const i = this.conns.indexOf(conn);
    if (i >= 0) this.conns.splice(i, 1);
    this.deps.logger.debug({ peer: this.name, conn: conn.id, reason }, 'closing BGP connection');
    if (notification) this.release(conn.socket);
    else conn.socket.destroy();
  }

  /**
   * Ends a socket that is no longer a connection of ours: with `notification` written first, a
   * half-close so it is delivered, and destroy after CLOSE_GRACE_MS, because a peer may never close
   * its side (a router whose OPEN we did not read keeps the socket open) and a socket left open
   * would hold up the process forever.
   */
  private release(socket: BgpConnection, notification?: NotificationMessage): void {
    if (notification) {
      this.stats.messagesSent++;
      socket.write(encodeNotification(notification));
    }
    this.closing.add(socket);
    socket.on('close', () => this.closing.delete(socket));
    // A reset of a socket we are done with is expected (the peer's unread OPEN), not a failure;
    // unhandled, the 'error' event would end the process.
    socket.on('error', (err) =>
      this.deps.logger.debug({ peer: this.name, err: err.message }, 'error on a connection being closed'),
    );
    socket.end();
    this.deps.clock.setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  }

  /** Resolves once the socket closed: our NOTIFICATION was flushed, or the grace period cut it. */
  private socketClosed(socket: BgpConnection): Promise<void> {
    return new Promise((resolve) => socket.on('close', () => resolve()));
  }

  /** Fails the whole session: NOTIFICATION on every connection, Idle, reconnect after back-off. */
  private fail(conn: Conn, notification: NotificationMessage | undefined, reason: string): void {
    this.closeConn(conn, notification, reason);
    if (!this.conns.some((c) => c.state !== 'Connecting')) this.sessionDown(reason, true);
  }

  private sessionDown(reason: string, reconnect: boolean): void {
    const wasEstablished = this.rib !== undefined;
    this.rib = undefined;
    this.flushTimer.stop();
    this.ribIn.clear();
    if (wasEstablished) this.stats.lastDownReason = reason;
    this.stats.pathsAdvertised = 0;
    if (wasEstablished && reconnect && this.running) this.prepareTable();
    if (reconnect && this.running) this.retryLater(reason, 'Idle');
    else this.updateState(reason);
  }

  /**
   * Waits out the back-off before connecting again: in Idle after an error (RFC 4271's
   * IdleHoldTimer), in Active after a failed TCP attempt (where the peer may still dial us).
   */
  private retryLater(reason: string, label: 'Idle' | 'Active'): void {
    const delay = this.backoff.next();
    this.connectRetry.stop();
    this.waitingLabel = label;
    this.idleHold.start(delay);
    this.updateState(`${reason}; retry in ${delay} ms`);
  }

  // ---- Timers ---------------------------------------------------------------------------------

  private onHoldExpired(conn: Conn): void {
    this.fail(
      conn,
      { type: 'notification', code: ErrorCode.HoldTimerExpired, subcode: 0, data: new Uint8Array(0) },
      'hold timer expired',
    );
  }

  private onKeepaliveTimer(conn: Conn): void {
    this.write(conn, encodeKeepalive());
    const n = conn.negotiated;
    if (n && n.keepaliveSec > 0) conn.keepalive.start(n.keepaliveSec * 1000);
  }

  // ---- Receiving ------------------------------------------------------------------------------

  private onData(conn: Conn, chunk: Buffer): void {
    if (conn.closed) return;
    let frames: Buffer[];
    try {
      frames = conn.framer.push(chunk);
    } catch (err) {
      this.onWireError(conn, err);
      return;
    }
    for (const frame of frames) {
      if (conn.closed) return;
      this.stats.messagesReceived++;
      // RFC 4271 §8.2.2, RFC 6608: an UPDATE before Established is an FSM error whatever its
      // content, so the state is checked before the body is decoded.
      if (frame[18] === MessageType.Update && conn.state !== 'Established') {
        this.fsmError(conn, 'UPDATE');
        continue;
      }
      let msg: BgpMessage;
      try {
        msg = decodeMessage(frame, conn.ctx);
      } catch (err) {
        this.onWireError(conn, err);
        continue;
      }
      this.onMessage(conn, msg);
    }
  }

  private onWireError(conn: Conn, err: unknown): void {
    if (!(err instanceof BgpWireError)) throw err;
    if (err.action === 'session-reset' || conn.state !== 'Established') {
      this.deps.logger.warn({ peer: this.name, err: err.message }, 'malformed message from peer');
      this.fail(
        conn,
        { type: 'notification', code: err.code, subcode: err.subcode, data: err.data },
        `malformed message: ${err.message}`,
      );
      return;
    }
    // RFC 7606: the session stays up; the UPDATE's prefixes count as withdrawn.
    this.emit('warning', { peer: this.name, message: `${err.action}: ${err.message}` });
    this.restartHold(conn);
    if (err.action === 'treat-as-withdraw' && this.config.keepReceivedRoutes) {
      this.emitReceived(this.ribIn.withdrawPrefixes(err.withdrawn));
    }
  }

  private restartHold(conn: Conn): void {
    const n = conn.negotiated;
    if (n && n.holdTimeSec > 0 && (conn.state === 'OpenConfirm' || conn.state === 'Established')) {
      conn.hold.start(this.holdMs(conn, n));
    }
  }

  /** The negotiated hold time; in OpenConfirm, still re-establishing, bounded like OpenSent's. */
  private holdMs(conn: Conn, n: Negotiated): number {
    const ms = n.holdTimeSec * 1000;
    return conn.state === 'OpenConfirm' ? Math.min(ms, this.timers.openHoldMs) : ms;
  }

  private fsmError(conn: Conn, what: string): void {
    this.fail(
      conn,
      {
        type: 'notification',
        code: ErrorCode.FsmError,
        subcode: FSM_SUBCODE[conn.state],
        data: new Uint8Array(0),
      },
      `unexpected ${what} in ${conn.state}`,
    );
  }

  private onMessage(conn: Conn, msg: BgpMessage): void {
    this.restartHold(conn);
    switch (msg.type) {
      case 'notification':
        this.emit('notification', {
          peer: this.name,
          direction: 'received',
          code: msg.code,
          subcode: msg.subcode,
          ...(msg.shutdownCommunication !== undefined
            ? { shutdownCommunication: msg.shutdownCommunication }
            : {}),
        });
        this.fail(
          conn,
          undefined,
          `NOTIFICATION received ${msg.code}/${msg.subcode}` +
            (msg.shutdownCommunication ? `: ${msg.shutdownCommunication}` : ''),
        );
        return;
      case 'open':
        if (conn.state !== 'OpenSent') return this.fsmError(conn, 'OPEN');
        return this.onOpen(conn, msg);
      case 'keepalive':
        if (conn.state === 'OpenConfirm') return this.onEstablished(conn);
        if (conn.state !== 'Established') return this.fsmError(conn, 'KEEPALIVE');
        return;
      case 'update':
        // Only in Established: onData answers an earlier UPDATE before decoding it.
        return this.onUpdate(conn, msg);
      case 'route-refresh':
        if (conn.state !== 'Established') return this.fsmError(conn, 'ROUTE-REFRESH');
        if (msg.subtype === RouteRefreshSubtype.Normal) this.onRouteRefresh(conn, msg.afi, msg.safi);
        return;
    }
  }

  private onOpen(conn: Conn, open: OpenMessage): void {
    const asn = openAsn(open);
    const notify = (subcode: number) => ({
      type: 'notification' as const,
      code: ErrorCode.OpenMessage,
      subcode,
      data: new Uint8Array(0),
    });
    if (this.config.peerAsn !== undefined && asn !== this.config.peerAsn) {
      return this.fail(
        conn,
        notify(OpenErrorSubcode.BadPeerAs),
        `peer AS ${asn} is not the configured ${this.config.peerAsn}`,
      );
    }
    const ibgp = asn === this.config.localAsn;
    if (ibgp && open.bgpId === this.config.routerId) {
      return this.fail(
        conn,
        notify(OpenErrorSubcode.BadBgpIdentifier),
        `peer BGP identifier ${open.bgpId} equals ours (iBGP)`,
      );
    }
    if (open.holdTime === 1 || open.holdTime === 2) {
      return this.fail(
        conn,
        notify(OpenErrorSubcode.UnacceptableHoldTime),
        `unacceptable hold time ${open.holdTime}`,
      );
    }
    // §6.8 collision detection against a connection that already got the peer's OPEN.
    const other = this.conns.find(
      (c) => c !== conn && (c.state === 'OpenConfirm' || c.state === 'Established'),
    );
    if (other) {
      const collision = this.cease(CeaseSubcode.ConnectionCollisionResolution);
      if (other.state === 'Established') return this.closeConn(conn, collision, 'collision with Established');
      // The connection initiated by the side with the higher BGP identifier survives.
      const localWins = idNumber(this.config.routerId) > idNumber(open.bgpId);
      const keep = localWins ? 'outgoing' : 'incoming';
      const loser = conn.direction === keep ? other : conn;
      this.deps.logger.info({ peer: this.name, keep }, 'connection collision resolved');
      this.closeConn(loser, collision, `collision resolution (kept the ${keep} connection)`);
      if (loser === conn) return;
    }
    conn.remoteOpen = open;
    const negotiated = negotiate(this.localOpen(), open, {
      keepaliveTimeSec: this.config.keepaliveTimeSec,
      ibgp,
    });
    conn.negotiated = negotiated;
    conn.ctx = negotiated.codec;
    conn.framer.setMaxMessageSize(maxMessageSize(negotiated.codec));
    this.write(conn, encodeKeepalive());
    conn.state = 'OpenConfirm';
    if (negotiated.holdTimeSec > 0) {
      conn.hold.start(this.holdMs(conn, negotiated));
      conn.keepalive.start(negotiated.keepaliveSec * 1000);
    } else conn.hold.stop();
    this.updateState(`OPEN received from AS ${asn}, id ${open.bgpId}`);
  }

  private onEstablished(conn: Conn): void {
    conn.state = 'Established';
    // The OpenConfirm wait was bounded by the restart time; from now on the negotiated hold applies.
    this.restartHold(conn);
    for (const c of this.conns.filter((x) => x !== conn)) {
      this.closeConn(
        c,
        c.state === 'Connecting' ? undefined : this.cease(CeaseSubcode.ConnectionCollisionResolution),
        'another connection reached Established',
      );
    }
    const n = conn.negotiated!;
    this.backoff.reset();
    this.restarting = false;
    this.stats.establishedCount++;
    const announced = this.announcedFamilies(n);
    const ribOptions = {
      families: n.families,
      addPathFamilies: n.addPathSend,
      peer: this.name,
      ...(this.config.slot ? { slot: this.config.slot } : {}),
    };
    const prepared = this.tableComplete ? this.usablePrepared(n) : undefined;
    this.lastNegotiated = n;
    this.prepared = undefined;
    if (prepared) {
      // Encoded while no session was up, the table goes out before anything else is done or told.
      this.pathIds = prepared.pathIds;
      this.rib = prepared.rib.rebind({ ...ribOptions, pathIds: this.pathIds });
      this.flush('initial', prepared);
      this.sendEndOfRib(conn, announced);
    } else {
      this.rib = new AdjRibOut({ ...ribOptions, pathIds: this.pathIds });
    }
    this.updateState('KEEPALIVE received in OpenConfirm');
    const ecmp: Partial<Record<AddressFamily, boolean>> = {};
    for (const f of announced) ecmp[f] = n.addPathSend.has(f);
    this.emit('established', {
      peer: this.name,
      peerAsn: n.peerAsn,
      peerRouterId: conn.remoteOpen!.bgpId,
      holdTimeSec: n.holdTimeSec,
      families: announced,
      ecmp,
      missingFamilies: this.config.families.filter((f) => !n.families.has(f)),
      gracefulRestart: n.peerGracefulRestart !== undefined,
      enhancedRouteRefresh: n.enhancedRouteRefresh,
      extendedMessage: n.codec.extendedMessage,
    });
    // A slot session without ADD-PATH is the plan working (the speaker logs the slot mode once).
    if (!this.config.slot && announced.some((f) => !n.addPathSend.has(f))) {
      this.emit('warning', {
        peer: this.name,
        message: 'peer does not receive ADD-PATH: one next hop per prefix (no ECMP on this session)',
      });
    }
    if (!prepared) {
      this.rib.setDesiredRoutes(this.desired, { alreadyValidated: true });
      if (!this.tableComplete) return;
      this.flush('initial');
      this.sendEndOfRib(conn, announced);
    }
  }

  /** End-of-RIB per family (RFC 4724 §2): lets a graceful-restart helper drop our stale routes. */
  private sendEndOfRib(conn: Conn, families: readonly AddressFamily[]): void {
    for (const f of families) this.write(conn, encodeEndOfRib(f));
  }

  private onUpdate(_conn: Conn, msg: UpdateMessage): void {
    this.stats.updatesReceived++;
    if (msg.discarded && msg.discarded.length > 0) {
      this.emit('warning', {
        peer: this.name,
        message: `attributes discarded: ${msg.discarded.map((e) => e.message).join('; ')}`,
      });
    }
    if (!this.config.keepReceivedRoutes) return;
    this.emitReceived(this.ribIn.apply(msg));
  }

  private emitReceived(change: RibInChange): void {
    if (change.announced.length + change.withdrawn.length + change.endOfRib.length === 0) return;
    this.emit('routes-received', { peer: this.name, ...change });
  }

  private onRouteRefresh(conn: Conn, afi: number, safi: number): void {
    const family = familyOfAfi(afi);
    const n = conn.negotiated!;
    if (!this.rib || family === undefined || safi !== 1 || !n.families.has(family)) return;
    // Before the first table an answer would be empty, and an empty refresh ends with the peer
    // purging our stale routes (RFC 7313 §4); the whole table and End-of-RIB follow anyway.
    if (!this.tableComplete) return;
    if (this.rib.pending) this.flush('update');
    if (n.enhancedRouteRefresh)
      this.write(conn, encodeRouteRefreshMarker(family, RouteRefreshSubtype.BeginningOfRouteRefresh));
    this.sendChanges(conn, this.rib.sentTable(family), 'refresh');
    if (n.enhancedRouteRefresh)
      this.write(conn, encodeRouteRefreshMarker(family, RouteRefreshSubtype.EndOfRouteRefresh));
  }

  // ---- Sending routes -------------------------------------------------------------------------

  /**
   * Builds and encodes the table for the negotiation we expect: the last session's, else the peer
   * taking everything we offer. Only when no session is up: an Established one sends changes.
   */
  private prepareTable(): void {
    const n = this.lastNegotiated;
    const families = new Set(this.config.families);
    const expected: Expectation = n ?? {
      families,
      addPathSend: this.config.addPath.send ? families : new Set(),
      codec: createContext({
        fourOctetAs: true,
        extendedMessage: true,
        addPath: {
          send: { ipv4: this.config.addPath.send, ipv6: this.config.addPath.send },
          receive: { ipv4: false, ipv6: false },
        },
        ibgp: this.config.peerAsn === this.config.localAsn,
      }),
    };
    const pathIds = this.pathIds.clone();
    const rib = new AdjRibOut({
      families: expected.families,
      addPathFamilies: expected.addPathSend,
      pathIds,
      peer: this.name,
      ...(this.config.slot ? { slot: this.config.slot } : {}),
    });
    rib.setDesiredRoutes(this.desired, { alreadyValidated: true });
    const changes = rib.takeChanges();
    // Joined now, so the Established session only writes: no 1 MB copy for a 100k-route table then.
    const updates = joinUpdates(
      encodeRibChanges(changes, { ctx: expected.codec, localAsn: this.config.localAsn }),
    );
    const routeFamilies = new Set(this.desired.map((r) => prefixFamily(r.prefix)));
    this.prepared = { routes: this.desired, routeFamilies, expected, pathIds, rib, changes, updates };
  }

  /** The prepared table, if it is what the session just negotiated would produce. */
  private usablePrepared(n: Negotiated): PreparedTable | undefined {
    const p = this.prepared;
    if (!p || p.routes !== this.desired) return undefined;
    return sameOutcome(p.expected, n, p.routeFamilies) ? p : undefined;
  }

  private flush(cause: RoutesSentEvent['cause'], prepared?: PreparedTable): void {
    this.flushTimer.stop();
    const conn = this.established();
    if (!conn || !this.rib || !this.tableComplete) return;
    this.lastFlushAt = this.deps.clock.now();
    if (prepared) this.sendChanges(conn, prepared.changes, cause, prepared.updates);
    else this.sendChanges(conn, this.rib.takeChanges(), cause);
    const held = this.rib.heldBack;
    if (held.length > 0) {
      this.emit('warning', {
        peer: this.name,
        message: `${held.length} route(s) of a family the peer did not negotiate are not announced`,
      });
    }
  }

  private sendChanges(
    conn: Conn,
    changes: RibChanges,
    cause: RoutesSentEvent['cause'],
    encoded?: EncodedUpdates,
  ): void {
    const params: UpdateParams = { ctx: conn.ctx, localAsn: this.config.localAsn };
    const updates = encoded ?? joinUpdates(encodeRibChanges(changes, params));
    const announced = changes.announcements.reduce((n, g) => n + g.nlri.length, 0);
    const withdrawn = changes.withdrawals.reduce((n, g) => n + g.nlri.length, 0);
    this.stats.updatesSent += updates.count;
    this.stats.prefixesAnnounced += announced;
    this.stats.prefixesWithdrawn += withdrawn;
    this.stats.pathsAdvertised = this.rib?.sentPathCount ?? 0;
    if (updates.count === 0) return;
    // One write keeps syscalls few for large tables; the count still reflects every message.
    this.stats.messagesSent += updates.count - 1;
    this.write(conn, updates.bytes, () =>
      this.emit('routes-sent', { peer: this.name, announced, withdrawn, cause }),
    );
  }

  // ---- State ----------------------------------------------------------------------------------

  private established(): Conn | undefined {
    return this.conns.find((c) => c.state === 'Established');
  }

  private cease(subcode: number, message?: string): NotificationMessage {
    return message === undefined
      ? { type: 'notification', code: ErrorCode.Cease, subcode, data: new Uint8Array(0) }
      : {
          type: 'notification',
          code: ErrorCode.Cease,
          subcode,
          data: new Uint8Array(0),
          shutdownCommunication: message,
        };
  }

  private derivedState(): SessionState {
    let best: SessionState | undefined;
    for (const c of this.conns) {
      const s: SessionState = c.state === 'Connecting' ? 'Connect' : c.state;
      if (!best || STATE_RANK[s] > STATE_RANK[best]) best = s;
    }
    if (best) return best;
    if (!this.running) return 'Idle';
    if (this.idleHold.running) return this.waitingLabel;
    return this.config.mode === 'passive' ? 'Active' : 'Connect';
  }

  private updateState(reason: string): void {
    this.stats.lastStateReason = reason;
    const to = this.derivedState();
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.deps.logger.info({ peer: this.name, from, to, reason }, `BGP ${this.name}: ${from} -> ${to}`);
    this.emit('state', { peer: this.name, from, to, reason });
  }
}
