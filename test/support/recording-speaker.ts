import { EventEmitter } from 'node:events';
import type { BgpSpeaker } from '../../src/bgp/index.js';
import { SpeakerAnnouncer } from '../../src/app/engine/speaker-announcer.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { PlannedRoute } from '../../src/sync/plan-types.js';

/** The routes a speaker was told to hold, by prefix: what the router ends up with. No sessions. */
export class RecordingSpeaker extends EventEmitter {
  readonly routes = new Map<string, PlannedRoute>();
  setRoutes(_peer: string, routes: readonly PlannedRoute[]): void {
    this.routes.clear();
    for (const r of routes) this.routes.set(r.prefix.text, r);
  }
  updateRoutes(_peer: string, change: { upsert: readonly PlannedRoute[]; remove: readonly string[] }): void {
    for (const prefix of change.remove) this.routes.delete(prefix);
    for (const r of change.upsert) this.routes.set(r.prefix.text, r);
  }
  /** No sessions: the routes are only recorded (the engine asks for them after each plan). */
  peers(): [] {
    return [];
  }
  initialTableComplete(): void {}
  async stop(): Promise<void> {}
  /** Prefix -> the services it is announced for. */
  held(): Record<string, string[]> {
    return Object.fromEntries(
      [...this.routes].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, r]) => [p, r.services]),
    );
  }
}

/**
 * The engine's SpeakerAnnouncer over a speaker that only records what it was told, for unit
 * tests of what the router ends up with (the routes the announcer hands over, whole or in part).
 */
export function recordingAnnouncer(): { speaker: RecordingSpeaker; announcer: SpeakerAnnouncer } {
  const speaker = new RecordingSpeaker();
  // Outside start and peer changes the announcer calls only setRoutes, updateRoutes, and for the
  // engine initialTableComplete, peers, on (session events, none here) and stop.
  const announcer = new SpeakerAnnouncer(speaker as unknown as BgpSpeaker, [], silentLogger());
  return { speaker, announcer };
}
