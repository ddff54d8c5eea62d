import { isIP, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { PeerConfig } from '../config/model.js';
import type { ReceivedRoute } from './adj-rib-in.js';
import { validateDesiredRoutes, validateRouteDelta, type PathSlot, type RouteDelta } from './adj-rib-out.js';
import type { BackoffOptions } from '../util/backoff.js';
import { unrefClock as systemClock, type Clock } from '../util/clock.js';
import {
  DuplicatePeerError,
  InvalidPeerConfigError,
  ListenError,
  SpeakerStoppedError,
  UnknownPeerError,
} from './errors.js';
import { silentLog as silentLogger, type Log as BgpLogger } from '../util/log.js';
import { PathSlotTable } from './path-slots.js';
import type { AddressFamily, DesiredRoute } from './routes.js';
import { SessionEventEmitter } from './session-events.js';
import { PeerSession, type SessionEvents, type SessionState, type SessionStats } from './session.js';
import { tcpConnector, tuneSocket, type Connector } from './transport.js';
import {
  assertSocketSecuritySupported,
  openSecurableListener,
  removeListenerPeerKey,
  securedConnector,
  secureListenerForPeer,
  socketOptionsAvailable,
  socketSecurityFor,
  type SecurableListener,
  type SocketSecurity,
} from './socket-options.js';

/** The PeerConfig fields a session needs, so a loaded config's peers can be passed as they are. */
export type SpeakerPeer = Pick<
  PeerConfig,
  | 'name'
  | 'peerAddress'
  | 'peerAsn'
  | 'myAsn'
  | 'peerPort'
  | 'holdTimeSec'
  | 'keepaliveTimeSec'
  | 'connectTimeSec'
> &
  Partial<
    Pick<
      PeerConfig,
      | 'routerId'
      | 'sourceAddress'
      | 'sourceAddresses'
      | 'password'
      | 'passwordSecret'
      | 'ebgpMultiHop'
      | 'ttlSecurity'
    >
  > & {
    /** passive: only accept the peer's connection. Default active (we connect, and accept too). */
    mode?: 'active' | 'passive';
    /** Local port for our outgoing connection (default: ephemeral). */
    sourcePort?: number;
  };

export interface SpeakerOptions {
  /** BGP identifier for peers whose config names none. */
  routerId: string;
  /** Where to accept incoming sessions; port 0 picks a free one. Omit to not listen. */
  listen?: { address: string; port: number };
  /** Graceful-restart time we advertise (RFC 4724), seconds; 0 does not advertise the capability. */
  gracefulRestartTimeSec?: number;
  /**
   * This process follows one of ours that had announced routes: the R bit (RFC 4724 §3) goes on
   * each session's OPENs until that session is up. Default false (a first start).
   */
  restarted?: boolean;
  /**
   * Sessions send no routes and no End-of-RIB until initialTableComplete(), so the router, as
   * graceful-restart helper, keeps our stale routes while the first table is being built.
   * Default false: routes go out as soon as a session is up.
   */
  awaitInitialTable?: boolean;
  /**
   * With awaitInitialTable: sessions neither dial nor accept a connection until
   * initialTableComplete(), or this many ms after the speaker was made at the latest. A session
   * brought up and dropped again before its End-of-RIB (a restarted process that fails while it
   * loads) makes FRR 7.5 to 10.3 delete every route of ours still stale instead of keeping it for
   * the restart time (test/engine/lab/restart-fib.test.ts); one never brought up leaves the router
   * as the first restart left it. Keep it well under the restart time, which bounds how long the
   * router waits for a session at all (RFC 4724 section 4.2). Unset: sessions start at once.
   */
  holdSessionsUntilTableMs?: number;
  /** Families offered to every peer (default IPv4 and IPv6). */
  families?: AddressFamily[];
  /** Offer ADD-PATH send, for ECMP towards routers that take it (default true). */
  addPath?: boolean;
  /** Route changes within this window are sent together (default 10 ms). */
  batchWindowMs?: number;
  backoff?: BackoffOptions;
  /**
   * Collector mode: accept a session from any address (as AS `collector.localAsn`), keep what
   * peers announce, and offer ADD-PATH receive.
   */
  collector?: { localAsn: number };
  clock?: Clock;
  connector?: Connector;
  logger?: BgpLogger;
  random?: () => number;
}

export interface PeerStatus {
  /** The session's name: the peer's, or `<peer>#<slot>` for a path slot session. */
  name: string;
  /** The configured peer the session belongs to. */
  peer: string;
  /** The session's path slot (index into the peer's sourceAddresses), for slot sessions. */
  slot?: number;
  sourceAddress?: string;
  peerAddress: string;
  state: SessionState;
  /** Per announced family, once Established: whether ECMP (ADD-PATH) is available on the session. */
  ecmp: Partial<Record<AddressFamily, boolean>>;
  stats: SessionStats;
}

/** One peer's sessions as path slots: what the router can hold of a prefix's next hops. */
export interface PeerSlotsStatus {
  peer: string;
  /** In slot order; a peer with one source address has one session, slot 0. */
  sessions: Array<{
    name: string;
    slot: number;
    sourceAddress?: string;
    state: SessionState;
    /** Per negotiated family, once Established: whether the router takes ADD-PATH on it. */
    addPath: Partial<Record<AddressFamily, boolean>>;
  }>;
  /**
   * Per family we offer: how many next hops of one prefix reach the router now. `all` when the
   * first session carries every path (ADD-PATH); else one per Established session that carries a
   * slot (a slot session with ADD-PATH other than the first carries nothing, see AdjRibOut).
   */
  pathCapacity: Partial<Record<AddressFamily, number | 'all'>>;
  /** Prefixes with more next hops than usable slots, and the next hops no slot carries. */
  uncarried: Map<string, string[]>;
}

export type SpeakerEvents = SessionEvents;

/**
 * A configured peer: one session, or with several source addresses one session per address, each
 * a path slot (see path-slots.ts) named `<peer>#<slot>`.
 */
interface PeerGroup {
  peer: SpeakerPeer;
  sessions: PeerSession[];
  /** Slot peers only: the assignment, and the whole desired set to re-feed when it changes. */
  slots?: { table: PathSlotTable; routes: Map<string, DesiredRoute> };
}

/** The session name of path slot `slot` of `peer`. */
function slotSessionName(peer: string, slot: number): string {
  return `${peer}#${slot}`;
}

/** IPv4 peers seen through a dual-stack socket arrive as ::ffff:a.b.c.d. */
function plainAddress(addr: string | undefined): string {
  return addr?.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : (addr ?? '');
}

/**
 * Our BGP speaker: one session per router peer, fed with "the routes this peer should have".
 * Knows nothing of Kubernetes; the sync engine hands it a plan's per-peer routes.
 */
export class BgpSpeaker extends SessionEventEmitter {
  /** Every session by its name (slot sessions and collector peers included). */
  private readonly sessions = new Map<string, PeerSession>();
  /** Configured peers by name. */
  private readonly groups = new Map<string, PeerGroup>();
  /** The configured peer of each session, by session name. */
  private readonly groupOf = new Map<string, PeerGroup>();
  private server: Server | undefined;
  private listener: SecurableListener | undefined;
  /** Socket options of the peers that ask for any, by peer name. */
  private readonly security = new Map<string, { peerAddress: string; options: SocketSecurity }>();
  private stopped = false;
  private tableComplete: boolean;
  /** Set while sessions wait for the first table (SpeakerOptions.holdSessionsUntilTableMs). */
  private holdTimer: unknown;
  private readonly clock: Clock;
  private readonly connector: Connector;
  private readonly logger: BgpLogger;

  constructor(private readonly opts: SpeakerOptions) {
    super();
    this.clock = opts.clock ?? systemClock;
    this.connector = opts.connector ?? tcpConnector;
    this.logger = opts.logger ?? silentLogger;
    this.tableComplete = !(opts.awaitInitialTable ?? false);
    const holdMs = opts.holdSessionsUntilTableMs;
    if (!this.tableComplete && holdMs !== undefined) {
      this.holdTimer = this.clock.setTimeout(() => {
        this.logger.warn(
          { waitedMs: holdMs },
          'the first table is not ready yet: starting BGP sessions now, so the router does not give up on our graceful restart',
        );
        this.startHeldSessions();
      }, holdMs);
    }
  }

  private startHeldSessions(): void {
    if (this.endHold() && !this.stopped) for (const s of this.sessions.values()) s.start();
  }

  /** Ends the wait for the first table; false when sessions were not held. */
  private endHold(): boolean {
    if (this.holdTimer === undefined) return false;
    this.clock.clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    return true;
  }

  /** Starts accepting sessions; resolves with the bound address (useful with port 0). */
  async listen(): Promise<AddressInfo> {
    if (this.stopped) throw new SpeakerStoppedError();
    const where = this.opts.listen;
    if (!where) throw new ListenError('', 0, { cause: new Error('no listen address configured') });
    const server = createServer({ noDelay: true, keepAlive: false }, (socket) => this.onIncoming(socket));
    // Our own listening socket where we can, so peers' MD5 keys can be set on it (now and later).
    let listener: SecurableListener | undefined;
    try {
      if (isIP(where.address) !== 0 && socketOptionsAvailable())
        listener = openSecurableListener(where.address, where.port);
    } catch (err) {
      throw new ListenError(where.address, where.port, { cause: err });
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new ListenError(where.address, where.port, { cause: err })));
      if (listener) server.listen({ fd: listener.fd }, () => resolve());
      else server.listen(where.port, where.address, () => resolve());
    });
    this.listener = listener;
    for (const [name, peer] of this.security) this.secureListener(name, peer.peerAddress, peer.options);
    server.on('error', (err) => this.logger.error({ err: err.message }, 'BGP listener error'));
    this.server = server;
    return server.address() as AddressInfo;
  }

  private onIncoming(socket: Socket): void {
    tuneSocket(socket);
    const from = plainAddress(socket.remoteAddress);
    const to = plainAddress(socket.localAddress);
    // Slot sessions share the router's address; the router tells them apart by our address.
    const candidates = [...this.sessions.values()].filter((s) => s.config.peerAddress === from);
    let session =
      candidates.length > 1 ? candidates.find((s) => s.config.localAddress === to) : candidates[0];
    if (!session && this.opts.collector && !this.stopped) {
      session = this.createSession(
        {
          name: `dynamic-${from}`,
          peerAddress: from,
          peerAsn: 0,
          myAsn: this.opts.collector.localAsn,
          peerPort: 179,
          holdTimeSec: 90,
          keepaliveTimeSec: 30,
          connectTimeSec: 120,
          mode: 'passive',
        },
        undefined,
      );
      session.start();
    }
    if (!session) {
      this.logger.warn({ from }, 'refusing a BGP connection from an unconfigured address');
      socket.destroy();
      return;
    }
    session.acceptIncoming(socket);
  }

  /** Adds a peer and starts its session (one per source address: path slots). */
  addPeer(peer: SpeakerPeer): void {
    if (this.stopped) throw new SpeakerStoppedError();
    validatePeer(peer);
    const addresses = peer.sourceAddresses ?? [];
    const names = addresses.length > 1 ? addresses.map((_, i) => slotSessionName(peer.name, i)) : [peer.name];
    if (this.groups.has(peer.name)) throw new DuplicatePeerError(peer.name);
    const taken = names.find((n) => this.sessions.has(n));
    if (taken !== undefined) throw new DuplicatePeerError(taken);
    // A peer whose password or TTL cannot be applied is refused here, never run without them.
    const security = socketSecurityFor(peer);
    if (security) assertSocketSecuritySupported(peer.name, security);
    if (security) {
      this.secureListener(peer.name, peer.peerAddress, security);
      this.security.set(peer.name, { peerAddress: peer.peerAddress, options: security });
    }
    const group: PeerGroup = { peer, sessions: [] };
    if (names.length === 1) {
      const source = addresses[0] ?? peer.sourceAddress;
      const single = source === undefined ? peer : { ...peer, sourceAddress: source };
      group.sessions.push(this.createSession(single, peer.peerAsn, security));
    } else {
      const table = new PathSlotTable(names.length);
      group.slots = { table, routes: new Map() };
      addresses.forEach((address, index) => {
        const session = this.createSession(
          { ...peer, name: names[index]!, sourceAddress: address },
          peer.peerAsn,
          security,
          { index, table },
        );
        session.on('state', (e) => this.slotStateChanged(group, index, e.from, e.to));
        if (index === 0) session.on('established', (e) => this.logSlotMode(group, e.ecmp));
        group.sessions.push(session);
      });
    }
    this.groups.set(peer.name, group);
    for (const s of group.sessions) this.groupOf.set(s.name, group);
    if (this.holdTimer === undefined) for (const s of group.sessions) s.start();
  }

  /**
   * A slot whose session went down hands its next hops to free slots until it is back; one that
   * never came up keeps its share, so a start (or graceful restart) is not reshuffled while the
   * sessions come up one by one.
   */
  private slotStateChanged(group: PeerGroup, index: number, from: SessionState, to: SessionState): void {
    if (this.stopped || this.groups.get(group.peer.name) !== group || !group.slots) return;
    const usable = to === 'Established' ? true : from === 'Established' ? false : undefined;
    if (usable === undefined || !group.slots.table.setUsable(index, usable)) return;
    const routes = [...group.slots.routes.values()];
    for (const s of group.sessions) s.setDesiredRoutes(routes);
  }

  /** One line per first-slot session up: which way the peer's paths reach the router. */
  private logSlotMode(group: PeerGroup, ecmp: Partial<Record<AddressFamily, boolean>>): void {
    const peer = group.peer.name;
    const n = group.sessions.length;
    if (Object.values(ecmp).some((on) => on))
      this.logger.info(
        { peer, slots: n },
        `BGP ${peer}: the router takes ADD-PATH on ${slotSessionName(peer, 0)}, which carries every path; the other ${n - 1} slot session(s) are not needed and carry none`,
      );
    else
      this.logger.info(
        { peer, slots: n },
        `BGP ${peer}: the router does not take ADD-PATH; each prefix's next hops are spread over ${n} path slot sessions`,
      );
  }

  /**
   * Sets the peer's MD5 key (and send TTL) on our listening socket, so the peer's own connection
   * attempts are signed too. A listener opened without socket options (no FFI) never coexists
   * with such a peer: adding it already failed.
   */
  private secureListener(name: string, peerAddress: string, security: SocketSecurity): void {
    if (this.listener) secureListenerForPeer(this.listener, name, peerAddress, security);
  }

  private createSession(
    peer: SpeakerPeer,
    expectedAsn: number | undefined,
    security?: SocketSecurity,
    slot?: PathSlot,
  ): PeerSession {
    const gr = this.opts.gracefulRestartTimeSec ?? 120;
    const collector = this.opts.collector !== undefined;
    const session = new PeerSession(
      {
        name: peer.name,
        peerAddress: peer.peerAddress,
        peerPort: peer.peerPort,
        peerAsn: expectedAsn,
        localAsn: peer.myAsn,
        routerId: peer.routerId ?? this.opts.routerId,
        holdTimeSec: peer.holdTimeSec,
        keepaliveTimeSec: peer.keepaliveTimeSec,
        connectRetrySec: peer.connectTimeSec,
        mode: peer.mode ?? 'active',
        ...(peer.sourceAddress !== undefined ? { localAddress: peer.sourceAddress } : {}),
        ...(peer.sourcePort !== undefined ? { localPort: peer.sourcePort } : {}),
        families: this.opts.families ?? [4, 6],
        addPath: { send: this.opts.addPath ?? true, receive: collector },
        ...(slot ? { slot } : {}),
        ...(gr > 0
          ? { gracefulRestart: { restartTimeSec: gr, restarted: this.opts.restarted ?? false } }
          : {}),
        // A peer added after the first table (a session restart) sends its table at once.
        awaitInitialTable: !this.tableComplete,
        keepReceivedRoutes: collector,
        batchWindowMs: this.opts.batchWindowMs ?? 10,
        ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}),
      },
      {
        clock: this.clock,
        connector: security ? securedConnector(peer.name, security) : this.connector,
        logger: this.logger,
        random: this.opts.random ?? Math.random,
      },
    );
    for (const event of [
      'state',
      'established',
      'routes-sent',
      'routes-received',
      'notification',
      'warning',
    ] as const) {
      session.on(event, (e) => this.emit(event, e));
    }
    this.sessions.set(peer.name, session);
    return session;
  }

  /** Stops a peer's sessions (Cease/Peer De-configured) and forgets it. */
  async removePeer(name: string, opts: { withdraw?: boolean } = {}): Promise<void> {
    const group = this.groups.get(name);
    const sessions = group ? group.sessions : [this.session(name)];
    this.groups.delete(name);
    for (const s of sessions) {
      this.sessions.delete(s.name);
      this.groupOf.delete(s.name);
    }
    const secured = this.security.get(name);
    this.security.delete(name);
    if (this.listener && secured?.options.password !== undefined)
      removeListenerPeerKey(this.listener, name, secured.peerAddress);
    await Promise.all(sessions.map((s) => s.stop({ ...opts, deconfigured: true })));
  }

  /** The configured peer a session (as named in events and status) belongs to. */
  peerOf(session: string): string | undefined {
    return this.groupOf.get(session)?.peer.name ?? (this.sessions.has(session) ? session : undefined);
  }

  /** The routes `peer` should have from now on (replaces the previous set). */
  setRoutes(peer: string, routes: readonly DesiredRoute[]): void {
    const group = this.groups.get(peer);
    const slots = group?.slots;
    if (!slots) return this.session(peer).setDesiredRoutes(routes);
    // The slot table is updated once, before the sessions read it, and only with valid routes.
    validateDesiredRoutes(routes, peer);
    slots.table.assignAll(routes);
    slots.routes = new Map(routes.map((r) => [r.prefix.text, r]));
    for (const s of group.sessions) s.setDesiredRoutes(routes);
  }

  /**
   * Changes only these prefixes of what `peer` should have (`upsert` adds or replaces a prefix's
   * route, `remove` takes it out): the same outcome as setRoutes with the edited whole set, at the
   * cost of the change rather than of the table.
   */
  updateRoutes(peer: string, delta: RouteDelta): void {
    const group = this.groups.get(peer);
    const slots = group?.slots;
    if (!slots) return this.session(peer).updateDesiredRoutes(delta);
    validateRouteDelta(delta, peer);
    for (const prefix of delta.remove) {
      slots.table.assign(prefix, []);
      slots.routes.delete(prefix);
    }
    for (const route of delta.upsert) {
      slots.table.assign(route.prefix.text, route.nextHops);
      slots.routes.set(route.prefix.text, route);
    }
    for (const s of group.sessions) s.updateDesiredRoutes(delta);
  }

  peers(): PeerStatus[] {
    return [...this.sessions.values()].map((s) => {
      const n = s.negotiated;
      const ecmp: Partial<Record<AddressFamily, boolean>> = {};
      if (n)
        for (const f of s.config.families.filter((x) => n.families.has(x))) ecmp[f] = n.addPathSend.has(f);
      const group = this.groupOf.get(s.name);
      const slot = group?.slots ? group.sessions.indexOf(s) : undefined;
      return {
        name: s.name,
        peer: group?.peer.name ?? s.name,
        ...(slot !== undefined ? { slot } : {}),
        ...(s.config.localAddress !== undefined ? { sourceAddress: s.config.localAddress } : {}),
        peerAddress: s.config.peerAddress,
        state: s.state,
        ecmp,
        stats: { ...s.stats },
      };
    });
  }

  /** A configured peer's sessions as path slots, and how many next hops the router can hold. */
  pathSlots(peer: string): PeerSlotsStatus {
    const group = this.groups.get(peer);
    if (!group) throw new UnknownPeerError(peer);
    const sessions = group.sessions.map((s, slot) => {
      const n = s.negotiated;
      const addPath: Partial<Record<AddressFamily, boolean>> = {};
      if (n && s.state === 'Established')
        for (const f of s.config.families.filter((x) => n.families.has(x))) addPath[f] = n.addPathSend.has(f);
      return {
        name: s.name,
        slot,
        ...(s.config.localAddress !== undefined ? { sourceAddress: s.config.localAddress } : {}),
        state: s.state,
        addPath,
      };
    });
    const pathCapacity: Partial<Record<AddressFamily, number | 'all'>> = {};
    for (const f of this.opts.families ?? [4, 6]) {
      // The first (or only) session with ADD-PATH carries every path; else each slot one.
      if (sessions[0]?.addPath[f] === true) pathCapacity[f] = 'all';
      else pathCapacity[f] = sessions.filter((s) => s.addPath[f] === false).length;
    }
    return { peer, sessions, pathCapacity, uncarried: group.slots?.table.uncarried() ?? new Map() };
  }

  peer(name: string): PeerStatus {
    const found = this.peers().find((p) => p.name === name);
    if (!found) throw new UnknownPeerError(name);
    return found;
  }

  /**
   * Every peer has its first table (setRoutes for each): sessions now send their whole table,
   * then End-of-RIB per negotiated family (RFC 4724 §4.1). Only with `awaitInitialTable`.
   */
  initialTableComplete(): void {
    this.tableComplete = true;
    for (const s of this.sessions.values()) s.initialTableComplete();
    this.startHeldSessions();
  }

  /** Routes a peer announced to us (collector mode). */
  receivedRoutes(peer: string): ReceivedRoute[] {
    return this.session(peer).receivedRoutes();
  }

  /** Totals over all peers. */
  stats(): {
    messagesSent: number;
    messagesReceived: number;
    prefixesAnnounced: number;
    pathsAdvertised: number;
  } {
    const total = { messagesSent: 0, messagesReceived: 0, prefixesAnnounced: 0, pathsAdvertised: 0 };
    for (const s of this.sessions.values()) {
      total.messagesSent += s.stats.messagesSent;
      total.messagesReceived += s.stats.messagesReceived;
      total.prefixesAnnounced += s.stats.prefixesAnnounced;
      total.pathsAdvertised += s.stats.pathsAdvertised;
    }
    return total;
  }

  /**
   * Clean shutdown and stop listening: optionally withdraw every route first
   * (--withdraw-on-exit), then NOTIFICATION Cease/Administrative Shutdown with `message` to every
   * peer; or, with `keepRoutes`, close the connections without one so the router keeps our routes
   * as stale for the restart time (graceful restart).
   */
  async stop(opts: { withdraw?: boolean; message?: string; keepRoutes?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.endHold();
    const server = this.server;
    this.server = undefined;
    this.listener = undefined;
    const closing = server
      ? new Promise<void>((resolve) => server.close(() => resolve()))
      : Promise.resolve();
    await Promise.all([
      ...[...this.sessions.values()].map((s) =>
        s.stop({
          withdraw: opts.withdraw ?? false,
          message: opts.message ?? 'speaker shutting down',
          keepRoutes: opts.keepRoutes ?? false,
        }),
      ),
      closing,
    ]);
  }

  /**
   * Destroys every socket now, without NOTIFICATION or waiting, and stops listening: for a
   * shutdown past its deadline. Returns what was still open, for the log.
   */
  abort(): string[] {
    this.stopped = true;
    this.endHold();
    this.server?.close();
    this.server = undefined;
    this.listener = undefined;
    return [...this.sessions.values()].flatMap((s) => s.abort());
  }

  private session(name: string): PeerSession {
    const s = this.sessions.get(name);
    if (!s) throw new UnknownPeerError(name);
    return s;
  }
}

function validatePeer(p: SpeakerPeer): void {
  const bad = (field: string, message: string) => new InvalidPeerConfigError(p.name, field, message);
  if (isIP(p.peerAddress) === 0) throw bad('peerAddress', `'${p.peerAddress}' is not an IP address`);
  for (const [field, v] of [
    ['peerAsn', p.peerAsn],
    ['myAsn', p.myAsn],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 0xffffffff) throw bad(field, `${v} is not an AS number`);
  }
  if (!Number.isInteger(p.peerPort) || p.peerPort < 1 || p.peerPort > 65535)
    throw bad('peerPort', `${p.peerPort} is not a port`);
  if (!(p.holdTimeSec === 0 || (p.holdTimeSec >= 3 && p.holdTimeSec <= 65535))) {
    throw bad('holdTimeSec', `${p.holdTimeSec} must be 0 or 3..65535 (RFC 4271)`);
  }
  if (p.routerId !== undefined && isIP(p.routerId) !== 4)
    throw bad('routerId', `'${p.routerId}' is not a dotted quad`);
  if (p.sourceAddress !== undefined && isIP(p.sourceAddress) === 0) {
    throw bad('sourceAddress', `'${p.sourceAddress}' is not an IP address`);
  }
  const addresses = p.sourceAddresses;
  if (addresses !== undefined) {
    if (addresses.length === 0) throw bad('sourceAddresses', 'lists no address');
    addresses.forEach((a, i) => {
      if (isIP(a) !== isIP(p.peerAddress))
        throw bad(`sourceAddresses[${i}]`, `'${a}' is not an address of the peer's family`);
      if (addresses.indexOf(a) !== i) throw bad(`sourceAddresses[${i}]`, `'${a}' is listed twice`);
    });
  }
}
