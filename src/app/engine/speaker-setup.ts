import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { BgpSpeaker, restartBoundMs, type SpeakerPeer } from '../../bgp/index.js';
import type { Config, PeerConfig } from '../../config/model.js';
import { SpeakerAnnouncer } from './speaker-announcer.js';

/**
 * Our BGP identifier: the first IPv4 address we know to be ours (a peer's source address, the
 * listen address), else a fixed one; RFC 6286 only asks that it differ from the router's.
 */
function speakerRouterId(config: Config): string {
  const candidates = [
    ...config.peers.map((p) => p.routerId ?? p.sourceAddress),
    config.speaker.listenAddress,
  ];
  return candidates.find((a): a is string => a !== undefined && isIP(a) === 4) ?? '10.255.255.254';
}

/** A peer as the speaker takes it: without a source address of its own, the listen address. */
function speakerPeer(peer: PeerConfig, config: Pick<Config, 'speaker'>): SpeakerPeer {
  const source = peer.sourceAddress ?? config.speaker.listenAddress;
  return source === undefined ? peer : { ...peer, sourceAddress: source };
}

export interface SpeakerSide {
  speaker: BgpSpeaker;
  announcer: SpeakerAnnouncer;
}

/**
 * The speaker and its announcer for a config's peers. The engine coalesces changes already, so the
 * speaker's own batching window is kept to one timer turn. With graceful restart, sessions start
 * once the engine's first plan is in, or after a quarter of the restart time if a large cluster
 * takes longer to load (SpeakerOptions.holdSessionsUntilTableMs), and send nothing before that
 * plan (SpeakerOptions.awaitInitialTable). `restarted`: see SpeakerOptions.restarted.
 */
export function createSpeakerSide(
  config: Config,
  logger: Logger,
  opts: { restarted?: boolean } = {},
): SpeakerSide {
  const speaker = new BgpSpeaker({
    routerId: speakerRouterId(config),
    awaitInitialTable: true,
    restarted: opts.restarted ?? false,
    gracefulRestartTimeSec: config.speaker.gracefulRestartTimeSec,
    ...(config.speaker.gracefulRestartTimeSec > 0
      ? { holdSessionsUntilTableMs: restartBoundMs(config.speaker.gracefulRestartTimeSec) }
      : {}),
    families: [...new Set(config.pools.flatMap((p) => p.addresses.map((a) => a.family)))].sort(),
    batchWindowMs: 0,
    ...(config.speaker.listenAddress !== undefined
      ? { listen: { address: config.speaker.listenAddress, port: config.speaker.listenPort } }
      : {}),
    logger: logger.child({ component: 'bgp' }),
  });
  const announcer = new SpeakerAnnouncer(
    speaker,
    config.peers.map((p) => speakerPeer(p, config)),
    logger,
    (p) => speakerPeer(p, config),
  );
  return { speaker, announcer };
}
