import type { AddressPool, Config, PeerConfig } from '../config/model.js';
import type { NeighborPolicy, RunningConfig } from '../router-drivers/index.js';
import type { ImportPool } from '../router-drivers/import-filter.js';
import { speakerNeighbors } from './engine/neighbor-manager.js';
import { BadInputError } from '../util/errors.js';

/*
 * How the config tells the router which neighbor statements it needs (the `neighbors` command):
 *
 * - the router is the peer (or peers) whose peer-asn is the router's own AS (`router bgp N` in
 *   its running config), as for verify; a router without `router bgp` gets the one AS all peers
 *   name;
 * - our speaker is one neighbor per address it speaks from: each of the peer's path slots
 *   (sourceAddresses), else its source-address, else speaker.listenAddress (speakerNeighbors,
 *   shared with the run loop's neighbor manager);
 * - `maximum-paths N` only when the operator passes it (--maximum-paths): it changes how the
 *   router forwards all of its BGP routes, not only ours;
 * - the import filter admits from those neighbors exactly what our bgp pools can announce: host
 *   routes, or the aggregation length of an advertisement that aggregates.
 */

class NeighborPolicyError extends BadInputError {}

export interface NeighborPolicyResult {
  policy: NeighborPolicy;
  /** Peers the policy is built from, by name. */
  peers: string[];
  /** What the operator should know but the router cannot be told (e.g. a Secret password). */
  warnings: string[];
}

export function neighborPolicyFor(
  config: Pick<Config, 'peers' | 'pools' | 'speaker' | 'neighborDescription'>,
  running: RunningConfig,
  opts: {
    /** `--maximum-paths N`: only when the operator asked for it; never implied. */
    maximumPaths?: number;
  } = {},
): NeighborPolicyResult {
  if (config.peers.length === 0) throw new NeighborPolicyError('the config has no peers, so no neighbors');
  const routerAs = running.bgp.find((b) => b.vrf === undefined)?.asn ?? soleRouterAs(config.peers);
  const peers = config.peers.filter((p) => p.peerAsn === routerAs);
  if (peers.length === 0) {
    throw new NeighborPolicyError(
      `the router runs "router bgp ${routerAs}" but no peer in the config has peer-asn ${routerAs}`,
    );
  }
  const warnings: string[] = [];
  for (const peer of peers) {
    if (peer.password === undefined && peer.passwordSecret !== undefined) {
      warnings.push(
        `peer ${peer.name}: its password is in Secret ${peer.passwordSecret.name}, which neighbors does not read; set the neighbor password on the router by hand`,
      );
    }
  }
  return {
    policy: {
      routerAs,
      descriptionMarker: config.neighborDescription,
      neighbors: speakerNeighbors(peers, config.speaker),
      importPools: importPools(config.pools),
      ...(opts.maximumPaths === undefined ? {} : { maximumPaths: opts.maximumPaths }),
    },
    peers: peers.map((p) => p.name),
    warnings,
  };
}

function soleRouterAs(peers: readonly PeerConfig[]): number {
  const asns = [...new Set(peers.map((p) => p.peerAsn))];
  if (asns.length !== 1) {
    throw new NeighborPolicyError(
      `the router has no "router bgp" yet and the peers name several ASes (${asns.join(', ')}): which one is this router cannot be told`,
    );
  }
  return asns[0] as number;
}

const HOST_LENGTH = { 4: 32, 6: 128 } as const;

/** One entry per range and announced prefix length; host routes leave the length unset. */
function importPools(pools: readonly AddressPool[]): ImportPool[] {
  const out = new Map<string, ImportPool>();
  for (const pool of pools) {
    if (pool.protocol !== 'bgp') continue;
    for (const range of pool.addresses) {
      const lengths =
        pool.bgpAdvertisements.length === 0
          ? [HOST_LENGTH[range.family]]
          : pool.bgpAdvertisements.map((a) =>
              range.family === 4 ? a.aggregationLength : a.aggregationLengthV6,
            );
      for (const length of lengths) {
        const entry: ImportPool =
          length === HOST_LENGTH[range.family]
            ? { addresses: range.text }
            : { addresses: range.text, prefixLength: length };
        out.set(`${range.text}/${length}`, entry);
      }
    }
  }
  return [...out.values()];
}
