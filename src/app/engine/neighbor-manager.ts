import type { Config, PeerConfig } from '../../config/model.js';
import {
  applyNeighborPlan,
  planNeighborChanges,
  type DesiredNeighbor,
  type NeighborPolicy,
  type RouterDriver,
} from '../../router-drivers/index.js';
import { BadInputError } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import { speakerAddresses } from '../../sync/peer-slots.js';
import type { NeighborManager } from './ports.js';

class NoSpeakerAddressError extends BadInputError {
  constructor(readonly peer: string) {
    super(
      `peer ${peer}: cannot re-add our neighbor statement without knowing our address as the router sees it (set the peer's source address or speaker.listenAddress)`,
    );
  }
}

class NeighborClashError extends BadInputError {}

/**
 * The router's neighbor lines for our speaker: one per address it speaks from (a peer with path
 * slots, `sourceAddresses`, is one session, so one neighbor, per address), remote-as the peer's
 * my-asn, ebgp-multihop 255 for a multi-hop peer, and the password when the config holds one (the
 * session is signed with TCP-MD5 only if the router has the same key for us). Peers speaking from
 * the same address must agree on these.
 */
export function speakerNeighbors(
  peers: readonly PeerConfig[],
  speaker: Config['speaker'],
): DesiredNeighbor[] {
  const byAddress = new Map<string, { neighbor: DesiredNeighbor; peer: string }>();
  for (const peer of peers) {
    const addresses = speakerAddresses(peer, speaker);
    if (addresses.length === 0) throw new NoSpeakerAddressError(peer.name);
    for (const address of addresses) {
      const neighbor: DesiredNeighbor = {
        address,
        remoteAs: peer.myAsn,
        ...(peer.ebgpMultiHop ? { ebgpMultihop: 255 } : {}),
        ...(peer.password ? { password: peer.password } : {}),
      };
      const seen = byAddress.get(address);
      if (seen === undefined) byAddress.set(address, { neighbor, peer: peer.name });
      else if (!sameNeighbor(seen.neighbor, neighbor)) {
        throw new NeighborClashError(
          `peers ${seen.peer} and ${peer.name} both speak from ${address} but want different neighbor settings (AS, multihop or password)`,
        );
      }
    }
  }
  return [...byAddress.values()].map((n) => n.neighbor);
}

function sameNeighbor(a: DesiredNeighbor, b: DesiredNeighbor): boolean {
  return a.remoteAs === b.remoteAs && a.ebgpMultihop === b.ebgpMultihop && a.password === b.password;
}

/**
 * Re-adds the router's `neighbor <our address> remote-as <our AS>` lines through the router driver's neighbor
 * planner: those of every peer of that router (same peer ASN), since the planner removes a line
 * carrying our marker that the policy does not name (another peer's, or another path slot's).
 */
export function driverNeighborManager(
  driver: RouterDriver,
  config: Pick<Config, 'peers' | 'speaker' | 'neighborDescription'>,
  log: Log,
): NeighborManager {
  return {
    async ensureNeighbor(peer: PeerConfig) {
      const sameRouter = config.peers.filter((p) => p.peerAsn === peer.peerAsn);
      const policy: NeighborPolicy = {
        routerAs: peer.peerAsn,
        descriptionMarker: config.neighborDescription,
        neighbors: speakerNeighbors(sameRouter.includes(peer) ? sameRouter : [peer], config.speaker),
      };
      const plan = planNeighborChanges(await driver.runningBgpConfig(), policy);
      await applyNeighborPlan(driver, plan, policy, { log });
      const mine = speakerAddresses(peer, config.speaker);
      return `neighbor ${mine.join(', ')} remote-as ${peer.myAsn} on the router`;
    },
  };
}
