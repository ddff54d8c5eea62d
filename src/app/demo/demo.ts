import { join } from 'node:path';
import type { Logger } from 'pino';
import { BgpSpeaker } from '../../bgp/index.js';
import {
  embeddedDefaultConfigFile,
  embeddedDefaultDir,
  formatConfigWarning,
  loadConfigFiles,
} from '../../config/index.js';
import type { Config } from '../../config/model.js';
import { Metrics } from '../../observability/metrics.js';
import { renderText } from '../../reports/text.js';
import { SyncEngine } from '../engine/engine.js';
import { manifestsClusterSource } from '../engine/manifests-adapter.js';
import { routerVerifier } from '../engine/router-verifier.js';
import { runEngine } from '../engine/runner.js';
import { incrementalPlanner } from '../../sync/planner/snapshot-delta.js';
import { createSpeakerSide } from '../engine/speaker-setup.js';
import type { Verification } from '../../sync/verify/verification.js';
import { CollectorObserver } from './collector-observer.js';

/** The seed router's BGP identifier (fixtures/seed/router/show_bgp_summary.txt). */
const SEED_ROUTER_ID = '192.168.198.254';

export interface DemoOptions {
  /** Manifests file or directory; default the seed's (fixtures/seed/manifests). */
  manifestsPath?: string;
  /** Config files; default the seed's MetalLB ConfigMap. */
  configFiles?: string[];
  once?: boolean;
  onceTimeoutMs?: number;
  withdrawOnExit?: boolean;
  metricsAddress?: string;
  logger: Logger;
  /** Where reports go (stdout in the CLI). */
  write: (text: string) => void;
  color?: boolean;
  /** Resolves when the demo should end (tests); SIGTERM/SIGINT end it too. */
  stopSignal?: Promise<void>;
}

/**
 * `run --demo`: the whole loop on one machine with no cluster and no router. The manifests
 * source reads the seed scenario, our speaker peers over loopback with the built-in collector
 * standing in for the router (same AS numbers, same routes; only the session endpoint moves from
 * the seed's 192.168.200.1 to 127.0.0.1:<ephemeral>), and verification reads what the collector
 * received.
 */
export async function runDemo(opts: DemoOptions): Promise<number> {
  const log = opts.logger;
  const loaded = await loadConfigFiles(opts.configFiles ?? [embeddedDefaultConfigFile()]);
  for (const w of loaded.warnings) log.warn(formatConfigWarning(w));
  const manifestsPath = opts.manifestsPath ?? join(embeddedDefaultDir(), 'manifests');
  const seed = loaded.config;

  const collectors: BgpSpeaker[] = [];
  const observers: CollectorObserver[] = [];
  const demoPeers = [];
  for (const peer of seed.peers) {
    const collector = new BgpSpeaker({
      routerId: SEED_ROUTER_ID,
      listen: { address: '127.0.0.1', port: 0 },
      collector: { localAsn: peer.peerAsn },
      logger: log.child({ component: 'collector' }),
    });
    const bound = await collector.listen();
    collectors.push(collector);
    observers.push(new CollectorObserver(collector, { routerId: SEED_ROUTER_ID, localAs: peer.peerAsn }));
    log.info(
      { peer: peer.name, seedAddress: peer.peerAddress, collector: `127.0.0.1:${bound.port}` },
      'demo: peering with the built-in collector instead of the router',
    );
    demoPeers.push({ ...peer, peerAddress: '127.0.0.1', peerPort: bound.port });
  }
  const config: Config = {
    ...seed,
    peers: demoPeers,
    kubernetes: { ...seed.kubernetes, mode: 'manifests', manifestsPath },
  };

  const metrics = new Metrics({ processMetrics: true });
  const { announcer } = createSpeakerSide(config, log);
  announcer.start();
  const source = manifestsClusterSource(manifestsPath, log, { metrics });
  const engine = new SyncEngine<Verification>({
    config,
    source,
    // Allocations come back as the services' status, as in run --manifests.
    allocations: source.allocations,
    planner: incrementalPlanner(config),
    announcer,
    verifier: routerVerifier(config, {
      // One collector per peer; the verifier sees them as one router with all their sessions.
      observe: async () => {
        const states = await Promise.all(observers.map((o) => o.observe()));
        return {
          routerId: SEED_ROUTER_ID,
          localAs: states[0]?.localAs ?? 0,
          sessions: states.flatMap((s) => s.sessions),
          routes: states.flatMap((s) => s.routes),
        };
      },
    }),
    reporter: () => {},
    metrics,
    logger: log,
    settleMs: 300,
  });
  return runEngine({
    engine,
    metrics,
    logger: log,
    render: (v) => renderText(v, { color: opts.color ?? false }),
    write: opts.write,
    once: opts.once ?? false,
    ...(opts.onceTimeoutMs !== undefined ? { onceTimeoutMs: opts.onceTimeoutMs } : {}),
    ...(opts.metricsAddress !== undefined ? { metricsAddress: opts.metricsAddress } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
    shutdownMode: opts.withdrawOnExit ? 'withdraw' : 'keep-routes',
    cleanup: async () => {
      // The collector is ours too: close it so the process can exit on its own.
      await Promise.all(collectors.map((c) => c.stop()));
    },
  });
}
