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

/**
 * The `peers:` section of our config file for the lab router; the seed's MetalLB ConfigMap peers
 * with 192.168.200.1, the lab's router is 192.168.201.1. Connect retries after 1 s so a test does
 * not wait for the default.
 */
export const LAB_ROUTER_PEERS_YAML: readonly string[] = [
  'peers:',
  '  - name: lab-router',
  '    peerAddress: 192.168.201.1',
  '    peerASN: 64501',
  '    myASN: 64500',
  '    sourceAddress: 192.168.201.2',
  '    connectTime: 1s',
];

/**
 * Our config file for `run` against the lab router (FRR dialect, peering as LAB_ROUTER_PEERS_YAML):
 * `routerLines` go under `router:` (localRouterYaml, sshRouterYaml), `rest` are the sections the
 * test is about (pools, speaker, kubernetes, intervals).
 */
export function labRunConfigYaml(routerLines: readonly string[], rest: readonly string[]): string {
  return [
    'apiVersion: cluster-router-sync.io/v1alpha1',
    'kind: ClusterRouterSyncConfig',
    'router:',
    ...routerLines,
    '  dialect: frr',
    ...LAB_ROUTER_PEERS_YAML,
    ...rest,
    '',
  ].join('\n');
}
