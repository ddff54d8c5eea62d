import type { SpeakerPeer } from '../../src/bgp/index.js';

/**
 * The lab router as our speaker peers with it: FRR at 192.168.201.1 in AS 64501 (startFrr's
 * default AS), us in AS 64500, as in the seed. Tests add what they exercise (source address,
 * password, timers) through `over`.
 */
export function labRouterPeer(over: Partial<SpeakerPeer> = {}): SpeakerPeer {
  return {
    name: 'router',
    peerAddress: '192.168.201.1',
    peerAsn: 64501,
    myAsn: 64500,
    peerPort: 179,
    holdTimeSec: 90,
    keepaliveTimeSec: 30,
    connectTimeSec: 10,
    ...over,
  };
}
