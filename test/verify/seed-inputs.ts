import { readFileSync } from 'node:fs';
import type { PeerConfig } from '../../src/config/model.js';
import type { Plan } from '../../src/sync/plan-types.js';
import type { VerifyConfig } from '../../src/sync/verify/verify.js';
import { peer, pool } from '../sync/builders.js';
import { plannedRouteOf } from '../support/routes.js';

/** The seed's peer and pool as the config loader produces them from metallb-config.yaml. */
export function seedPeer(overrides: Partial<PeerConfig> = {}): PeerConfig {
  return peer('192.168.200.1', overrides);
}

export function seedConfig(peers: PeerConfig[] = [seedPeer()]): VerifyConfig {
  return {
    peers,
    pools: [pool('default', ['192.168.197.0/24'])],
    speaker: {},
  };
}

const route = plannedRouteOf;

/** The plan the planner makes for the seed: three /32s, Local policy, one node each. */
export function seedPlan(): Plan {
  return {
    allocations: [
      { service: 'default/nginx', ips: ['192.168.197.0'], pools: ['default'] },
      { service: 'default/test-service', ips: ['192.168.197.1'], pools: ['default'] },
      { service: 'default/test-service-3', ips: ['192.168.197.254'], pools: ['default'] },
    ],
    peers: [
      {
        peer: 'peer-192.168.200.1',
        peerAddress: '192.168.200.1',
        routes: [
          route('192.168.197.0/32', ['192.168.201.11'], ['default/nginx']),
          route('192.168.197.1/32', ['192.168.201.12'], ['default/test-service']),
          route('192.168.197.254/32', ['192.168.201.12'], ['default/test-service-3']),
        ],
      },
    ],
    issues: [],
  };
}

export function seedRouterText(file: string): string {
  return readFileSync(new URL(`../../fixtures/seed/router/${file}`, import.meta.url), 'utf8');
}
