import {
  AdjRibOut,
  validateDesiredRoutes,
  validateRouteDelta,
  type RibChanges,
  type RouteDelta,
} from './adj-rib-out.js';
import { familyOfAfi, type Negotiated } from './capabilities.js';
import { PathIdAllocator } from './path-ids.js';
import {
  joinUpdates,
  offeredExpectation,
  prepareTable,
  usablePrepared,
  type EncodedUpdates,
  type PreparedTable,
} from './prepared-table.js';
import type { AddressFamily, DesiredRoute } from './routes.js';
import type { SessionConfig } from './session-config.js';
import type { EmitSessionEvent, RoutesSentEvent, SessionStats } from './session-events.js';
import { encodeRibChanges, encodeRouteRefreshMarker } from './update-builder.js';
import { Timer, type Clock } from '../util/clock.js';
import { createContext, encodeEndOfRib, RouteRefreshSubtype, Safi } from './wire/index.js';

/** The session settings that decide what goes out (see SessionConfig). */
type AnnouncerConfig = Pick<
  SessionConfig,
  'name' | 'localAsn' | 'peerAsn' | 'families' | 'addPath' | 'slot' | 'batchWindowMs' | 'awaitInitialTable'
>;

interface AnnouncerDeps {
  clock: Clock;
  stats: SessionStats;
  emit: EmitSessionEvent;
}

/** The Established connection as the announcer sees it: what it negotiated and how to write to it. */
interface EstablishedLink {
  negotiated: Negotiated;
  /** Writes one message (or several joined) and counts it; `cb` once the bytes left. */
  write(data: Buffer, cb?: () => void): void;
}

/** The families we announce on a session that negotiated `n`, in our configured order. */
export function announcedFamilies(families: readonly AddressFamily[], n: Negotiated): AddressFamily[] {
  return families.filter((f) => n.families.has(f));
}

/**
 * What one peer should have and what it was sent: the desired set, the Adj-RIB-Out of the
 * Established session, the table prepared while no session is up, batching, End-of-RIB and
 * route-refresh answers. The FSM tells it when a session comes up and goes down; it never reads
 * sockets or changes the session's state.
 */
export class PeerAnnouncer {
  private pathIds = new PathIdAllocator();
  /** The desired set as last given whole; undefined once a delta changed it (see `desired`). */
  private desiredList: readonly DesiredRoute[] | undefined = [];
  /** The desired set by prefix, built on the first delta after a whole set. */
  private desiredByPrefix: Map<string, DesiredRoute> | undefined;
  /** When routes last went out, so a change that arrives alone is not held for the window. */
  private lastFlushAt = -Infinity;
  private link: EstablishedLink | undefined;
  private rib: AdjRibOut | undefined;
  private prepared: PreparedTable | undefined;
  /** Whether attach() already sent the prepared table (and End-of-RIB). */
  private sentPrepared = false;
  /** The last session's negotiation: the best guess for the next one. */
  private lastNegotiated: Negotiated | undefined;
  /** Whether the owner declared the first table complete (see SessionConfig.awaitInitialTable). */
  private tableComplete: boolean;
  private readonly flushTimer: Timer;

  constructor(
    private readonly config: AnnouncerConfig,
    private readonly deps: AnnouncerDeps,
  ) {
    this.tableComplete = !(config.awaitInitialTable ?? false);
    this.flushTimer = new Timer(deps.clock, () => this.flush('update'));
  }

  /** Replaces the routes this peer should have; sent after the batching window when Established. */
  setDesiredRoutes(routes: readonly DesiredRoute[]): void {
    validateDesiredRoutes(routes, this.config.name);
    this.desiredList = routes;
    this.desiredByPrefix = undefined;
    this.prepared = undefined;
    if (!this.rib) return this.prepare();
    this.rib.setDesiredRoutes(routes, { alreadyValidated: true });
    this.scheduleFlush();
  }

  /** Changes only these prefixes of the desired set; the rest stays as it is. */
  updateDesiredRoutes(delta: RouteDelta): void {
    validateRouteDelta(delta, this.config.name);
    const byPrefix = (this.desiredByPrefix ??= new Map(this.desired.map((r) => [r.prefix.text, r])));
    for (const prefix of delta.remove) byPrefix.delete(prefix);
    for (const route of delta.upsert) byPrefix.set(route.prefix.text, route);
    this.desiredList = undefined;
    this.prepared = undefined;
    if (!this.rib) return this.prepare();
    this.rib.updateDesiredRoutes(delta, { alreadyValidated: true });
    this.scheduleFlush();
  }

  /**
   * The owner's first table is complete: an Established session sends the whole table, then
   * End-of-RIB per negotiated family; a session that comes up later does so at once.
   */
  initialTableComplete(): void {
    if (this.tableComplete) return;
    this.tableComplete = true;
    if (!this.link || !this.rib) return;
    this.flush('initial');
    this.sendEndOfRib(this.link);
  }

  /**
   * A session is Established on `link`. A prepared table that fits its negotiation goes out at
   * once, before the session reports anything; otherwise sendFirstTable() sends it afterwards.
   */
  attach(link: EstablishedLink): void {
    const n = link.negotiated;
    const ribOptions = {
      families: n.families,
      addPathFamilies: n.addPathSend,
      peer: this.config.name,
      ...(this.config.slot ? { slot: this.config.slot } : {}),
    };
    const prepared = this.tableComplete ? usablePrepared(this.prepared, this.desired, n) : undefined;
    this.link = link;
    this.lastNegotiated = n;
    this.prepared = undefined;
    this.sentPrepared = prepared !== undefined;
    if (prepared) {
      // Encoded while no session was up, the table goes out before anything else is done or told.
      this.pathIds = prepared.pathIds;
      this.rib = prepared.rib.rebind({ ...ribOptions, pathIds: this.pathIds });
      this.flush('initial', prepared);
      this.sendEndOfRib(link);
    } else {
      this.rib = new AdjRibOut({ ...ribOptions, pathIds: this.pathIds });
    }
  }

  /** The first table and End-of-RIB of a session attach() had no prepared table for. */
  sendFirstTable(): void {
    if (!this.link || !this.rib || this.sentPrepared) return;
    this.rib.setDesiredRoutes(this.desired, { alreadyValidated: true });
    if (!this.tableComplete) return;
    this.flush('initial');
    this.sendEndOfRib(this.link);
  }

  /**
   * The session went down; returns whether it had been Established. With `reconnecting`, the
   * table for the next session is prepared now, while nothing else is being sent.
   */
  detach(reconnecting: boolean): boolean {
    const wasEstablished = this.rib !== undefined;
    this.link = undefined;
    this.rib = undefined;
    this.flushTimer.stop();
    this.deps.stats.pathsAdvertised = 0;
    if (wasEstablished && reconnecting) this.prepare();
    return wasEstablished;
  }

  /** Withdraws everything sent (an administrative stop that asked for it). */
  withdrawAll(): void {
    if (this.link && this.rib) this.sendChanges(this.link, this.rib.withdrawAll(), 'withdraw-all');
  }

  /** A ROUTE-REFRESH request (RFC 2918) for AFI/SAFI: resend what the peer has of that family. */
  routeRefresh(afi: number, safi: number): void {
    const link = this.link;
    const family = familyOfAfi(afi);
    if (!link || !this.rib || family === undefined || safi !== Safi.Unicast) return;
    const n = link.negotiated;
    if (!n.families.has(family)) return;
    // Before the first table an answer would be empty, and an empty refresh ends with the peer
    // purging our stale routes (RFC 7313 §4); the whole table and End-of-RIB follow anyway.
    if (!this.tableComplete) return;
    if (this.rib.pending) this.flush('update');
    if (n.enhancedRouteRefresh)
      link.write(encodeRouteRefreshMarker(family, RouteRefreshSubtype.BeginningOfRouteRefresh));
    this.sendChanges(link, this.rib.sentTable(family), 'refresh');
    if (n.enhancedRouteRefresh)
      link.write(encodeRouteRefreshMarker(family, RouteRefreshSubtype.EndOfRouteRefresh));
  }

  private get desired(): readonly DesiredRoute[] {
    return (this.desiredList ??= [...this.desiredByPrefix!.values()]);
  }

  /**
   * Builds and encodes the table for the negotiation we expect: the last session's, else the peer
   * taking everything we offer. Only when no session is up: an Established one sends changes.
   */
  private prepare(): void {
    const c = this.config;
    const expected =
      this.lastNegotiated ??
      offeredExpectation({
        families: c.families,
        addPathSend: c.addPath.send,
        codec: createContext({
          fourOctetAs: true,
          extendedMessage: true,
          addPath: {
            send: { ipv4: c.addPath.send, ipv6: c.addPath.send },
            receive: { ipv4: false, ipv6: false },
          },
          ibgp: c.peerAsn === c.localAsn,
        }),
      });
    this.prepared = prepareTable(this.desired, {
      peer: c.name,
      localAsn: c.localAsn,
      ...(c.slot ? { slot: c.slot } : {}),
      expected,
      pathIds: this.pathIds,
    });
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

  private flush(cause: RoutesSentEvent['cause'], prepared?: PreparedTable): void {
    this.flushTimer.stop();
    const link = this.link;
    if (!link || !this.rib || !this.tableComplete) return;
    this.lastFlushAt = this.deps.clock.now();
    if (prepared) this.sendChanges(link, prepared.changes, cause, prepared.updates);
    else this.sendChanges(link, this.rib.takeChanges(), cause);
    const held = this.rib.heldBack;
    if (held.length > 0) {
      this.deps.emit('warning', {
        peer: this.config.name,
        message: `${held.length} route(s) of a family the peer did not negotiate are not announced`,
      });
    }
  }

  /** End-of-RIB per family (RFC 4724 §2): lets a graceful-restart helper drop our stale routes. */
  private sendEndOfRib(link: EstablishedLink): void {
    for (const f of announcedFamilies(this.config.families, link.negotiated)) link.write(encodeEndOfRib(f));
  }

  private sendChanges(
    link: EstablishedLink,
    changes: RibChanges,
    cause: RoutesSentEvent['cause'],
    encoded?: EncodedUpdates,
  ): void {
    const stats = this.deps.stats;
    const updates =
      encoded ??
      joinUpdates(encodeRibChanges(changes, { ctx: link.negotiated.codec, localAsn: this.config.localAsn }));
    const announced = changes.announcements.reduce((n, g) => n + g.nlri.length, 0);
    const withdrawn = changes.withdrawals.reduce((n, g) => n + g.nlri.length, 0);
    stats.updatesSent += updates.count;
    stats.prefixesAnnounced += announced;
    stats.prefixesWithdrawn += withdrawn;
    stats.pathsAdvertised = this.rib?.sentPathCount ?? 0;
    if (updates.count === 0) return;
    // One write keeps syscalls few for large tables; the count still reflects every message.
    stats.messagesSent += updates.count - 1;
    link.write(updates.bytes, () =>
      this.deps.emit('routes-sent', { peer: this.config.name, announced, withdrawn, cause }),
    );
  }
}
