import { readFile } from 'node:fs/promises';
import { loadConfigDocuments, type ConfigText } from '../../config/index.js';
import type { Config, ConfigWarning, RouterAccess } from '../../config/model.js';
import { KubeClusterSource } from '../../k8s/cluster-source.js';
import { KubeClient, loadKubeConfig } from '../../k8s/kube-client.js';
import type { ConfigDocument } from '../../sources/config-documents.js';
import { formatManifestProblem } from '../../sources/manifest-parse.js';
import { loadManifests } from '../../sources/manifests-source.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import { BadInputError, CrsError, UnreachableError } from '../../util/errors.js';
import { CheckInputError } from './errors.js';

/** Where a live run reads from: the CLI's --config, --manifests and --kubeconfig. */
export interface LiveSources {
  configFiles: string[];
  manifestsPath?: string;
  kubeconfig?: string;
  /** Where MetalLB's ConfigMap and CRDs live in the cluster. Default `metallb-system`. */
  metallbNamespace?: string;
}

/** Kubernetes objects as the API (or a manifest) gave them, for `record`. */
export type RawObject = Record<string, unknown>;

export interface LiveCluster {
  config: Config;
  configWarnings: ConfigWarning[];
  snapshot: ClusterSnapshot;
  /** The config files' texts, as read (for `record`). */
  configTexts: ConfigText[];
  /** Cluster mode only: every object read, by resource name (`services`, `nodes`...). */
  rawObjects?: Map<string, RawObject[]>;
  /** Manifests mode only: the files read. */
  manifestFiles?: string[];
}

/**
 * One read of the cluster (manifests or API) and the config (files plus config documents found
 * in the manifests or the cluster), for `verify` and `record`. Any problem is an error: a
 * one-shot report must not quietly leave out an object it could not read.
 */
export async function readLiveCluster(src: LiveSources): Promise<LiveCluster> {
  const configTexts = await Promise.all(src.configFiles.map(readConfigFile));
  const where = clusterLocation(src, configTexts);
  const read =
    where.manifestsPath !== undefined ? await fromManifests(where.manifestsPath) : await fromCluster(where);
  const documents: ConfigText[] = [...configTexts, ...read.configDocuments];
  if (documents.length === 0) {
    throw new CheckInputError(
      src.manifestsPath ?? 'the cluster',
      'no configuration: give --config, or keep a MetalLB ConfigMap or metallb.io objects beside the services',
    );
  }
  const { config, warnings } = loadConfigDocuments(documents);
  const live: LiveCluster = { config, configWarnings: warnings, snapshot: read.snapshot, configTexts };
  if (read.rawObjects !== undefined) live.rawObjects = read.rawObjects;
  if (read.manifestFiles !== undefined) live.manifestFiles = read.manifestFiles;
  return live;
}

/** The config's router section: `verify` and `record` have nothing to do without one. */
export function routerAccess(live: LiveCluster, purpose: 'verify' | 'record'): RouterAccess {
  const access = live.config.router;
  if (access === undefined) {
    throw new BadInputError(`the config has no router: section, so there is no router to ${purpose}`);
  }
  return access;
}

/**
 * Flags win; without them the config files' own `kubernetes:` section says where the cluster is,
 * as for `run`. The files are loaded on their own for that, so they must make sense without the
 * config documents the cluster itself may hold.
 */
function clusterLocation(src: LiveSources, configTexts: ConfigText[]): LiveSources {
  if (src.manifestsPath !== undefined || src.kubeconfig !== undefined || configTexts.length === 0) return src;
  const k = loadConfigDocuments(configTexts).config.kubernetes;
  const where: LiveSources = { ...src, metallbNamespace: src.metallbNamespace ?? k.metallbNamespace };
  if (k.mode === 'manifests' && k.manifestsPath !== undefined) where.manifestsPath = k.manifestsPath;
  else if (k.kubeconfig !== undefined) where.kubeconfig = k.kubeconfig;
  return where;
}

interface ClusterRead {
  snapshot: ClusterSnapshot;
  configDocuments: ConfigDocument[];
  rawObjects?: Map<string, RawObject[]>;
  manifestFiles?: string[];
}

async function readConfigFile(file: string): Promise<ConfigText> {
  try {
    return { file, text: await readFile(file, 'utf8') };
  } catch (err) {
    throw new CheckInputError(file, `cannot read the config file: ${(err as Error).message}`, { cause: err });
  }
}

async function fromManifests(path: string): Promise<ClusterRead> {
  const load = await loadManifests(path);
  const first = load.problems[0];
  if (first !== undefined)
    throw new CheckInputError(first.file, load.problems.map(formatManifestProblem).join('\n'));
  return { snapshot: load.snapshot, configDocuments: load.configDocuments, manifestFiles: load.files };
}

/** Lists every kind once through the cluster source, then stops it: no watch outlives the read. */
async function fromCluster(src: LiveSources): Promise<ClusterRead> {
  const client = new KubeClient(
    loadKubeConfig(src.kubeconfig === undefined ? {} : { kubeconfigPath: src.kubeconfig }),
  );
  let failed: (err: Error) => void = () => {};
  const failure = new Promise<never>((_resolve, reject) => {
    failed = reject;
  });
  const source = new KubeClusterSource(client, {
    onUpdate: () => {},
    // The source retries for ever, as a controller should; a one-shot read gives up at once.
    onError: (err, resource) => failed(asReadError(err, resource)),
    metallbNamespace: src.metallbNamespace ?? 'metallb-system',
  });
  try {
    const update = await Promise.race([source.start(), failure]);
    const first = update.issues[0];
    if (first !== undefined) {
      const lines = update.issues.map(
        (i) => `${i.kind} ${i.object}: ${i.field === '' ? '' : `${i.field}: `}${i.reason}`,
      );
      throw new CheckInputError(`kubernetes:${first.kind}/${first.object}`, lines.join('\n'));
    }
    const rawObjects = new Map<string, RawObject[]>();
    for (const reflector of source.reflectors) {
      const objects = [...reflector.store.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, o]) => o);
      rawObjects.set(reflector.resource.name, objects);
    }
    return { snapshot: update.snapshot, configDocuments: update.configDocuments, rawObjects };
  } finally {
    await source.stop();
  }
}

function asReadError(err: Error, resource: string): Error {
  if (err instanceof CrsError) return err;
  return new UnreachableError(`reading ${resource} from the cluster: ${err.message}`, { cause: err });
}
