import type { PeerConfig, SpeakerConfig } from '../config/model.js';

/**
 * The addresses our speaker talks to a peer from, one BGP session each: the peer's path slots
 * (`sourceAddresses`), else its one `sourceAddress`, else the speaker's listen address. The router
 * sees every one of them as a neighbor of its own. Empty when none is known (then any neighbor of
 * the router in our AS may be ours).
 */
export function speakerAddresses(
  peer: Pick<PeerConfig, 'sourceAddress' | 'sourceAddresses'>,
  speaker: Pick<SpeakerConfig, 'listenAddress'>,
): string[] {
  if (peer.sourceAddresses !== undefined && peer.sourceAddresses.length > 0) return [...peer.sourceAddresses];
  const one = peer.sourceAddress ?? speaker.listenAddress;
  return one === undefined ? [] : [one];
}
