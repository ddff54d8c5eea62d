import type { Logger } from 'pino';
import { resolvePeerPasswords } from '../../bgp/socket-options/peer-password.js';
import { KubeClient, loadKubeConfig } from '../../k8s/kube-client.js';
import { postObjectEvent } from '../../k8s/object-events.js';
import { SecretWatch, type SecretName } from '../../k8s/secret-watch.js';
import type { LeaseOptions } from '../../k8s/leader-election.js';
import {
  formatConfigWarning,
  loadConfigDocuments,
  readConfigFiles,
  type ConfigText,
} from '../../config/index.js';
import type { Config } from '../../config/model.js';
import { serviceHealthEvents } from '../../health/health-events.js';
import { healthChecksInForce, startNextHopHealth } from '../../health/setup.js';
import { ServiceEventRecorder } from '../../k8s/service-events.js';
import { startHealthServer } from '../../observability/health-server.js';
import { Metrics } from '../../observability/metrics.js';
import { renderReport, type ReportFormat } from '../../reports/index.js';
import { createRouterDriver, type RouterDriver } from '../../router-drivers/index.js';
import { BadInputError, ExitCode } from '../../util/errors.js';
import type { Verification } from '../../sync/verify/verification.js';
import { SyncEngine } from './engine.js';
import { kubeClusterSource, readClusterConfigDocuments } from './kube-adapter.js';
import { LiveConfig, replaceablePlanner } from './live-config.js';
import { acquireLeadership, type Leadership } from './leadership.js';
import { manifestsClusterSource } from './manifests-adapter.js';
import { driverNeighborManager } from './neighbor-manager.js';
import type { AllocationWriter, ClusterSource, PlanFn } from './ports.js';
import { driverObserver, routerVerifier } from './router-verifier.js';
import { runEngine } from './runner.js';
import { RestartMarker } from './restart-marker.js';
import { incrementalPlanner } from '../../sync/planner/snapshot-delta.js';
import { createSpeakerSide } from './speaker-setup.js';

export interface SyncRunOptions {
  configFiles: string[];
  /** Overrides the config's kubernetes section: read manifests instead of a cluster. */
  manifestsPath?: string;
  kubeconfig?: string;
  withdrawOnExit?: boolean;
  metricsAddress?: string;
  once?: boolean;
  onceTimeoutMs?: number;
  format?: ReportFormat;
  color?: boolean;
  logger: Logger;
  /** Where reports go (stdout in the CLI). */
  write: (text: string) => void;
  stopSignal?: Promise<void>;
  /** Delay between a change and verifying it on the router. */
  settleMs?: number;
  /**
   * Act only while holding this Lease (cluster mode only): a follower waits, doing nothing; a
   * leader that loses the Lease shuts down as on SIGTERM and exits 3, to restart as a follower.
   */
  leaderElection?: Omit<LeaseOptions, 'namespace'> & {
    /** Default: the config's kubernetes.metallbNamespace (where the Role grants Leases). */
    namespace?: string;
  };
}

/** Resolves on SIGTERM/SIGINT or the caller's stop signal; for the wait before leading. */
function stopRequested(stopSignal: Promise<void> | undefined): { stop: Promise<void>; off: () => void } {
  let onSignal!: () => void;
  const signalled = new Promise<void>((resolve) => (onSignal = resolve));
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    stop: stopSignal ? Promise.race([signalled, stopSignal]) : signalled,
    off: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

export class NoRouterAccessError extends BadInputError {
  constructor() {
    super(
      'run needs a router: section (ssh or local vtysh) to verify what the router holds; try run --demo without one, or set announceOnly: true to announce without ever reading the router',
    );
  }
}

/** What /readyz and the start-up warning say in announce-only mode. */
export const ANNOUNCE_ONLY_NOTE =
  'announce-only (announceOnly: true): routes are announced, the router is never read: no verification, no drift repair';

function clusterSource(
  config: Config,
  opts: SyncRunOptions,
  planner: PlanFn,
  onConfigDocuments: (documents: readonly ConfigText[]) => void,
  metrics: Metrics,
): ClusterSource & { verified?: (verification: Verification) => void; allocations?: AllocationWriter } {
  const manifests =
    opts.manifestsPath ??
    (config.kubernetes.mode === 'manifests' ? config.kubernetes.manifestsPath : undefined);
  if (manifests !== undefined) {
    const graceMs = config.kubernetes.manifestsGraceMs;
    return manifestsClusterSource(manifests, opts.logger, {
      metrics,
      ...(graceMs !== undefined ? { graceMs } : {}),
    });
  }
  const kubeconfig = opts.kubeconfig ?? config.kubernetes.kubeconfig;
  return kubeClusterSource({
    ...(kubeconfig !== undefined ? { kubeconfig } : {}),
    metallbNamespace: config.kubernetes.metallbNamespace,
    pools: config.pools,
    planner,
    logger: opts.logger,
    onConfigDocuments,
  });
}

/** The Secrets the peers' passwordSecret name (namespace defaulting to MetalLB's). */
function passwordSecrets(config: Config): SecretName[] {
  return config.peers.flatMap((p) =>
    p.passwordSecret
      ? [
          {
            namespace: p.passwordSecret.namespace ?? config.kubernetes.metallbNamespace,
            name: p.passwordSecret.name,
          },
        ]
      : [],
  );
}

/** `run`: the real thing, against a cluster (or manifests) and a router. */
export async function runSync(opts: SyncRunOptions): Promise<number> {
  const log = opts.logger;
  // Read once: a running `run` follows the cluster's config, not its own files (docs/deploy.md).
  const files = await readConfigFiles(opts.configFiles);
  const fromFiles = loadConfigDocuments(files).config;
  const router = fromFiles.router;
  // The config loader refuses announceOnly next to a router: section, so it is one or the other.
  if (router === undefined && fromFiles.announceOnly !== true) throw new NoRouterAccessError();
  if (router === undefined) {
    if (opts.once) {
      throw new BadInputError(
        '--once prints the verification of the router, and announce-only (announceOnly: true) never reads the router',
      );
    }
    log.warn(ANNOUNCE_ONLY_NOTE);
  }

  const metrics = new Metrics({ processMetrics: true });
  let leadership: Leadership | undefined;
  const manifestsMode = opts.manifestsPath !== undefined || fromFiles.kubernetes.mode === 'manifests';
  const kubeconfig = opts.kubeconfig ?? fromFiles.kubernetes.kubeconfig;
  const metallbNamespace = fromFiles.kubernetes.metallbNamespace;
  let kube: KubeClient | undefined;
  const kubeClient = (): KubeClient =>
    (kube ??= new KubeClient(loadKubeConfig(kubeconfig !== undefined ? { kubeconfigPath: kubeconfig } : {})));
  if (opts.leaderElection && !manifestsMode) {
    const waiting = stopRequested(opts.stopSignal);
    // A standby answers /healthz and /readyz: it is doing what it should, and a Deployment
    // rollout waits for the new pods to be ready, which a standby would otherwise never be.
    const health =
      opts.metricsAddress !== undefined
        ? await startHealthServer({
            address: opts.metricsAddress,
            metrics,
            readiness: () => [],
            ...(router === undefined ? { readyzNote: ANNOUNCE_ONLY_NOTE } : {}),
          })
        : undefined;
    try {
      leadership = await acquireLeadership({
        ...opts.leaderElection,
        namespace: opts.leaderElection.namespace ?? metallbNamespace,
        ...(kubeconfig !== undefined ? { kubeconfig } : {}),
        logger: log,
        abort: waiting.stop,
      });
    } finally {
      waiting.off();
      await health?.close();
    }
    if (leadership === undefined) return ExitCode.Ok;
  }
  let lostLease = false;
  void leadership?.lost.then(() => {
    lostLease = true;
    log.error('lost the lease: shutting down so that only the new leader announces and writes');
  });

  // The engine's config is the --config files merged with the cluster's MetalLB config as it is
  // now; a later change to the latter (or to a password Secret) is applied live (LiveConfig),
  // except for the parts only a restart applies, which stop run with exit 4.
  const clusterDocuments = manifestsMode
    ? []
    : await readClusterConfigDocuments(kubeClient(), metallbNamespace, log);
  const loaded = loadConfigDocuments([...files, ...clusterDocuments]);
  for (const w of loaded.warnings) log.warn(formatConfigWarning(w));
  let configChanged = false;
  let onConfigChanged!: () => void;
  const configChange = new Promise<void>((resolve) => (onConfigChanged = resolve));
  // Called from the cluster source and the Secret watch, both started after `live` is set.
  const watchConfig = (documents: readonly ConfigText[]): void => live?.documentsChanged(documents);
  const stopSignal = Promise.race([
    configChange,
    ...(leadership ? [leadership.lost] : []),
    ...(opts.stopSignal ? [opts.stopSignal] : []),
  ]);

  // Secrets are read by the leader only, before any peer is added: the speaker (TCP-MD5) and the
  // router's neighbor config both need the password itself.
  const resolvePasswords = async (c: Config): Promise<Config> => ({
    ...c,
    peers: await resolvePeerPasswords(c.peers, kubeClient, metallbNamespace),
  });
  const config = await resolvePasswords(loaded.config);
  const planning = replaceablePlanner(config, incrementalPlanner);
  const planner = planning.plan;
  const source = clusterSource(config, opts, planner, watchConfig, metrics);
  const driver: RouterDriver | undefined =
    router === undefined ? undefined : createRouterDriver(router, log.child({ component: 'router' }));
  const marker =
    config.speaker.stateFile !== undefined ? new RestartMarker(config.speaker.stateFile, log) : undefined;
  const restarted = (await marker?.present()) ?? false;
  if (restarted)
    log.info(
      { stateFile: config.speaker.stateFile },
      'a previous run announced routes: our OPENs carry the graceful-restart R bit',
    );
  const { speaker, announcer } = createSpeakerSide(config, log, { restarted });
  const unwatchMarker = marker?.watch(speaker);
  if (config.speaker.listenAddress !== undefined) await speaker.listen();
  // Sessions dial now, while the cluster loads, but send no table before the first plan.
  announcer.start();
  const healthChecks = healthChecksInForce(config.healthChecks, !manifestsMode);
  if (healthChecks !== undefined)
    log.info({ healthChecks }, "probing kube-proxy's healthz on every next hop (healthChecks)");
  const health = healthChecks !== undefined ? startNextHopHealth(healthChecks, metrics) : undefined;
  // A transition is an Event on each Service it touches; manifests have no API to write to.
  if (health !== undefined && !manifestsMode)
    health.onTransition(serviceHealthEvents(new ServiceEventRecorder(kubeClient()), log));
  const routerParts = (c: Config) =>
    driver !== undefined
      ? {
          verifier: routerVerifier(c, driverObserver(driver, c)),
          neighbors: driverNeighborManager(driver, c, log.child({ component: 'router' })),
        }
      : {};
  const engine = new SyncEngine<Verification>({
    config,
    source,
    planner,
    announcer,
    ...(health !== undefined ? { health } : {}),
    // The source keeps the allocations as the services' status: for good in manifests mode, until
    // the status writer has written them in a cluster (allocation-memory.ts).
    ...(source.allocations ? { allocations: source.allocations } : {}),
    ...routerParts(config),
    // In cluster mode each verification also updates the route annotations on the Services.
    reporter: (v) => source.verified?.(v.report),
    metrics,
    logger: log,
    ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
  });
  const secrets = manifestsMode
    ? undefined
    : new SecretWatch(kubeClient(), () => live?.secretsChanged(), log.child({ component: 'config' }));
  await secrets?.watch(passwordSecrets(config));
  const live = manifestsMode
    ? undefined
    : new LiveConfig({
        files,
        documents: clusterDocuments,
        config,
        resolve: resolvePasswords,
        apply: async (next, diff) => {
          planning.replace(next);
          await engine.reconfigure({ config: next, planner, ...routerParts(next) }, diff, announcer);
          await secrets?.watch(passwordSecrets(next));
        },
        restart: () => {
          configChanged = true;
          onConfigChanged();
        },
        refused: async (err, regarding) => {
          if (regarding === undefined) return;
          await postObjectEvent(
            kubeClient(),
            regarding,
            { type: 'Warning', reason: 'InvalidConfig', action: 'Reconfigure', note: err.message },
            { controller: 'cluster-router-sync/controller' },
          ).catch((eventErr: unknown) =>
            log.warn({ err: eventErr, regarding }, 'could not post the InvalidConfig event'),
          );
        },
        metrics,
        logger: log,
      });
  const code = await runEngine({
    engine,
    metrics,
    logger: log,
    render: (v) => renderReport(v, { format: opts.format ?? 'text', color: opts.color ?? false }),
    write: opts.write,
    once: opts.once ?? false,
    ...(opts.onceTimeoutMs !== undefined ? { onceTimeoutMs: opts.onceTimeoutMs } : {}),
    ...(opts.metricsAddress !== undefined ? { metricsAddress: opts.metricsAddress } : {}),
    ...(driver === undefined ? { readyzNote: ANNOUNCE_ONLY_NOTE } : {}),
    stopSignal,
    shutdownMode: opts.withdrawOnExit ? 'withdraw' : 'keep-routes',
    cleanup: async () => {
      live?.stop();
      await live?.idle();
      await secrets?.stop();
      unwatchMarker?.();
      if (opts.withdrawOnExit) await marker?.remove();
      await driver?.close();
      await leadership?.release();
    },
    abort: () => speaker.abort(),
  });
  // Checked first: releasing the Lease on the way out also ends it.
  if (configChanged) return ExitCode.ConfigChanged;
  return lostLease ? ExitCode.Unreachable : code;
}
