import type { Logger } from 'pino';
import { KubeClient, loadKubeConfig } from '../../k8s/kube-client.js';
import { LeaderElector, type LeaseOptions } from '../../k8s/leader-election.js';

export interface Leadership {
  /** Resolves when this replica no longer holds the Lease (could not renew in time). */
  lost: Promise<void>;
  /** Stops renewing; a clean shutdown hands the Lease back so a follower takes over at once. */
  release(): Promise<void>;
}

/**
 * Waits until this replica holds the Lease. A follower does nothing else meanwhile: no watches,
 * no BGP session, no router access, so it can never announce or write. Returns undefined when
 * `abort` resolves first (a signal while following).
 */
export async function acquireLeadership(
  opts: LeaseOptions & { kubeconfig?: string; logger: Logger; abort: Promise<void> },
): Promise<Leadership | undefined> {
  const log = opts.logger.child({ component: 'leader-election' });
  const client = new KubeClient(
    await loadKubeConfig(opts.kubeconfig ? { kubeconfigPath: opts.kubeconfig } : {}),
  );
  let started!: () => void;
  let stopped!: () => void;
  const leading = new Promise<void>((resolve) => (started = resolve));
  const lost = new Promise<void>((resolve) => (stopped = resolve));
  const elector = new LeaderElector(client, {
    namespace: opts.namespace,
    name: opts.name,
    identity: opts.identity,
    ...(opts.leaseDurationSec !== undefined ? { leaseDurationSec: opts.leaseDurationSec } : {}),
    ...(opts.renewDeadlineSec !== undefined ? { renewDeadlineSec: opts.renewDeadlineSec } : {}),
    ...(opts.retryPeriodSec !== undefined ? { retryPeriodSec: opts.retryPeriodSec } : {}),
    onStartedLeading: () => {
      log.info({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity }, 'leading');
      started();
    },
    onStoppedLeading: () => stopped(),
    onError: (err) => log.warn({ err }, 'leader election request failed'),
  });
  log.info({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity }, 'waiting for the lease');
  elector.start();
  const won = await Promise.race([leading.then(() => true), opts.abort.then(() => false)]);
  if (!won) {
    await elector.stop({ release: true });
    return undefined;
  }
  return { lost, release: () => elector.stop({ release: true }) };
}
