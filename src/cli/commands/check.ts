import { commonOptionsFrom, REPORT_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { notAvailableYet } from './not-available.js';

export interface CheckOptions extends CommonOptions {
  /** A recorded check directory: manifests, config and `router/show ...` outputs. */
  dir: string;
  /** A golden report the result must equal. */
  expectFile?: string;
}

export async function checkCommand(_opts: CheckOptions, io: CliIo): Promise<number> {
  return notAvailableYet('check', io);
}

export const checkSpec: CommandSpec<CheckOptions> = {
  name: 'check',
  args: '<dir>',
  summary: 'verify offline: plan a recorded cluster and compare it with recorded router outputs in DIR',
  outputs: REPORT_OUTPUTS,
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
  options: (raw, [dir]) => ({
    ...commonOptionsFrom(raw),
    dir: dir as string,
    ...(raw.expect === undefined ? {} : { expectFile: raw.expect as string }),
  }),
  action: checkCommand,
};
