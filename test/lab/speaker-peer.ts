import type { SpeakerPeer } from '../../src/bgp/index.js';
import { peer } from '../sync/builders.js';

/**
 * The lab router as our speaker peers with it: FRR at 192.168.201.1 in AS 64501 (startFrr's
 * default AS), us in AS 64500, with the config model's defaults (test/sync/builders.ts; the speaker
 * ignores the engine-only nodeSelectors). Tests add what they exercise (source address, password,
 * timers) through `over`.
 */
export function labRouterPeer(over: Partial<SpeakerPeer> = {}): SpeakerPeer {
  return { ...peer('192.168.201.1', { name: 'router' }), ...over };
}
