import { ClosingSockets } from './closing-sockets.js';
import { collisionLoser, type ConnDirection } from './collision.js';
import { Connection } from './connection.js';
import { readMessages, type InboundHandlers } from './inbound.js';
import type { EmitSessionEvent, SessionStats } from './session-events.js';
import type { BgpConnection } from './transport.js';
import type { Clock } from '../util/clock.js';
import type { Log } from '../util/log.js';
import { cease } from './fsm/stop.js';
import { CeaseSubcode, encodeKeepalive, encodeNotification, type NotificationMessage } from './wire/index.js';

interface ConnectionEvents {
  /** What arrives on a connection (see readMessages), less the count kept here. */
  inbound(conn: Connection): Omit<InboundHandlers, 'counted'>;
  /** The socket closed or failed on its own. */
  gone(conn: Connection, reason: string): void;
  holdExpired(conn: Connection): void;
}

/**
 * The TCP connections of one session (two only while a collision is resolved) and the sockets
 * being closed: writing with the message count, closing with or without NOTIFICATION.
 */
export class Connections {
  private readonly list: Connection[] = [];
  private nextId = 1;
  private readonly closing: ClosingSockets;

  constructor(
    private readonly deps: {
      peer: string;
      clock: Clock;
      logger: Log;
      stats: SessionStats;
      emit: EmitSessionEvent;
      openHoldMs: number;
    },
  ) {
    this.closing = new ClosingSockets(deps);
  }

  get all(): readonly Connection[] {
    return this.list;
  }

  /** Whether nothing is open or closing: a stop has nothing to do. */
  get idle(): boolean {
    return this.list.length === 0 && this.closing.size === 0;
  }

  established(): Connection | undefined {
    return this.list.find((c) => c.state === 'Established');
  }

  /** Whether a connection got past Connect: then the session is not down with one that fails. */
  anyOpen(): boolean {
    return this.list.some((c) => c.state !== 'Connect');
  }

  /** RFC 4271 §6.8: a connection colliding with an Established one is closed; more than two is abuse. */
  refusesIncoming(): boolean {
    return this.established() !== undefined || this.list.filter((c) => c.state !== 'Connect').length >= 2;
  }

  /** Closes every connection still in Connect: nothing was sent on them. */
  closeConnecting(reason: string): void {
    for (const c of this.list.filter((x) => x.state === 'Connect')) this.close(c, undefined, reason);
  }

  /**
   * RFC 4271 §6.8 on an OPEN from `remoteId` arriving on `conn`: closes the loser of a collision
   * with Cease/Connection Collision Resolution; returns whether `conn` survives.
   */
  survivesCollision(conn: Connection, ids: { local: string; remote: string }): boolean {
    const collision = collisionLoser(conn, this.list, ids);
    if (!collision) return true;
    const { loser, outcome } = collision;
    if ('keep' in outcome) {
      this.deps.logger.info({ peer: this.deps.peer, keep: outcome.keep }, 'connection collision resolved');
    }
    this.close(loser, cease(CeaseSubcode.ConnectionCollisionResolution), outcome.reason);
    return loser !== conn;
  }

  /** `conn` reached Established: every other connection goes (§6.8), with a Cease if it had an OPEN. */
  closeAllBut(conn: Connection): void {
    for (const c of this.list.filter((x) => x !== conn)) {
      const notify = c.state === 'Connect' ? undefined : cease(CeaseSubcode.ConnectionCollisionResolution);
      this.close(c, notify, 'another connection reached Established');
    }
  }

  add(direction: ConnDirection, socket: BgpConnection, on: ConnectionEvents): Connection {
    const conn: Connection = new Connection(
      this.nextId++,
      direction,
      socket,
      this.deps.clock,
      { holdExpired: () => on.holdExpired(conn), keepaliveDue: () => this.write(conn, encodeKeepalive()) },
      this.deps.openHoldMs,
    );
    this.list.push(conn);
    const inbound = { ...on.inbound(conn), counted: () => this.deps.stats.messagesReceived++ };
    socket.on('data', (chunk) => readMessages(conn, chunk, inbound));
    socket.on('error', (err) => on.gone(conn, `TCP error: ${err.message}`));
    socket.on('close', () => on.gone(conn, 'TCP connection closed by peer'));
    return conn;
  }

  write(conn: Connection, data: Buffer, cb?: () => void): void {
    if (conn.closed) return;
    this.deps.stats.messagesSent++;
    conn.socket.write(data, cb);
  }

  /** Sends `notification` if given, closes the socket and forgets the connection. */
  close(conn: Connection, notification: NotificationMessage | undefined, reason: string): void {
    if (conn.closed) return;
    if (notification) {
      this.write(conn, encodeNotification(notification));
      this.notified('sent', notification);
    }
    conn.closed = true;
    conn.stopTimers();
    this.list.splice(this.list.indexOf(conn), 1);
    this.deps.logger.debug({ peer: this.deps.peer, conn: conn.id, reason }, 'closing BGP connection');
    if (notification) this.closing.release(conn.socket);
    else conn.socket.destroy();
  }

  /** Refuses a socket that never became a connection of ours (§6.8: one too many). */
  refuse(socket: BgpConnection): void {
    this.deps.stats.messagesSent++;
    socket.write(encodeNotification(cease(CeaseSubcode.ConnectionCollisionResolution)));
    this.closing.release(socket);
  }

  /** Reports a NOTIFICATION we sent or received. */
  notified(direction: 'sent' | 'received', n: NotificationMessage): void {
    this.deps.emit('notification', {
      peer: this.deps.peer,
      direction,
      code: n.code,
      subcode: n.subcode,
      ...(n.shutdownCommunication !== undefined ? { shutdownCommunication: n.shutdownCommunication } : {}),
    });
  }

  /** Resolves once every connection and every socket being closed is closed. */
  allClosed(): Promise<void> {
    return this.closing.allClosed(this.list.map((c) => c.socket));
  }

  /** Destroys every socket at once; returns what was still open, for the log. */
  destroyAll(): string[] {
    const open = [
      ...this.list.map((c) => `${this.deps.peer}: ${c.direction} connection in ${c.state}`),
      ...Array.from(
        { length: this.closing.size },
        () => `${this.deps.peer}: a connection that got our NOTIFICATION and was not closed`,
      ),
    ];
    for (const c of [...this.list]) this.close(c, undefined, 'aborted');
    this.closing.destroyAll();
    return open;
  }
}
