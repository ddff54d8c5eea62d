import type { PeerConfig } from '../../config/model.js';

/**
 * The speaker's peers as a config change needs them: added, removed, or reset with new settings.
 * Kept apart from RouteAnnouncer, which the engine needs on every plan; this only on a change.
 */
export interface PeerSessions {
  /** Starts the peer's session(s); its routes come with the next setRoutes. */
  addPeer(peer: PeerConfig): void;
  /** Ends the peer's session(s) with a Cease (Peer De-configured, RFC 4486) and forgets the peer. */
  removePeer(peer: string): Promise<void>;
  /**
   * Replaces the peer's settings: its session(s) end and start again with them, carrying the
   * routes it had; no other peer's session is touched.
   */
  resetPeer(peer: PeerConfig): Promise<void>;
}
