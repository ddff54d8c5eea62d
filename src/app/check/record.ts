import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { createDriverOn, recordedFileName, type RouterTransport } from '../../router-drivers/index.js';
import type { Log } from '../../util/log.js';
import { REDACTED, redactPassword } from '../../router-drivers/parse-running-config.js';
import { neighborsIfRecorded } from '../engine/router-verifier.js';
import { ROUTER_DIR } from './check-dir.js';
import type { LiveCluster, RawObject } from './live-cluster.js';

export interface RecordRouterOptions {
  /** Address families whose BGP routes to record (the pools' families). */
  families: Array<4 | 6>;
  /** Skip `show version` detection, as the config's `router.dialect` says. */
  dialect?: 'frr' | 'quagga' | 'bird';
  log: Log;
}

/**
 * Runs exactly the `show` commands the live driver runs (so the recording holds what `verify`
 * would read, in the same dialect) and writes each output verbatim to `router/`, named as in
 * fixtures/frr-8.4.4/. Every output is parsed before anything is written: a recording `check`
 * cannot read is refused here, not discovered later. Passwords in the running config are
 * replaced by `<redacted>`. Returns the files written.
 */
export async function recordRouter(
  transport: RouterTransport,
  dir: string,
  opts: RecordRouterOptions,
): Promise<string[]> {
  const outputs = new Map<string, string>();
  const capturing: RouterTransport = {
    description: transport.description,
    run: async (commands) => {
      const answers = await transport.run(commands);
      commands.forEach((c, i) => outputs.set(c, answers[i] as string));
      return answers;
    },
    close: () => transport.close(),
  };
  const driver = createDriverOn(capturing, opts.log, opts.dialect);
  try {
    await driver.version();
    await driver.bgpSummary();
    for (const family of opts.families) await driver.bgpRoutes(family);
    await driver.runningBgpConfig();
    await neighborsIfRecorded(driver);
  } finally {
    await driver.close();
  }
  const routerDir = join(dir, ROUTER_DIR);
  await mkdir(routerDir, { recursive: true });
  const written: string[] = [];
  for (const [command, text] of outputs) {
    const file = join(routerDir, recordedFileName(command));
    const content =
      command === 'show running-config' ? text.split('\n').map(redactPassword).join('\n') : text;
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}

/**
 * API list items carry no apiVersion/kind; a manifest needs them to be recognised again. Keyed
 * by the cluster source's resource names.
 */
const RESOURCE_KINDS: Record<string, { apiVersion: string; kind: string }> = {
  services: { apiVersion: 'v1', kind: 'Service' },
  endpointslices: { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  nodes: { apiVersion: 'v1', kind: 'Node' },
  namespaces: { apiVersion: 'v1', kind: 'Namespace' },
  'metallb.io/v1beta1/ipaddresspools': { apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' },
  'metallb.io/v1beta1/bgpadvertisements': { apiVersion: 'metallb.io/v1beta1', kind: 'BGPAdvertisement' },
  'metallb.io/v1beta1/communities': { apiVersion: 'metallb.io/v1beta1', kind: 'Community' },
  'metallb.io/v1beta1/bfdprofiles': { apiVersion: 'metallb.io/v1beta1', kind: 'BFDProfile' },
  'metallb.io/v1beta2/bgppeers': { apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer' },
};

/** `password: secret` in any YAML (our config, the MetalLB ConfigMap, a BGPPeer) becomes `<redacted>`. */
function redactYamlPasswords(text: string): string {
  return text.replace(/^(\s*(?:-\s+)?password:\s*)(?!\s*$)\S.*$/gm, `$1'${REDACTED}'`);
}

/**
 * Writes the cluster half of a recording: the config files beside the manifests, and the
 * manifests (the files read, or every object the API listed, one `List` per resource) under
 * `manifests/`. Returns the files written.
 */
export async function recordCluster(live: LiveCluster, dir: string): Promise<string[]> {
  const manifestsDir = join(dir, 'manifests');
  await mkdir(manifestsDir, { recursive: true });
  const written: string[] = [];
  const write = async (file: string, text: string): Promise<void> => {
    await writeFile(file, redactYamlPasswords(text));
    written.push(file);
  };
  const used = new Set<string>();
  for (const { file, text } of live.configTexts) {
    await write(join(dir, uniqueName(`config-${basename(file)}`, used)), text);
  }
  for (const file of live.manifestFiles ?? []) {
    await write(join(manifestsDir, uniqueName(basename(file), used)), await readFile(file, 'utf8'));
  }
  for (const [resource, objects] of live.rawObjects ?? new Map<string, RawObject[]>()) {
    if (objects.length === 0) continue;
    const items = objects.map((o) => withKind(resource, o));
    const name = uniqueName(`${resource.replace(/[^A-Za-z0-9.-]+/g, '_')}.yaml`, used);
    await write(join(manifestsDir, name), stringify({ apiVersion: 'v1', kind: 'List', items }));
  }
  return written;
}

function withKind(resource: string, obj: RawObject): RawObject {
  const kind = resource.startsWith('configmaps/')
    ? { apiVersion: 'v1', kind: 'ConfigMap' }
    : RESOURCE_KINDS[resource];
  const md = { ...((obj.metadata ?? {}) as RawObject) };
  // Server bookkeeping says nothing about the routing state and bloats every object.
  delete md.managedFields;
  return { ...kind, ...obj, metadata: md };
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate); i++) candidate = name.replace(/(\.[^.]*)?$/, `-${i}$1`);
  used.add(candidate);
  return candidate;
}
