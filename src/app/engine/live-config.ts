/**
 * Live reconfiguration of `run`: the cluster's MetalLB config documents (or a password Secret)
 * changed, so the config is loaded again from the --config files as read at start plus the new
 * documents, its Secrets read, and compared with the config in force. What can change under a
 * running speaker is applied (see SyncEngine.reconfigure); what cannot asks for a restart; a
 * config that does not load is refused and the last good one keeps running.
 */
import type { Logger } from 'pino';
import { PeerPasswordSecretError } from '../../bgp/socket-options/peer-password.js';
import {
  diffConfig,
  isConfigUnchanged,
  type ConfigDiff,
  type RestartPart,
} from '../../config/config-diff.js';
import { ConfigError, loadConfigDocuments, type ConfigText } from '../../config/index.js';
import type { Config } from '../../config/model.js';
import { configDocumentObject, type ObjectReference } from '../../k8s/object-events.js';
import type { ConfigReloadResult, Metrics } from '../../observability/metrics.js';
import { CoalescingRunner } from '../../util/coalescing-runner.js';
import { memoizedPlanner } from './kube-adapter.js';
import type { PlanFn } from './ports.js';

export interface LiveConfigOptions {
  /** The --config files as read at start: only the cluster's documents are watched. */
  files: readonly ConfigText[];
  /** The cluster's MetalLB config documents the config in force was loaded with. */
  documents: readonly ConfigText[];
  /** The config in force, passwords resolved. */
  config: Config;
  /** Reads the peers' passwordSecrets into their passwords (throws PeerPasswordSecretError). */
  resolve(config: Config): Promise<Config>;
  apply(config: Config, diff: ConfigDiff): Promise<void>;
  /** Parts only a restart applies changed: `run` exits 4. */
  restart(parts: readonly RestartPart[]): void;
  /** A refused config, for a Kubernetes Event on the object it came from when known. */
  refused(err: Error, regarding: ObjectReference | undefined): Promise<void>;
  metrics: Metrics;
  logger: Logger;
}

/** The object a refused config's error points at: its document, or the Secret it could not use. */
function refusedObject(err: Error, config: Config | undefined): ObjectReference | undefined {
  if (err instanceof ConfigError) return configDocumentObject(err.file);
  if (err instanceof PeerPasswordSecretError && config) {
    const ref = config.peers.find((p) => p.name === err.peer)?.passwordSecret;
    if (ref)
      return {
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: ref.namespace ?? config.kubernetes.metallbNamespace,
        name: ref.name,
      };
  }
  return undefined;
}

export class LiveConfig {
  private documents: readonly ConfigText[];
  private current: Config;
  /** One reload at a time; changes meanwhile collapse into one more, with the newest documents. */
  private readonly reloads = new CoalescingRunner(() => this.reloadNow());
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly opts: LiveConfigOptions) {
    this.documents = opts.documents;
    this.current = opts.config;
    this.log = opts.logger.child({ component: 'config' });
  }

  /** The config in force. */
  get config(): Config {
    return this.current;
  }

  /** The cluster's MetalLB config documents as of a cluster update. */
  documentsChanged(documents: readonly ConfigText[]): void {
    if (JSON.stringify(documents) === JSON.stringify(this.documents)) return;
    this.documents = documents;
    this.reload();
  }

  /** A password Secret a peer names changed. */
  secretsChanged(): void {
    this.reload();
  }

  /** Resolves when no reload is running or queued (tests and shutdown wait on it). */
  async idle(): Promise<void> {
    await this.reloads.idle();
  }

  stop(): void {
    this.stopped = true;
  }

  private reload(): void {
    if (!this.stopped) this.reloads.request();
  }

  /** False once a reload asked for a restart: nothing is reloaded after that. */
  private async reloadNow(): Promise<boolean> {
    let result: ConfigReloadResult;
    try {
      result = await this.reloadOnce();
    } catch (err) {
      // Loading failed in a way no config error explains, or applying it did: say so, and
      // let the next change try again.
      this.log.error({ err }, 'reloading the config failed');
      result = 'refused';
    }
    this.opts.metrics.configReload(result);
    if (result === 'restart') this.stopped = true;
    return !this.stopped;
  }

  private async reloadOnce(): Promise<ConfigReloadResult> {
    let loaded: Config | undefined;
    let next: Config;
    try {
      loaded = loadConfigDocuments([...this.opts.files, ...this.documents]).config;
      next = await this.opts.resolve(loaded);
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof PeerPasswordSecretError)) throw err;
      const regarding = refusedObject(err, loaded);
      // One line: the error names the file (document), field and reason.
      this.log.error(
        { regarding },
        `config change refused, keeping the last good config: ${err.message.replaceAll('\n', '; ')}`,
      );
      await this.opts.refused(err, regarding);
      return 'refused';
    }
    const diff = diffConfig(this.current, next);
    if (diff.restartNeeded.length > 0) {
      this.log.error(
        { parts: diff.restartNeeded },
        `the config changed in parts that only a restart applies (${diff.restartNeeded.join(', ')}): exiting with code 4 to restart with it`,
      );
      this.opts.restart(diff.restartNeeded);
      return 'restart';
    }
    if (isConfigUnchanged(diff)) return 'unchanged';
    this.log.info(
      {
        poolsChanged: diff.poolsChanged,
        advertisementsChanged: diff.advertisementsChanged,
        peersAdded: diff.peersAdded.map((p) => p.name),
        peersRemoved: diff.peersRemoved,
        peersChanged: diff.peersChanged.map((c) => `${c.name} (${c.fields.join(', ')})`),
      },
      'applying the changed config without a restart',
    );
    this.current = next;
    await this.opts.apply(next, diff);
    return 'applied';
  }
}

/**
 * The planner `run` hands the engine and the Kubernetes controller: one function whose config
 * can be replaced. It plans a snapshot at most once (both ask for the same snapshot's plan),
 * until a new config makes the same snapshot worth planning again.
 */
export function replaceablePlanner(
  config: Config,
  build: (config: Config) => PlanFn,
): { plan: PlanFn; replace(config: Config): void } {
  let inner = memoizedPlanner(build(config));
  return {
    plan: (snapshot) => inner(snapshot),
    replace(next) {
      inner = memoizedPlanner(build(next));
    },
  };
}
