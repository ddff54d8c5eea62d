import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { BgpSpeaker, type SpeakerPeer } from '../../bgp/index.js';
import { tcpConnector, type BgpConnection, type Connector } from '../../bgp/transport.js';
import type { Config } from '../../config/model.js';
import { SpeakerAnnouncer } from './speaker-announcer.js';

/**
 * Our BGP identifier: the first IPv4 address we know to be ours (a peer's source address, the
 * listen address), else a fixed one; RFC 6286 only asks that it differ from the router's.
 */
export function speakerRouterId(config: Config): string {
  const candidates = [
    ...config.peers.map((p) => p.routerId ?? p.sourceAddress),
    config.speaker.listenAddress,
  ];
  return candidates.find((a): a is string => a !== undefined && isIP(a) === 4) ?? '10.255.255.254';
}

/**
 * Outgoing connections, kept so a keep-routes shutdown can close them without a NOTIFICATION:
 * to the router that is a lost TCP session, which graceful restart rides out.
 */
function trackingConnector(): { connector: Connector; dropAll: () => void } {
  const open = new Set<BgpConnection>();
  return {
    connector: (opts) => {
      const conn = tcpConnector(opts);
      open.add(conn);
      conn.on('close', () => open.delete(conn));
      return conn;
    },
    dropAll: () => {
      for (const conn of open) conn.destroy();
      open.clear();
    },
  };
}

export interface SpeakerSide {
  speaker: BgpSpeaker;
  announcer: SpeakerAnnouncer;
}

/**
 * The speaker and its announcer for a config's peers (`peers` overrides them, e.g. the demo
 * pointing sessions at its loopback collector). The engine coalesces changes already, so the
 * speaker's own batching window is kept to one timer turn.
 */
export function createSpeakerSide(
  config: Config,
  logger: Logger,
  peers: SpeakerPeer[] = config.peers.map((p) => {
    const source = p.sourceAddress ?? config.speaker.listenAddress;
    return source === undefined ? p : { ...p, sourceAddress: source };
  }),
): SpeakerSide {
  const tracking = trackingConnector();
  const speaker = new BgpSpeaker({
    connector: tracking.connector,
    routerId: speakerRouterId(config),
    gracefulRestartTimeSec: config.speaker.gracefulRestartTimeSec,
    families: [...new Set(config.pools.flatMap((p) => p.addresses.map((a) => a.family)))].sort(),
    batchWindowMs: 0,
    ...(config.speaker.listenAddress !== undefined
      ? { listen: { address: config.speaker.listenAddress, port: config.speaker.listenPort } }
      : {}),
    logger: logger.child({ component: 'bgp' }),
  });
  const announcer = new SpeakerAnnouncer(speaker, peers, logger, tracking.dropAll);
  return { speaker, announcer };
}
