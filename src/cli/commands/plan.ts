import { BadInputError, ExitCode } from '../../util/errors.js';
import { commonOptionsFrom, liveSourcesFrom, PLAIN_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';

export type PlanOptions = CommonOptions;

/**
 * `plan`: with a cluster (--manifests, or --kubeconfig for a read-only list of the API), the
 * allocations, routes and issues the planner derives; without one, the configuration model
 * alone, so a config can be checked before any cluster exists. Never writes anywhere.
 */
async function planCommand(opts: PlanOptions, io: CliIo): Promise<number> {
  if (opts.manifestsPath === undefined && opts.kubeconfig === undefined) return showConfig(opts, io);
  // Loaded here, not at the top: `--help` lists this command without loading the planner, and
  // the Kubernetes client is loaded (by the cluster source) only for --kubeconfig.
  const [{ readLiveCluster }, { planCluster }, { renderPlanText }, { formatConfigWarning }] =
    await Promise.all([
      import('../../app/check/live-cluster.js'),
      import('../../sync/planner/index.js'),
      import('../render-plan.js'),
      import('../../config/index.js'),
    ]);
  // The same reading of config + cluster as `verify` (config documents beside the services count).
  const live = await readLiveCluster(liveSourcesFrom(opts));
  printWarnings(live.configWarnings.map(formatConfigWarning), io);
  const plan = planCluster(live.config, live.snapshot);
  io.out(
    opts.output === 'json'
      ? `${JSON.stringify(plan, null, 2)}\n`
      : renderPlanText(live.snapshot.services, plan),
  );
  return ExitCode.Ok;
}

async function showConfig(opts: PlanOptions, io: CliIo): Promise<number> {
  if (opts.configFiles.length === 0) {
    throw new BadInputError(
      'plan: no config given: use --config FILE (repeatable), and --manifests PATH or --kubeconfig FILE to plan a cluster',
    );
  }
  const [{ configToJson, formatConfigWarning, loadConfigFiles }, { renderConfigSummary }] = await Promise.all(
    [import('../../config/index.js'), import('../render-config.js')],
  );
  const { config, warnings } = await loadConfigFiles(opts.configFiles);
  if (opts.output === 'json') {
    io.out(`${JSON.stringify({ config: configToJson(config), warnings }, null, 2)}\n`);
  } else {
    printWarnings(warnings.map(formatConfigWarning), io);
    io.out(renderConfigSummary(config, opts.configFiles));
  }
  return ExitCode.Ok;
}

function printWarnings(lines: readonly string[], io: CliIo): void {
  for (const line of lines) io.err(`warning: ${line}\n`);
}

export const planSpec: CommandSpec<PlanOptions> = {
  name: 'plan',
  summary:
    'plan a cluster (--manifests or --kubeconfig): IPs per service, routes per peer, issues; without one, show the configuration',
  outputs: PLAIN_OUTPUTS,
  configure: (cmd) =>
    cmd.addHelpText(
      'after',
      `
With --manifests PATH or --kubeconfig FILE the cluster is read once (a read-only list) and
planned: a kubectl-get-svc-style table with the planned EXTERNAL-IP, pool and any allocation
failure; per peer the routes as "show ip route bgp" would list them (ECMP next hops on "  *"
lines, the services each route carries); then the plan's issues. --output json prints the Plan
value itself (allocations, peers, issues; stably sorted). A MetalLB ConfigMap or metallb.io
objects among the manifests (or in the cluster) are read as config too.
Without a cluster only the configuration is loaded and shown (--output json: {config, warnings}).
Nothing is written to the cluster or the router.`,
    ),
  examples: [
    [
      'cluster-router-sync plan --config fixtures/seed/metallb-config.yaml --manifests fixtures/seed/manifests',
      "plan the seed cluster: the blog's kubectl get svc and show ip route bgp, from its manifests",
    ],
    [
      'cluster-router-sync plan --config metallb-config.yaml --kubeconfig ~/.kube/config --output json',
      'the Plan of a live cluster as JSON',
    ],
    [
      'cluster-router-sync plan --config fixtures/seed/metallb-config.yaml',
      'check a MetalLB ConfigMap and show the model it gives',
    ],
    [
      'cluster-router-sync plan --config router.yaml --config metallb-config.yaml --output json',
      'merge our own file (router access) with a MetalLB ConfigMap (peers, pools); print the model as JSON',
    ],
  ],
  options: (raw) => commonOptionsFrom(raw),
  action: planCommand,
};
