import { REPORT_FORMATS } from '../../reports/formats.js';
import { commonOptionsFrom, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { printCheckResult } from '../check-result-io.js';
import { BadInputError } from '../../util/errors.js';

export interface CheckOptions extends CommonOptions {
  /** A recorded check directory: manifests, config and `router/show ...` outputs. */
  dir: string;
  /** A golden report the result must equal. */
  expectFile?: string;
}

/** `check DIR`: plan the recorded cluster, compare with the recorded router, print the report. */
async function checkCommand(opts: CheckOptions, io: CliIo): Promise<number> {
  // Loaded here, not at the top: `--help` lists this command without loading the planner.
  const { runCheck } = await import('../../app/check/run-check.js');
  const result = await runCheck(opts.dir, {
    format: opts.output,
    color: opts.output === 'text' && io.isTty === true,
    ...(opts.expectFile === undefined ? {} : { expectFile: opts.expectFile }),
  });
  return printCheckResult(result, io);
}

/** DIR is self-contained: flags that would bring a second config or cluster are refused, not ignored. */
function refuseOutsideSources(common: CommonOptions): void {
  const given = [
    ...(common.configFiles.length > 0 ? ['--config'] : []),
    ...(common.manifestsPath !== undefined ? ['--manifests'] : []),
    ...(common.kubeconfig !== undefined ? ['--kubeconfig'] : []),
  ];
  if (given.length > 0) {
    throw new BadInputError(
      `check: ${given.join(', ')} cannot be used: DIR holds the config, the manifests and the router outputs`,
    );
  }
}

export const checkSpec: CommandSpec<CheckOptions> = {
  name: 'check',
  args: '<dir>',
  summary: 'verify offline: plan a recorded cluster and compare it with recorded router outputs in DIR',
  outputs: REPORT_FORMATS,
  configure: (cmd) =>
    cmd.option('--expect <file>', 'golden report (text or JSON) the report must equal; a difference exits 1'),
  examples: [
    [
      'cluster-router-sync check fixtures/seed',
      "check the seed scenario: the blog's cluster against its router outputs",
    ],
    [
      'cluster-router-sync check ./recorded --output json --expect ./recorded/expected.json',
      'regression test against a golden report',
    ],
  ],
  options: (raw, [dir]) => {
    const common = commonOptionsFrom(raw);
    refuseOutsideSources(common);
    return {
      ...common,
      dir: dir as string,
      ...(raw.expect === undefined ? {} : { expectFile: raw.expect as string }),
    };
  },
  action: checkCommand,
};
