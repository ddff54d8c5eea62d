import { commonOptionsFrom, REPORT_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { notAvailableYet } from './not-available.js';

export type VerifyOptions = CommonOptions;

export async function verifyCommand(_opts: VerifyOptions, io: CliIo): Promise<number> {
  return notAvailableYet('verify', io);
}

export const verifySpec: CommandSpec<VerifyOptions> = {
  name: 'verify',
  summary:
    "compare the router's BGP table and routes (read with vtysh) with what the cluster should announce",
  outputs: REPORT_OUTPUTS,
  examples: [
    [
      'cluster-router-sync verify --config router.yaml --config metallb-config.yaml',
      'one verification against the live cluster and router',
    ],
    [
      'cluster-router-sync verify --config crs.yaml --manifests ./manifests --output junit > verify.xml',
      'a JUnit report for CI',
    ],
    [
      'cluster-router-sync verify --config crs.yaml --output markdown',
      'a Markdown table, e.g. for a pull-request comment',
    ],
  ],
  options: (raw) => commonOptionsFrom(raw),
  action: verifyCommand,
};
