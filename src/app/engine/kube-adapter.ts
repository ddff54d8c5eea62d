import type { Logger } from 'pino';
import { KubeController, type AppliedDecisions } from '../../k8s/controller.js';
import { KubeClient, loadKubeConfig } from '../../k8s/kube-client.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import type { ConfigText } from '../../config/index.js';
import type { AddressPool } from '../../config/model.js';
import { KubeClusterSource } from '../../k8s/cluster-source.js';
import type { Plan } from '../../sync/plan-types.js';
import type { Verification } from '../../sync/verify/verification.js';
import { AllocationMemory } from './allocation-memory.js';
import type { AllocationWriter, ClusterSource, PlanFn } from './ports.js';

/**
 * Plans a snapshot at most once: the engine (routes) and the controller (Service status and
 * Events) both ask for the plan of the same snapshot object.
 */
export function memoizedPlanner(plan: PlanFn): PlanFn {
  let last: { snapshot: ClusterSnapshot; plan: Plan } | undefined;
  return (snapshot) => {
    if (last?.snapshot !== snapshot) last = { snapshot, plan: plan(snapshot) };
    return last.plan;
  };
}

/**
 * The cluster (src/k8s KubeController) as the engine's ClusterSource. The controller delivers
 * nothing until every informer finished its first list, which is the engine's initial-sync gate;
 * it also writes Service status and Events from the same plan. The engine's AllocationWriter is
 * a memory of the allocations whose status is not written yet, laid over the snapshots that the
 * engine and the controller plan (allocation-memory.ts), so that an announced address stays on
 * its Service while the controller's round is still on its way to that Service's status.
 */
export function kubeClusterSource(opts: {
  kubeconfig?: string;
  metallbNamespace: string;
  /** Counted into the pool status ConfigMap (docs/status.md). */
  pools: readonly AddressPool[];
  planner: PlanFn;
  logger: Logger;
  /** Every update's MetalLB config documents (run compares them with those it started with). */
  onConfigDocuments?: (documents: readonly ConfigText[]) => void;
  /** After each round of Service status, Events and annotations written (benchmarks wait on it). */
  onApplied?: (applied: AppliedDecisions) => void;
}): ClusterSource & { verified(verification: Verification): void; allocations: AllocationWriter } {
  const log = opts.logger.child({ component: 'kubernetes' });
  let controller: KubeController | undefined;
  const memory = new AllocationMemory({ untilWritten: true });
  // The snapshot laid over, per update: the engine and the controller must plan the same object
  // (memoizedPlanner), though the memory may change between the two.
  let laid: { snapshot: ClusterSnapshot; laid: ClusterSnapshot } | undefined;
  const layOver = (snapshot: ClusterSnapshot): ClusterSnapshot => {
    if (laid?.snapshot !== snapshot) laid = { snapshot, laid: memory.asStatus(snapshot) };
    return laid.laid;
  };
  return {
    allocations: memory,
    async start(listener) {
      // Awaited here so that a bad kubeconfig ends `run` (exit 2) instead of being retried.
      const client = new KubeClient(
        await loadKubeConfig(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}),
      );
      controller = new KubeController(client, {
        decide: (update) => opts.planner(layOver(update.snapshot)),
        onError: (err, where) => {
          log.error({ err, where }, 'kubernetes error');
          listener.problem(err);
        },
        onUpdate: (update) => {
          for (const issue of update.issues) log.warn({ ...issue }, 'skipped a cluster object');
          opts.onConfigDocuments?.(update.configDocuments);
          listener.snapshot(layOver(update.snapshot), true);
        },
        onApplied: (applied) => {
          const { status, events, routes } = applied;
          log.debug(
            { status: status.length, events: events.length, routes: routes.length },
            'status written',
          );
          opts.onApplied?.(applied);
        },
        // The engine coalesces a burst itself (its next timer turn); a window here would only
        // add its length to every change's way to the router.
        source: { metallbNamespace: opts.metallbNamespace, coalesceMs: 0 },
        routeAnnotations: true,
        poolStatus: { namespace: opts.metallbNamespace, pools: opts.pools },
      });
      await controller.start();
    },
    async stop() {
      await controller?.stop();
    },
    /** Route annotations on Services follow the router's verifications (docs/status.md). */
    verified(verification) {
      controller?.verified(verification);
    },
  };
}

/**
 * The MetalLB ConfigMap and metallb.io objects in the cluster now, named
 * `kubernetes:KIND/NAMESPACE/NAME` (the "file" in config errors). One full list, then stop.
 */
export async function readClusterConfigDocuments(
  client: KubeClient,
  metallbNamespace: string,
  logger: Logger,
): Promise<ConfigText[]> {
  // A kubeconfig that does not load is bad input, not a server to retry (the source retries).
  await client.ready();
  const source = new KubeClusterSource(client, {
    metallbNamespace,
    onUpdate: () => {},
    onError: (err, where) => logger.warn({ err, where }, 'kubernetes error while reading the MetalLB config'),
  });
  try {
    return (await source.start()).configDocuments;
  } finally {
    await source.stop();
  }
}
