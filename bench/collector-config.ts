import type { Config } from '../src/config/model.js';

/**
 * The engine benches' config: one peer, the in-process collector on loopback `peerPort`, and one
 * /16 pool; `mode` says where the cluster comes from (the real API server or snapshots fed in).
 */
export function collectorBenchConfig(peerPort: number, mode: Config['kubernetes']['mode']): Config {
  return {
    speaker: { listenPort: 179, gracefulRestartTimeSec: 120 },
    peers: [
      {
        name: 'collector',
        peerAddress: '127.0.0.1',
        peerAsn: 64501,
        myAsn: 64500,
        peerPort,
        holdTimeSec: 90,
        keepaliveTimeSec: 30,
        connectTimeSec: 1,
        ebgpMultiHop: false,
        ttlSecurity: false,
        nodeSelectors: [],
      },
    ],
    pools: [
      {
        name: 'bench',
        protocol: 'bgp',
        addresses: [{ text: '10.96.0.0/16', family: 4, first: 0x0a600000n, last: 0x0a60ffffn }],
        autoAssign: true,
        avoidBuggyIps: false,
        bgpAdvertisements: [],
      },
    ],
    kubernetes: { mode, metallbNamespace: 'metallb-system' },
    manageNeighbors: false,
    neighborDescription: 'cluster-router-sync',
    verifyIntervalSec: 3600,
  };
}
