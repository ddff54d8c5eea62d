import { formatListenAddress, parseListenAddress, type ListenAddress } from '../../util/listen-address.js';
import {
  commonOptionsFrom,
  loggerOptionsFrom,
  PLAIN_OUTPUTS,
  type CommonOptions,
} from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';

export interface RunOptions extends CommonOptions {
  /** Run the embedded seed scenario (fixtures/seed) instead of a real cluster. */
  demo: boolean;
  withdrawOnExit: boolean;
  /** Print the report after the first full sync and exit 0 (ok) or 1 (drift). */
  once: boolean;
  /** host:port for the Prometheus endpoint; unset means no metrics server. */
  metricsAddress?: ListenAddress;
  /** Act only while holding the Lease (replicas beyond the first wait as followers). */
  leaderElect: boolean;
  /** Default: the config's kubernetes.metallbNamespace. */
  leaseNamespace?: string;
  leaseName: string;
}

/** Served unless --metrics-address says otherwise; the demo serves metrics only when asked. */
const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9473';

async function runCommand(opts: RunOptions, io: CliIo): Promise<number> {
  // Loaded here, not at the top: `--help` lists this command without loading BGP, SSH or Kubernetes.
  const [{ runDemo }, { replicaIdentity }, { createLogger }, { runSync }] = await Promise.all([
    import('../../app/demo/demo.js'),
    import('../../k8s/leader-election.js'),
    import('../../observability/logger.js'),
    import('../../app/engine/run-sync.js'),
  ]);
  const m = opts.metricsAddress;
  const metricsAddress = m ? formatListenAddress(m) : undefined;
  const common = {
    logger: createLogger(loggerOptionsFrom(opts)),
    write: io.out,
    once: opts.once,
    withdrawOnExit: opts.withdrawOnExit,
    color: opts.output === 'text' && io.isTty === true,
  };
  if (opts.demo) {
    return runDemo({
      ...common,
      ...(opts.configFiles.length > 0 ? { configFiles: opts.configFiles } : {}),
      ...(opts.manifestsPath !== undefined ? { manifestsPath: opts.manifestsPath } : {}),
      ...(metricsAddress !== undefined ? { metricsAddress } : {}),
    });
  }
  return runSync({
    ...common,
    configFiles: opts.configFiles,
    format: opts.output,
    metricsAddress: metricsAddress ?? DEFAULT_METRICS_ADDRESS,
    ...(opts.manifestsPath !== undefined ? { manifestsPath: opts.manifestsPath } : {}),
    ...(opts.kubeconfig !== undefined ? { kubeconfig: opts.kubeconfig } : {}),
    ...(opts.leaderElect
      ? {
          leaderElection: {
            name: opts.leaseName,
            identity: replicaIdentity(),
            ...(opts.leaseNamespace !== undefined ? { namespace: opts.leaseNamespace } : {}),
          },
        }
      : {}),
  });
}

export const runSpec: CommandSpec<RunOptions> = {
  name: 'run',
  summary: 'allocate LoadBalancer IPs, announce them to the router over BGP and keep verifying the router',
  outputs: PLAIN_OUTPUTS,
  configure: (cmd) =>
    cmd
      .option('--demo', 'run the built-in seed scenario (fixtures/seed): no cluster or config needed', false)
      .option(
        '--withdraw-on-exit',
        'withdraw every announced route before exiting (default: let graceful restart keep them)',
        false,
      )
      .option('--once', 'print the report after the first full sync and exit (0 ok, 1 drift)', false)
      .option(
        '--leader-elect',
        'act (allocate, write status, announce) only while holding a coordination.k8s.io Lease, so replicas can stand by; identity from $POD_NAME, else the host name',
        false,
      )
      .option('--lease-namespace <ns>', "the Lease's namespace (default: the config's MetalLB namespace)")
      .option('--lease-name <name>', "the Lease's name", 'cluster-router-sync')
      .option(
        '--metrics-address <host:port>',
        'serve /metrics, /healthz and /readyz on this address (default 127.0.0.1:9473; --demo serves them only when given)',
      ),
  examples: [
    [
      'cluster-router-sync run --demo',
      'try it without a cluster or router: the seed scenario, announcements recorded locally',
    ],
    [
      'cluster-router-sync run --config router.yaml --config metallb-config.yaml --metrics-address 127.0.0.1:9464',
      'production: read the cluster (in-cluster or $KUBECONFIG), peer with the router, expose metrics',
    ],
    [
      'cluster-router-sync run --config crs.yaml --manifests ./manifests --withdraw-on-exit',
      'drive services from manifests and clean up routes on exit',
    ],
  ],
  options: (raw) => {
    const metrics = raw.metricsAddress as string | undefined;
    return {
      ...commonOptionsFrom(raw),
      demo: raw.demo === true,
      withdrawOnExit: raw.withdrawOnExit === true,
      once: raw.once === true,
      leaderElect: raw.leaderElect === true,
      leaseName: raw.leaseName as string,
      ...(typeof raw.leaseNamespace === 'string' ? { leaseNamespace: raw.leaseNamespace } : {}),
      ...(metrics === undefined ? {} : { metricsAddress: parseListenAddress(metrics, '--metrics-address') }),
    };
  },
  action: runCommand,
};
