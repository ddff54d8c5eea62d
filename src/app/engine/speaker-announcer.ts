import type { Logger } from 'pino';
import type { BgpSpeaker, SpeakerPeer } from '../../bgp/index.js';
import type { PeerConfig } from '../../config/model.js';
import type { PlannedRoute } from '../../sync/plan-types.js';
import { changedPart } from '../../sync/planner/list-changes.js';
import { sizeOf, valuesOf, type Listed } from '../../util/listed.js';
import type { PeerSessions } from './peer-sessions.js';
import type { SessionStatus } from '../../sync/run-status.js';
import type { RouteAnnouncer, ShutdownMode } from './ports.js';

/** How long a re-announcement waits for the speaker to send its withdrawal half. */
const RESEND_FALLBACK_MS = 2000;

/**
 * The engine's RouteAnnouncer over our BgpSpeaker. The speaker offers "the set each peer should
 * have", which is all the engine needs for planning; the two repairs that need more are built
 * from that set:
 * - resend: the speaker only sends differences, so the missing prefixes are taken out of the set
 *   (their withdrawal goes out, harmless for a route the router lost) and put back as soon as
 *   that UPDATE is written, which announces them again. Other routes are not touched.
 * - withdraw of prefixes we never sent on this session (stale copies): the speaker cannot send a
 *   withdrawal for a path it does not hold, so the session is restarted; the router then keeps
 *   exactly what we send after the restart.
 */
export class SpeakerAnnouncer implements RouteAnnouncer, PeerSessions {
  private readonly desired = new Map<string, Listed<PlannedRoute>>();
  /**
   * Peers between removePeer and addPeer of a session restart: the speaker does not know them, so
   * route changes are only remembered and handed over when the peer is back.
   */
  private readonly restarting = new Set<string>();
  private readonly peers: Map<string, SpeakerPeer>;
  private readonly log: Logger;

  /** `toSpeakerPeer`: a peer of a new config as the speaker takes it (speaker-setup's speakerPeer). */
  constructor(
    private readonly speaker: BgpSpeaker,
    peers: readonly SpeakerPeer[],
    logger: Logger,
    private readonly toSpeakerPeer: (peer: PeerConfig) => SpeakerPeer = (p) => p,
  ) {
    this.peers = new Map(peers.map((p) => [p.name, p]));
    this.log = logger.child({ component: 'announcer' });
  }

  /** Adds every peer to the speaker; their sessions start connecting. */
  start(): void {
    for (const p of this.peers.values()) this.speaker.addPeer(p);
  }

  /**
   * Hands the speaker only the part of the set that changed: the routes the planner recorded as
   * changed (src/sync/planner/list-changes.ts), else the changed middle, so the speaker's cost
   * stays at the size of the change instead of the table.
   */
  setRoutes(peer: string, routes: Listed<PlannedRoute>): void {
    const before = this.desired.get(peer);
    this.desired.set(peer, routes);
    if (this.restarting.has(peer)) return;
    if (before === undefined) return this.speaker.setRoutes(peer, valuesOf(routes));
    const [old, now] = changedPart(before, routes);
    if (old.length === 0 && now.length === 0) return;
    // A re-planned table: the whole set is as cheap and lets the speaker start afresh.
    if (old.length + now.length > sizeOf(routes)) return this.speaker.setRoutes(peer, valuesOf(routes));
    const kept = new Set(now.map((r) => r.prefix.text));
    this.speaker.updateRoutes(peer, {
      upsert: now,
      remove: old.filter((r) => !kept.has(r.prefix.text)).map((r) => r.prefix.text),
    });
  }

  /** The whole set the peer should have, for the speaker to start from. */
  private wanted(peer: string): readonly PlannedRoute[] {
    return valuesOf(this.desired.get(peer) ?? []);
  }

  initialRoutesSet(): void {
    this.speaker.initialTableComplete();
  }

  resend(peer: string, prefixes: readonly string[]): void {
    // A restarting session announces the whole set when it is back.
    if (this.restarting.has(peer)) return;
    const drop = new Set(prefixes);
    const restore = () => {
      clearTimeout(fallback);
      this.speaker.off('routes-sent', onSent);
      if (!this.restarting.has(peer)) this.speaker.setRoutes(peer, this.wanted(peer));
    };
    // Any of the peer's sessions (path slots) sending means the withdrawal half went out.
    const onSent = (e: { peer: string }) => {
      if (this.speaker.peerOf(e.peer) === peer) restore();
    };
    const fallback = setTimeout(restore, RESEND_FALLBACK_MS);
    this.speaker.on('routes-sent', onSent);
    this.speaker.setRoutes(
      peer,
      this.wanted(peer).filter((r) => !drop.has(r.prefix.text)),
    );
  }

  withdraw(peer: string, prefixes: readonly string[]): void {
    const config = this.peers.get(peer);
    if (!config || this.restarting.has(peer)) return;
    this.log.warn(
      { peer, prefixes },
      'restarting the session to clear routes the router holds from us that we did not send',
    );
    this.restartSessions(config).catch((err: unknown) =>
      this.log.error({ err, peer }, 'restarting the session failed'),
    );
  }

  addPeer(peer: PeerConfig): void {
    const speakerPeer = this.toSpeakerPeer(peer);
    this.speaker.addPeer(speakerPeer);
    this.peers.set(peer.name, speakerPeer);
  }

  async removePeer(peer: string): Promise<void> {
    this.peers.delete(peer);
    this.desired.delete(peer);
    await this.speaker.removePeer(peer);
  }

  async resetPeer(peer: PeerConfig): Promise<void> {
    const speakerPeer = this.toSpeakerPeer(peer);
    this.peers.set(peer.name, speakerPeer);
    await this.restartSessions(speakerPeer);
  }

  /**
   * Ends the peer's sessions and starts them again with `config`, then hands over the routes it
   * should have; route changes meanwhile are only remembered (see `restarting`).
   */
  private async restartSessions(config: SpeakerPeer): Promise<void> {
    this.restarting.add(config.name);
    try {
      await this.speaker.removePeer(config.name);
      this.speaker.addPeer(config);
      this.speaker.setRoutes(config.name, this.wanted(config.name));
    } finally {
      this.restarting.delete(config.name);
    }
  }

  sessions(): SessionStatus[] {
    return this.speaker.peers().flatMap((s) => {
      const config = this.peers.get(s.peer);
      if (!config) return [];
      return [
        {
          peer: s.peer,
          ...(s.slot !== undefined ? { session: s.name } : {}),
          peerAddress: s.peerAddress,
          peerPort: config.peerPort,
          state: s.state,
          established: s.state === 'Established',
          announcedPrefixes: s.state === 'Established' ? s.stats.pathsAdvertised : 0,
        },
      ];
    });
  }

  onSessionChange(listener: (status: SessionStatus) => void): () => void {
    const onState = (e: { peer: string }) => {
      const status = this.sessions().find((s) => (s.session ?? s.peer) === e.peer);
      if (status) listener(status);
    };
    this.speaker.on('state', onState);
    return () => this.speaker.off('state', onState);
  }

  /**
   * keep-routes closes our TCP connections without a NOTIFICATION: the speaker advertises graceful
   * restart without the N bit (RFC 8538), so a Cease would make the router drop our routes, while
   * a lost connection lets it keep them as stale for the restart time. withdraw sends the
   * withdrawals, then Cease.
   */
  async shutdown(mode: ShutdownMode): Promise<void> {
    await this.speaker.stop({
      withdraw: mode === 'withdraw',
      keepRoutes: mode === 'keep-routes',
      message: 'cluster-router-sync exiting',
    });
  }
}
