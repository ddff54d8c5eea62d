import { REPORT_FORMATS } from '../../reports/formats.js';
import {
  commonOptionsFrom,
  liveSourcesFrom,
  loggerOptionsFrom,
  type CommonOptions,
} from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { printCheckResult } from '../check-result-io.js';

export type VerifyOptions = CommonOptions;

/** `verify`: `check`'s plan-and-compare against the live cluster and router (src/app/check/run-verify.ts). */
async function verifyCommand(opts: VerifyOptions, io: CliIo): Promise<number> {
  // Loaded here, not at the top: `--help` lists this command without loading SSH or the planner.
  const [{ runVerify }, { createLogger }, { createRouterDriver }] = await Promise.all([
    import('../../app/check/run-verify.js'),
    import('../../observability/logger.js'),
    import('../../router-drivers/index.js'),
  ]);
  const log = createLogger(loggerOptionsFrom(opts));
  const result = await runVerify(liveSourcesFrom(opts), (access) => createRouterDriver(access, log), {
    format: opts.output,
    color: opts.output === 'text' && io.isTty === true,
  });
  return printCheckResult(result, io);
}

export const verifySpec: CommandSpec<VerifyOptions> = {
  name: 'verify',
  summary:
    "compare the router's BGP table and routes (read with vtysh) with what the cluster should announce",
  outputs: REPORT_FORMATS,
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
