import type { Logger } from 'pino';
import { resolvePeerPasswords } from '../../bgp/socket-options/peer-password.js';
import { KubeClient, loadKubeConfig } from '../../k8s/kube-client.js';
import type { LeaseOptions } from '../../k8s/leader-election.js';
import { formatConfigWarning, loadConfigFiles, type ConfigText } from '../../config/index.js';
import type { Config } from '../../config/model.js';
import { healthChecksInForce, startNextHopHealth } from '../../health/setup.js';
import { startHealthServer } from '../../observability/health-server.js';
import { Metrics } from '../../observability/metrics.js';
import { renderReport, type ReportFormat } from '../../reports/index.js';
import { createRouterDriver, type RouterDriver } from '../../router-drivers/index.js';
import { BadInputError, ExitCode } from '../../util/errors.js';
import type { Verification } from '../verify/verification.js';
import { SyncEngine } from './engine.js';
import { kubeClusterSource, memoizedPlanner, readClusterConfigDocuments } from './kube-adapter.js';
import { acquireLeadership, type Leadership } from './leadership.js';
import { manifestsClusterSource } from './manifests-adapter.js';
import { driverNeighborManager } from './neighbor-manager.js';
import type { AllocationWriter, ClusterSource, PlanFn } from './ports.js';
import { driverObserver, routerVerifier } from './router-verifier.js';
import { runEngine } from './runner.js';
import { RestartMarker } from './restart-marker.js';
import { incrementalPlanner } from './snapshot-delta.js';
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

/** `run`: the real thing, against a cluster (or manifests) and a router. */
export async function runSync(opts: SyncRunOptions): Promise<number> {
  const log = opts.logger;
  const fromFiles = (await loadConfigFiles(opts.configFiles)).config;
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
  // now; a later change to the latter stops run (exit 4) for a restart, rather than swapping the
  // config under a running engine and speaker.
  const clusterDocuments = manifestsMode
    ? []
    : await readClusterConfigDocuments(kubeClient(), metallbNamespace, log);
  const loaded = await loadConfigFiles(opts.configFiles, clusterDocuments);
  for (const w of loaded.warnings) log.warn(formatConfigWarning(w));
  const startedWith = JSON.stringify(clusterDocuments);
  let configChanged = false;
  let onConfigChanged!: () => void;
  const configChange = new Promise<void>((resolve) => (onConfigChanged = resolve));
  const watchConfig = (documents: readonly ConfigText[]): void => {
    if (configChanged || JSON.stringify(documents) === startedWith) return;
    configChanged = true;
    log.error(
      { documents: documents.map((d) => d.file) },
      `the MetalLB config in the cluster changed: exiting with code ${ExitCode.ConfigChanged} to restart with it`,
    );
    onConfigChanged();
  };
  const stopSignal = Promise.race([
    configChange,
    ...(leadership ? [leadership.lost] : []),
    ...(opts.stopSignal ? [opts.stopSignal] : []),
  ]);

  // Secrets are read by the leader only, before any peer is added: the speaker (TCP-MD5) and the
  // router's neighbor config both need the password itself.
  const config = {
    ...loaded.config,
    peers: await resolvePeerPasswords(loaded.config.peers, kubeClient, metallbNamespace),
  };
  const planner = memoizedPlanner(incrementalPlanner(config));
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
  const engine = new SyncEngine<Verification>({
    config,
    source,
    planner,
    announcer,
    ...(healthChecks !== undefined ? { health: startNextHopHealth(healthChecks, metrics) } : {}),
    // Manifests mode only: the source keeps the allocations as the services' status.
    ...(source.allocations ? { allocations: source.allocations } : {}),
    ...(driver !== undefined
      ? {
          verifier: routerVerifier(config, driverObserver(driver, config)),
          neighbors: driverNeighborManager(driver, config, log.child({ component: 'router' })),
        }
      : {}),
    // In cluster mode each verification also updates the route annotations on the Services.
    reporter: (v) => source.verified?.(v.report),
    metrics,
    logger: log,
    ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
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
