import type { SessionConfig } from '../../../src/bgp/session.js';

/**
 * The active session the unit tests drive over the fake connector: local AS 64500 towards the
 * router at 192.168.201.1 (AS 64501), IPv4 only, sending ADD-PATH; `over` changes what one test
 * is about.
 */
export function testSessionConfig(over: Partial<SessionConfig> = {}): SessionConfig {
  return {
    name: 'router',
    peerAddress: '192.168.201.1',
    peerPort: 179,
    peerAsn: 64501,
    localAsn: 64500,
    routerId: '192.168.201.2',
    holdTimeSec: 90,
    keepaliveTimeSec: 30,
    connectRetrySec: 30,
    mode: 'active',
    families: [4],
    addPath: { send: true, receive: false },
    gracefulRestart: { restartTimeSec: 120, restarted: false },
    keepReceivedRoutes: false,
    batchWindowMs: 10,
    backoff: { initialMs: 1000, maxMs: 8000, jitter: 0.25 },
    ...over,
  };
}
