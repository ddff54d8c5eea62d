import { EventEmitter } from 'node:events';
import { AdjRibIn, type ReceivedRoute, type RibInChange } from './adj-rib-in.js';
import type { RouteDelta } from './adj-rib-out.js';
import { buildLocalOpen, type Negotiated } from './capabilities.js';
import { ClosingSockets } from './closing-sockets.js';
import { resolveCollision } from './collision.js';
import { Connection } from './connection.js';
import * as fsm from './fsm/index.js';
import { announcedFamilies, PeerAnnouncer } from './peer-announcer.js';
import type { DesiredRoute } from './routes.js';
import type { SessionConfig, SessionDeps, StopOptions } from './session-config.js';
import type { SessionEvents, SessionState, SessionStats } from './session-events.js';
import { SessionTimers } from './session-timers.js';
import type { BgpConnection } from './transport.js';
import {
  BgpWireError,
  CeaseSubcode,
  decodeMessage,
  encodeKeepalive,
  encodeNotification,
  encodeOpen,
  ErrorCode,
  maxMessageSize,
  MessageType,
  RouteRefreshSubtype,
  type BgpMessage,
  type NotificationMessage,
  type OpenMessage,
} from './wire/index.js';

export { CLOSE_GRACE_MS } from './closing-sockets.js';
export type { SessionConfig, SessionDeps, StopOptions } from './session-config.js';
export type * from './session-events.js';

function cease(subcode: number, message?: string): NotificationMessage {
  const n = fsm.notification(ErrorCode.Cease, subcode);
  return message === undefined ? n : { ...n, shutdownCommunication: message };
}

/**
 * One BGP peer: the RFC 4271 state machine's decisions (./fsm) carried out on sockets and timers,
 * collision handling (§6.8), the Adj-RIB-In, and a PeerAnnouncer for what we send. Sockets and
 * time come from `deps`, so the whole machine runs under fake timers and an in-memory transport.
 */
export class PeerSession {
  private readonly events = new EventEmitter();
  private readonly conns: Connection[] = [];
  private nextConnId = 1;
  private running = false;
  private current: SessionState = 'Idle';
  private readonly timers: SessionTimers;
  private readonly announcer: PeerAnnouncer;
  private readonly ribIn = new AdjRibIn();
  private readonly closing: ClosingSockets;
  /** RFC 4724 R bit: set on our OPENs until the first session after a restart is up. */
  private restarting: boolean;
  private readonly fsmContext: fsm.FsmContext;
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
    const emit = this.emit.bind(this);
    this.timers = new SessionTimers(
      {
        connectRetrySec: config.connectRetrySec,
        ...(config.backoff ? { backoff: config.backoff } : {}),
        ...(config.gracefulRestart ? { restartTimeSec: config.gracefulRestart.restartTimeSec } : {}),
      },
      deps,
      {
        idleHoldExpired: () => this.automaticStart('idle hold (back-off) expired'),
        connectRetryExpired: () => this.onConnectRetryExpired(),
      },
    );
    this.announcer = new PeerAnnouncer(
      {
        name: config.name,
        localAsn: config.localAsn,
        peerAsn: config.peerAsn,
        families: config.families,
        addPathSend: config.addPath.send,
        ...(config.slot ? { slot: config.slot } : {}),
        batchWindowMs: config.batchWindowMs,
        awaitInitialTable: config.awaitInitialTable ?? false,
      },
      { clock: deps.clock, stats: this.stats, emit },
    );
    this.closing = new ClosingSockets({ clock: deps.clock, logger: deps.logger, peer: config.name });
    this.restarting = config.gracefulRestart?.restarted ?? false;
    this.fsmContext = {
      localAsn: config.localAsn,
      routerId: config.routerId,
      peerAsn: config.peerAsn,
      keepaliveTimeSec: config.keepaliveTimeSec,
      localOpen: () => this.localOpen(),
    };
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

  setDesiredRoutes(routes: readonly DesiredRoute[]): void {
    this.announcer.setDesiredRoutes(routes);
  }

  updateDesiredRoutes(delta: RouteDelta): void {
    this.announcer.updateDesiredRoutes(delta);
  }

  initialTableComplete(): void {
    this.announcer.initialTableComplete();
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
    this.timers.stop();
    if (opts.withdraw) this.announcer.withdrawAll();
    const closed = this.closing.allClosed(this.conns.map((c) => c.socket));
    for (const c of [...this.conns]) {
      // RFC 9003 allows a shutdown communication only with Administrative Shutdown / Reset. A
      // keep-routes stop sends none: a lost TCP connection is what a helper rides out (RFC 4724
      // §4.2), while a Cease without the N bit (RFC 8538) makes it drop our routes.
      const notify =
        c.state === 'Connect' || opts.keepRoutes
          ? undefined
          : opts.deconfigured
            ? cease(CeaseSubcode.PeerDeconfigured)
            : cease(CeaseSubcode.AdministrativeShutdown, opts.message);
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
      ...Array.from(
        { length: this.closing.size },
        () => `${this.name}: a connection that got our NOTIFICATION and was not closed`,
      ),
    ];
    this.running = false;
    this.timers.stop();
    for (const c of [...this.conns]) this.closeConn(c, undefined, 'aborted');
    this.closing.destroyAll();
    this.sessionDown('aborted', false);
    return open;
  }

  /** An incoming TCP connection from this peer's address (the speaker's listener dispatches it). */
  acceptIncoming(socket: BgpConnection): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    if (this.established() || this.conns.filter((c) => c.state !== 'Connect').length >= 2) {
      // §6.8: a connection colliding with an Established one is closed; more than two is abuse.
      this.deps.logger.info({ peer: this.name }, 'rejecting an extra incoming connection');
      this.stats.messagesSent++;
      socket.write(encodeNotification(cease(CeaseSubcode.ConnectionCollisionResolution)));
      this.closing.release(socket);
      return;
    }
    // Being dialled while waiting out a back-off or a connect attempt: take the peer's connection,
    // refusing it would only slow recovery after the router restarts.
    this.timers.stop();
    for (const c of this.conns.filter((x) => x.state === 'Connect'))
      this.closeConn(c, undefined, 'superseded');
    this.sendOpen(this.addConn('incoming', socket), 'incoming connection accepted');
  }

  // ---- Carrying out the FSM's decisions -------------------------------------------------------

  /** Idle or Active, at start or when the back-off ends: dial the peer or wait for it. */
  private automaticStart(reason: string): void {
    if (!this.running) return;
    const t = fsm.idle(this.config.mode, reason);
    if (t.next === 'Connect') {
      const socket = this.deps.connector({
        host: this.config.peerAddress,
        port: this.config.peerPort,
        ...(this.config.localAddress !== undefined ? { localAddress: this.config.localAddress } : {}),
        ...(this.config.localPort !== undefined ? { localPort: this.config.localPort } : {}),
      });
      const conn = this.addConn('outgoing', socket);
      socket.on('connect', () => {
        if (conn.closed) return;
        this.timers.stopConnectRetry();
        this.apply(conn, fsm.connect('tcp-connected'));
      });
      this.timers.startConnectRetry();
    }
    this.updateState(t.reason);
  }

  private onConnectRetryExpired(): void {
    const t = fsm.connect('connect-retry-expired');
    for (const c of this.conns.filter((x) => x.state === 'Connect')) this.closeConn(c, undefined, t.reason);
    if (this.conns.length === 0) this.automaticStart(t.reason);
  }

  /** Moves `conn` where its state's handler decided. */
  private apply(conn: Connection, t: fsm.Transition): void {
    switch (t.next) {
      case 'Idle':
        return this.fail(conn, t.notification, t.reason);
      case 'OpenSent':
        return this.sendOpen(conn, t.reason);
      case 'OpenConfirm':
        return this.confirm(conn, t.open, t.negotiated, t.reason);
      case 'Established':
        if (conn.state === 'OpenConfirm') this.onEstablished(conn, t.reason);
        return;
      case 'Connect':
        return;
    }
  }

  private addConn(direction: Connection['direction'], socket: BgpConnection): Connection {
    const conn: Connection = new Connection(
      this.nextConnId++,
      direction,
      socket,
      this.deps.clock,
      {
        holdExpired: () => this.apply(conn, fsm.holdTimerExpired()),
        keepaliveDue: () => this.write(conn, encodeKeepalive()),
      },
      this.timers.bounds.openHoldMs,
    );
    this.conns.push(conn);
    socket.on('data', (chunk) => this.onData(conn, chunk));
    socket.on('error', (err) => this.onSocketGone(conn, `TCP error: ${err.message}`));
    socket.on('close', () => this.onSocketGone(conn, 'TCP connection closed by peer'));
    return conn;
  }

  private sendOpen(conn: Connection, reason: string): void {
    this.write(conn, encodeOpen(this.localOpen()));
    conn.waitForOpen();
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

  /** The peer's OPEN is acceptable: collision detection (§6.8), then OpenConfirm. */
  private confirm(conn: Connection, open: OpenMessage, negotiated: Negotiated, reason: string): void {
    const other = this.conns.find(
      (c): c is Connection & { state: 'OpenConfirm' | 'Established' } =>
        c !== conn && (c.state === 'OpenConfirm' || c.state === 'Established'),
    );
    if (other) {
      const outcome = resolveCollision(conn.direction, other, {
        local: this.config.routerId,
        remote: open.bgpId,
      });
      const collision = cease(CeaseSubcode.ConnectionCollisionResolution);
      if ('keep' in outcome)
        this.deps.logger.info({ peer: this.name, keep: outcome.keep }, 'connection collision resolved');
      this.closeConn(outcome.close === 'new' ? conn : other, collision, outcome.reason);
      if (outcome.close === 'new') return;
    }
    conn.confirm(open, negotiated);
    conn.framer.setMaxMessageSize(maxMessageSize(negotiated.codec));
    this.write(conn, encodeKeepalive());
    this.updateState(reason);
  }

  private onEstablished(conn: Connection, reason: string): void {
    conn.establish();
    for (const c of this.conns.filter((x) => x !== conn)) {
      this.closeConn(
        c,
        c.state === 'Connect' ? undefined : cease(CeaseSubcode.ConnectionCollisionResolution),
        'another connection reached Established',
      );
    }
    const n = conn.negotiated!;
    this.timers.resetBackoff();
    this.restarting = false;
    this.stats.establishedCount++;
    this.announcer.attach({ negotiated: n, write: (data, cb) => this.write(conn, data, cb) });
    this.updateState(reason);
    const announced = announcedFamilies(this.config.families, n);
    const ecmp = Object.fromEntries(announced.map((f) => [f, n.addPathSend.has(f)]));
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
    this.announcer.sendFirstTable();
  }

  private write(conn: Connection, data: Buffer, cb?: () => void): void {
    if (conn.closed) return;
    this.stats.messagesSent++;
    conn.socket.write(data, cb);
  }

  private onSocketGone(conn: Connection, reason: string): void {
    if (conn.closed) return;
    this.closeConn(conn, undefined, reason);
    if (conn.state === 'Connect') {
      // RFC 4271 Connect -> Active (Event 18): the peer may still dial us; we retry after the back-off.
      if (this.conns.length === 0 && this.running) this.retryLater(reason, 'Active');
      return;
    }
    if (!this.conns.some((c) => c.state !== 'Connect')) this.sessionDown(reason, true);
  }

  /** Sends `notification` if given, closes the socket and forgets the connection. */
  private closeConn(conn: Connection, notification: NotificationMessage | undefined, reason: string): void {
    if (conn.closed) return;
    if (notification) {
      this.write(conn, encodeNotification(notification));
      this.emitNotification('sent', notification);
    }
    conn.closed = true;
    conn.stopTimers();
    this.conns.splice(this.conns.indexOf(conn), 1);
    this.deps.logger.debug({ peer: this.name, conn: conn.id, reason }, 'closing BGP connection');
    if (notification) this.closing.release(conn.socket);
    else conn.socket.destroy();
  }

  private emitNotification(direction: 'sent' | 'received', n: NotificationMessage): void {
    this.emit('notification', {
      peer: this.name,
      direction,
      code: n.code,
      subcode: n.subcode,
      ...(n.shutdownCommunication !== undefined ? { shutdownCommunication: n.shutdownCommunication } : {}),
    });
  }

  /** Fails the connection; the session too unless another connection got the peer's OPEN. */
  private fail(conn: Connection, notification: NotificationMessage | undefined, reason: string): void {
    this.closeConn(conn, notification, reason);
    if (!this.conns.some((c) => c.state !== 'Connect')) this.sessionDown(reason, true);
  }

  private sessionDown(reason: string, reconnect: boolean): void {
    const wasEstablished = this.announcer.detach(reconnect && this.running);
    this.ribIn.clear();
    if (wasEstablished) this.stats.lastDownReason = reason;
    if (reconnect && this.running) this.retryLater(reason, 'Idle');
    else this.updateState(reason);
  }

  private retryLater(reason: string, waitIn: 'Idle' | 'Active'): void {
    const delay = this.timers.retryLater(waitIn);
    this.updateState(`${reason}; retry in ${delay} ms`);
  }

  // ---- Receiving ------------------------------------------------------------------------------

  private onData(conn: Connection, chunk: Buffer): void {
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
        this.apply(conn, fsm.unexpectedMessage(conn.state, 'UPDATE'));
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

  private onWireError(conn: Connection, err: unknown): void {
    if (!(err instanceof BgpWireError)) throw err;
    if (err.action === 'session-reset' || conn.state !== 'Established') {
      this.deps.logger.warn({ peer: this.name, err: err.message }, 'malformed message from peer');
      const n: NotificationMessage = {
        type: 'notification',
        code: err.code,
        subcode: err.subcode,
        data: err.data,
      };
      this.fail(conn, n, `malformed message: ${err.message}`);
      return;
    }
    // RFC 7606: the session stays up; the UPDATE's prefixes count as withdrawn.
    this.emit('warning', { peer: this.name, message: `${err.action}: ${err.message}` });
    conn.restartHold();
    if (err.action === 'treat-as-withdraw' && this.config.keepReceivedRoutes) {
      this.emitReceived(this.ribIn.withdrawPrefixes(err.withdrawn));
    }
  }

  private onMessage(conn: Connection, msg: BgpMessage): void {
    conn.restartHold();
    if (msg.type === 'notification') this.emitNotification('received', msg);
    const t = fsm.onMessage(conn.state, msg, this.fsmContext);
    if (t.next !== 'Established' || conn.state !== 'Established') return this.apply(conn, t);
    if (msg.type === 'update') {
      this.stats.updatesReceived++;
      if (msg.discarded && msg.discarded.length > 0) {
        this.emit('warning', {
          peer: this.name,
          message: `attributes discarded: ${msg.discarded.map((e) => e.message).join('; ')}`,
        });
      }
      if (this.config.keepReceivedRoutes) this.emitReceived(this.ribIn.apply(msg));
    } else if (msg.type === 'route-refresh' && msg.subtype === RouteRefreshSubtype.Normal) {
      this.announcer.routeRefresh(msg.afi, msg.safi);
    }
  }

  private emitReceived(change: RibInChange): void {
    if (change.announced.length + change.withdrawn.length + change.endOfRib.length === 0) return;
    this.emit('routes-received', { peer: this.name, ...change });
  }

  // ---- State ----------------------------------------------------------------------------------

  private established(): Connection | undefined {
    return this.conns.find((c) => c.state === 'Established');
  }

  /**
   * The furthest connection's state; without one, Idle when stopped, the state the back-off is
   * waited out in, or where the last Idle/Active decision left the session.
   */
  private sessionState(): SessionState {
    const s = fsm.furthest(this.conns.map((c) => c.state));
    if (s) return s;
    if (!this.running) return 'Idle';
    return this.timers.waitingIn ?? fsm.idle(this.config.mode, '').next;
  }

  private updateState(reason: string): void {
    this.stats.lastStateReason = reason;
    const to = this.sessionState();
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    this.deps.logger.info({ peer: this.name, from, to, reason }, `BGP ${this.name}: ${from} -> ${to}`);
    this.emit('state', { peer: this.name, from, to, reason });
  }
}
