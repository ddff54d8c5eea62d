import type { Config, PeerConfig } from '../../config/model.js';
import {
  applyNeighborPlan,
  planNeighborChanges,
  type NeighborPolicy,
  type RouterDriver,
  type RouterDriverLog,
} from '../../router-drivers/index.js';
import { BadInputError } from '../../util/errors.js';
import type { NeighborManager } from './ports.js';

export class NoSpeakerAddressError extends BadInputError {
  constructor(readonly peer: string) {
    super(
      `peer ${peer}: cannot re-add our neighbor statement without knowing our address as the router sees it (set the peer's source address or speaker.listenAddress)`,
    );
  }
}

/** Re-adds the router's `neighbor <our address> remote-as <our AS>` through H4's neighbor planner. */
export function driverNeighborManager(
  driver: RouterDriver,
  config: Pick<Config, 'speaker' | 'neighborDescription'>,
  log: RouterDriverLog,
): NeighborManager {
  return {
    async ensureNeighbor(peer: PeerConfig) {
      const address = peer.sourceAddress ?? config.speaker.listenAddress;
      if (address === undefined) throw new NoSpeakerAddressError(peer.name);
      const policy: NeighborPolicy = {
        routerAs: peer.peerAsn,
        descriptionMarker: config.neighborDescription,
        neighbors: [
          {
            address,
            remoteAs: peer.myAsn,
            ...(peer.ebgpMultiHop ? { ebgpMultihop: 255 } : {}),
            // The session is signed (TCP-MD5) only if the router has the same key for us.
            ...(peer.password ? { password: peer.password } : {}),
          },
        ],
      };
      const plan = planNeighborChanges(await driver.runningBgpConfig(), policy);
      await applyNeighborPlan(driver, plan, policy, { log });
      return `neighbor ${address} remote-as ${peer.myAsn} on the router`;
    },
  };
}
