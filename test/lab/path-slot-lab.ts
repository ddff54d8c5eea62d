import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../src/config/index.js';
import { LAB_ROUTER_PEERS_YAML, labRunConfigYaml } from './speaker-peer.js';

/** Our two path slot source addresses; the first is the lab speaker's own address. */
export const SLOTS: readonly string[] = ['192.168.201.2', '192.168.201.3'];

/**
 * The lab FRR's side of path slot sessions: one neighbor per slot address, ECMP over up to 8
 * paths, and unless `addPath`, `neighbor X disable-addpath-rx` so that each session carries one
 * path (a router without ADD-PATH, FRR 8.4 and later; 7.5 has no such command).
 */
export function slotRouterLines(
  slots: readonly string[],
  opts: { addPath: boolean; neighbor?: readonly string[] },
): string[] {
  return [
    'no bgp ebgp-requires-policy',
    ...slots.map((a) => `neighbor ${a} remote-as 64500`),
    ...slots.flatMap((a) => (opts.neighbor ?? []).map((setting) => `neighbor ${a} ${setting}`)),
    'address-family ipv4 unicast',
    ' maximum-paths 8',
    ...(opts.addPath ? [] : slots.map((a) => ` neighbor ${a} disable-addpath-rx`)),
    'exit-address-family',
  ];
}

/** labRunConfigYaml with the lab peer's single source address replaced by `slots` when there are several. */
export function slotRunConfigYaml(
  routerLines: readonly string[],
  slots: readonly string[],
  rest: readonly string[],
): string {
  const yaml = labRunConfigYaml(routerLines, rest);
  if (slots.length === 1) return yaml;
  const single = LAB_ROUTER_PEERS_YAML.find((l) => l.includes('sourceAddress:'));
  if (single === undefined) throw new Error('LAB_ROUTER_PEERS_YAML has no sourceAddress line');
  return yaml.replace(single, `    sourceAddresses: [${slots.join(', ')}]`);
}

/**
 * Copies the embedded seed's manifests into `dir`/manifests with test-service (192.168.197.1)
 * made Cluster-policy, so its endpoints on every node make one ECMP route; returns that directory.
 */
export async function clusterServiceManifests(dir: string): Promise<string> {
  const manifests = join(dir, 'manifests');
  await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
  const services = join(manifests, 'services.yaml');
  const docs = (await readFile(services, 'utf8')).split('\n---\n');
  const i = docs.findIndex((d) => /^ {2}name: test-service$/m.test(d));
  const doc = docs[i];
  if (doc === undefined) throw new Error(`${services}: no test-service`);
  docs[i] = doc.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster');
  await writeFile(services, docs.join('\n---\n'));
  return manifests;
}
