import { configToJson, formatConfigWarning, loadConfigFiles } from '../../config/index.js';
import { BadInputError, ExitCode } from '../../util/errors.js';
import { commonOptionsFrom, PLAIN_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { renderConfigSummary } from '../render-config.js';

export type PlanOptions = CommonOptions;

/**
 * `plan`: for now, load and validate the configuration and show the model it yields (the
 * planner's allocations and routes are added here once it is wired in).
 */
export async function planCommand(opts: PlanOptions, io: CliIo): Promise<number> {
  if (opts.configFiles.length === 0) {
    throw new BadInputError('plan: no config given: use --config FILE (repeatable)');
  }
  const { config, warnings } = await loadConfigFiles(opts.configFiles);
  const unused = [
    ...(opts.manifestsPath !== undefined ? ['--manifests'] : []),
    ...(opts.kubeconfig !== undefined ? ['--kubeconfig'] : []),
  ];
  if (unused.length > 0) {
    io.err(
      `plan: ${unused.join(' and ')} not used yet: only the configuration is shown, allocations and routes are not planned here yet\n`,
    );
  }
  if (opts.output === 'json') {
    io.out(`${JSON.stringify({ config: configToJson(config), warnings }, null, 2)}\n`);
  } else {
    for (const w of warnings) io.err(`warning: ${formatConfigWarning(w)}\n`);
    io.out(renderConfigSummary(config, opts.configFiles));
  }
  return ExitCode.Ok;
}

export const planSpec: CommandSpec<PlanOptions> = {
  name: 'plan',
  summary: 'load and validate the configuration and show what it defines: peers, pools, advertisements',
  outputs: PLAIN_OUTPUTS,
  examples: [
    [
      'cluster-router-sync plan --config fixtures/seed/metallb-config.yaml',
      'check a MetalLB ConfigMap and show the model it gives',
    ],
    [
      'cluster-router-sync plan --config router.yaml --config metallb-config.yaml --output json',
      'merge our own file (router access) with a MetalLB ConfigMap (peers, pools); print JSON',
    ],
    [
      'cluster-router-sync plan --config metallb-crds.yaml --output json | jq .warnings',
      'list what was accepted with a warning (unknown fields, BFD, layer2)',
    ],
  ],
  options: (raw) => commonOptionsFrom(raw),
  action: planCommand,
};
