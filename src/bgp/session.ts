import type { ReceivedRoute } from './adj-rib-in.js';
import type { RouteDelta } from './adj-rib-out.js';
import type { Negotiated } from './capabilities.js';
import type { Connection } from './connection.js';
import { Connections } from './connections.js';
import * as fsm from './fsm/index.js';
import { announcedFamilies, PeerAnnouncer } from './peer-announcer.js';
import { ReceivedRoutes } from './received-routes.js';
import type { DesiredRoute } from './routes.js';
import { dialTarget, sessionOpen } from './session-config.js';
import type { SessionConfig, SessionDeps, StopOptions } from './session-config.js';
import { establishedReports, newSessionStats, SessionEventEmitter } from './session-events.js';
import type { SessionState } from './session-events.js';
import { SessionStateReport } from './session-state.js';
import { SessionTimers } from './session-timers.js';
import type { BgpConnection } from './transport.js';
import * as wire from './wire/index.js';

export { CLOSE_GRACE_MS } from './closing-sockets.js';
export type { SessionConfig, SessionDeps, StopOptions } from './session-config.js';
export type * from './session-events.js';

/**
 * One BGP peer: the decisions of the RFC 4271 state machine (./fsm) carried out on its connections
 * and timers, with collision detection (§6.8), what the peer sent (ReceivedRoutes) and what we
 * send it (PeerAnnouncer). Sockets and time come from `deps`, so the whole machine runs under fake
 * timers and an in-memory transport in tests.
 */
export class PeerSession extends SessionEventEmitter {
  private running = false;
  private readonly report: SessionStateReport;
  /** RFC 4724 R bit: set on our OPENs until the first session after a restart is up. */
  private restarting: boolean;
  private readonly timers: SessionTimers;
  private readonly conns: Connections;
  private readonly announcer: PeerAnnouncer;
  private readonly received: ReceivedRoutes;
  private readonly fsmContext: fsm.FsmContext;
  readonly stats = newSessionStats();

  constructor(
    readonly config: SessionConfig,
    private readonly deps: SessionDeps,
  ) {
    super();
    const emit = this.emit.bind(this);
    const { clock, logger } = deps;
    this.report = new SessionStateReport({ peer: config.name, logger, emit, stats: this.stats });
    this.restarting = config.gracefulRestart?.restarted ?? false;
    this.timers = new SessionTimers(config, deps, {
      idleHoldExpired: () => this.automaticStart('idle hold (back-off) expired'),
      connectRetryExpired: () => this.onConnectRetryExpired(),
    });
    const openHoldMs = this.timers.bounds.openHoldMs;
    this.conns = new Connections({ peer: config.name, clock, logger, stats: this.stats, emit, openHoldMs });
    this.announcer = new PeerAnnouncer(config, { clock, stats: this.stats, emit });
    this.received = new ReceivedRoutes(config.name, config.keepReceivedRoutes, { stats: this.stats, emit });
    this.fsmContext = { ...config, localOpen: () => sessionOpen(config, this.restarting) };
  }

  get state(): SessionState {
    return this.report.state;
  }

  get name(): string {
    return this.config.name;
  }

  /** The negotiated parameters of the Established connection, if any. */
  get negotiated(): Negotiated | undefined {
    return this.conns.established()?.negotiated;
  }

  receivedRoutes(): ReceivedRoute[] {
    return this.received.list();
  }

  /** Replaces the routes this peer should have; sent after the batching window when Established. */
  setDesiredRoutes(routes: readonly DesiredRoute[]): void {
    this.announcer.setDesiredRoutes(routes);
  }

  /** Changes only these prefixes of the desired set; the rest stays as it is. */
  updateDesiredRoutes(delta: RouteDelta): void {
    this.announcer.updateDesiredRoutes(delta);
  }

  /** The owner's first table is complete (see SessionConfig.awaitInitialTable). */
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
    if (!this.running && this.conns.idle) return;
    const { reason, notify } = fsm.manualStop(opts);
    this.running = false;
    this.timers.stop();
    if (opts.withdraw) this.announcer.withdrawAll();
    const closed = this.conns.allClosed();
    for (const c of [...this.conns.all]) this.conns.close(c, notify(c.state), reason);
    this.sessionDown(reason, false);
    await closed;
  }

  /**
   * Destroys every socket at once, without NOTIFICATION or waiting: the last resort of a shutdown
   * past its deadline. Returns what was still open, for the log.
   */
  abort(): string[] {
    this.running = false;
    this.timers.stop();
    const open = this.conns.destroyAll();
    this.sessionDown('aborted', false);
    return open;
  }

  /** An incoming TCP connection from this peer's address (the speaker's listener dispatches it). */
  acceptIncoming(socket: BgpConnection): void {
    if (!this.running) return socket.destroy();
    if (this.conns.refusesIncoming()) {
      this.deps.logger.info({ peer: this.name }, 'rejecting an extra incoming connection');
      return this.conns.refuse(socket);
    }
    // Being dialled while waiting out a back-off or a connect attempt: take the peer's connection,
    // refusing it would only slow recovery after the router restarts.
    this.timers.stop();
    this.conns.closeConnecting('superseded');
    this.sendOpen(this.addConn('incoming', socket), 'incoming connection accepted');
  }

  // ---- Carrying out the FSM's decisions -------------------------------------------------------

  /** Idle or Active, at start or when the back-off ends: dial the peer or wait for it. */
  private automaticStart(reason: string): void {
    if (!this.running) return;
    if (fsm.idle(this.config.mode) === 'Connect') {
      const socket = this.deps.connector(dialTarget(this.config));
      const conn = this.addConn('outgoing', socket);
      socket.on('connect', () => {
        if (conn.closed) return;
        this.timers.stopConnectRetry();
        this.apply(conn, fsm.connect('tcp-connected'));
      });
      this.timers.startConnectRetry();
    }
    this.updateState(reason);
  }

  private onConnectRetryExpired(): void {
    const t = fsm.connect('connect-retry-expired');
    this.conns.closeConnecting(t.reason);
    if (this.conns.all.length === 0) this.automaticStart(t.reason);
  }

  /** Moves `conn` where its state's handler decided. */
  private apply(conn: Connection, t: fsm.Transition): void {
    if (t.next === 'Idle') return this.fail(conn, t.notification, t.reason);
    if (t.next === 'OpenSent') return this.sendOpen(conn, t.reason);
    if (t.next === 'OpenConfirm') return this.confirm(conn, t.open, t.negotiated, t.reason);
    if (t.next === 'Established' && conn.state === 'OpenConfirm') this.onEstablished(conn, t.reason);
  }

  private addConn(direction: Connection['direction'], socket: BgpConnection): Connection {
    return this.conns.add(direction, socket, {
      inbound: (conn) => ({
        message: (msg) => this.onMessage(conn, msg),
        wireError: (err) => this.onWireError(conn, err),
        updateTooEarly: () => this.apply(conn, fsm.unexpectedMessage(conn.state, 'UPDATE')),
      }),
      gone: (conn, reason) => this.onSocketGone(conn, reason),
      holdExpired: (conn) => this.apply(conn, fsm.holdTimerExpired()),
    });
  }

  private sendOpen(conn: Connection, reason: string): void {
    this.conns.write(conn, wire.encodeOpen(sessionOpen(this.config, this.restarting)));
    conn.waitForOpen();
    this.updateState(reason);
  }

  /** The peer's OPEN is acceptable: collision detection (§6.8), then OpenConfirm. */
  private confirm(conn: Connection, open: wire.OpenMessage, negotiated: Negotiated, reason: string): void {
    if (!this.conns.survivesCollision(conn, { local: this.config.routerId, remote: open.bgpId })) return;
    conn.confirm(open, negotiated);
    conn.framer.setMaxMessageSize(wire.maxMessageSize(negotiated.codec));
    this.conns.write(conn, wire.encodeKeepalive());
    this.updateState(reason);
  }

  private onEstablished(conn: Connection, reason: string): void {
    conn.establish();
    this.conns.closeAllBut(conn);
    const n = conn.negotiated!;
    this.timers.resetBackoff();
    this.restarting = false;
    this.stats.establishedCount++;
    this.announcer.attach({ negotiated: n, write: (data, cb) => this.conns.write(conn, data, cb) });
    this.updateState(reason);
    const { event, warning } = establishedReports({
      peer: this.name,
      peerRouterId: conn.remoteOpen!.bgpId,
      configured: this.config.families,
      announced: announcedFamilies(this.config.families, n),
      slot: this.config.slot !== undefined,
      n,
    });
    this.emit('established', event);
    if (warning) this.emit('warning', { peer: this.name, message: warning });
    this.announcer.sendFirstTable();
  }

  private onSocketGone(conn: Connection, reason: string): void {
    if (conn.closed) return;
    this.conns.close(conn, undefined, reason);
    if (conn.state !== 'Connect') return this.connectionDown(reason);
    // RFC 4271 Connect -> Active (Event 18): the peer may still dial us; we retry after the back-off.
    if (this.conns.all.length === 0 && this.running) this.retryLater(reason, 'Active');
  }

  /** Fails the connection; the session too unless another connection got the peer's OPEN. */
  private fail(conn: Connection, notification: wire.NotificationMessage | undefined, reason: string): void {
    this.conns.close(conn, notification, reason);
    this.connectionDown(reason);
  }

  private connectionDown(reason: string): void {
    if (!this.conns.anyOpen()) this.sessionDown(reason, true);
  }

  private sessionDown(reason: string, reconnect: boolean): void {
    const wasEstablished = this.announcer.detach(reconnect && this.running);
    this.received.clear();
    if (wasEstablished) this.stats.lastDownReason = reason;
    if (reconnect && this.running) this.retryLater(reason, 'Idle');
    else this.updateState(reason);
  }

  private retryLater(reason: string, waitIn: 'Idle' | 'Active'): void {
    const delay = this.timers.retryLater(waitIn);
    this.updateState(`${reason}; retry in ${delay} ms`);
  }

  // ---- Receiving ------------------------------------------------------------------------------

  private onWireError(conn: Connection, err: wire.BgpWireError): void {
    const t = fsm.malformedMessage(conn.state, err);
    if (t.next === 'Idle') {
      this.deps.logger.warn({ peer: this.name, err: err.message }, 'malformed message from peer');
      return this.apply(conn, t);
    }
    conn.restartHold();
    this.received.malformedUpdate(err);
  }

  private onMessage(conn: Connection, msg: wire.BgpMessage): void {
    conn.restartHold();
    if (msg.type === 'notification') this.conns.notified('received', msg);
    const t = fsm.onMessage(conn.state, msg, this.fsmContext);
    if (t.next !== 'Established' || conn.state !== 'Established') return this.apply(conn, t);
    if (msg.type === 'update') this.received.update(msg);
    if (msg.type === 'route-refresh' && msg.subtype === wire.RouteRefreshSubtype.Normal) {
      this.announcer.routeRefresh(msg.afi, msg.safi);
    }
  }

  // ---- State ----------------------------------------------------------------------------------

  /**
   * The furthest connection's state (two exist only during a collision); without one, Idle when
   * stopped, else where the back-off is waited out, else where Idle's handler leads.
   */
  private sessionState(): SessionState {
    const s = fsm.furthest(this.conns.all.map((c) => c.state));
    if (s) return s;
    if (!this.running) return 'Idle';
    return this.timers.waitingIn ?? fsm.idle(this.config.mode);
  }

  private updateState(reason: string): void {
    this.report.decided(this.sessionState(), reason);
  }
}
