import { Option } from 'commander';
import { BadInputError } from '../../util/errors.js';
import { commonOptionsFrom, PLAIN_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { notAvailableYet } from './not-available.js';

export interface RunOptions extends CommonOptions {
  /** Run the embedded seed scenario (fixtures/seed) instead of a real cluster. */
  demo: boolean;
  /** collector: our speaker only records what it would announce; frr: announce to a real router. */
  router: 'collector' | 'frr';
  withdrawOnExit: boolean;
  /** host:port for the Prometheus endpoint; unset means no metrics server. */
  metricsAddress?: { host: string; port: number };
}

export async function runCommand(_opts: RunOptions, io: CliIo): Promise<number> {
  return notAvailableYet('run', io);
}

/** Parses `host:port` or `[v6]:port`. */
export function parseListenAddress(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) {
    throw new BadInputError(
      `--metrics-address: "${text}" is not host:port (e.g. 127.0.0.1:9464 or [::1]:9464)`,
    );
  }
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export const runSpec: CommandSpec<RunOptions> = {
  name: 'run',
  summary: 'allocate LoadBalancer IPs, announce them to the router over BGP and keep verifying the router',
  outputs: PLAIN_OUTPUTS,
  configure: (cmd) =>
    cmd
      .option('--demo', 'run the built-in seed scenario (fixtures/seed): no cluster or config needed', false)
      .addOption(
        new Option(
          '--router <kind>',
          'collector: record announcements only; frr: peer with a real FRR/Quagga router',
        )
          .choices(['collector', 'frr'])
          .default('frr'),
      )
      .option(
        '--withdraw-on-exit',
        'withdraw every announced route before exiting (default: let graceful restart keep them)',
        false,
      )
      .option(
        '--metrics-address <host:port>',
        'serve Prometheus metrics on this address, e.g. 127.0.0.1:9464',
      ),
  examples: [
    [
      'cluster-router-sync run --demo --router collector',
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
      router: raw.router as RunOptions['router'],
      withdrawOnExit: raw.withdrawOnExit === true,
      ...(metrics === undefined ? {} : { metricsAddress: parseListenAddress(metrics) }),
    };
  },
  action: runCommand,
};
