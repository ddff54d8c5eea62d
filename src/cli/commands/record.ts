import {
  commonOptionsFrom,
  liveSourcesFrom,
  loggerOptionsFrom,
  PLAIN_OUTPUTS,
  type CommonOptions,
} from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { printCheckResult } from '../check-result-io.js';

export interface RecordOptions extends CommonOptions {
  /** Directory to write: manifests, config and `router/show ...` outputs, ready for `check`. */
  dir: string;
}

/** `record DIR`: one read-only snapshot of the cluster and the router (src/app/check/run-record.ts). */
async function recordCommand(opts: RecordOptions, io: CliIo): Promise<number> {
  // Loaded here, not at the top: `--help` lists this command without loading SSH or the planner.
  const [{ runRecord }, { createLogger }, { createRouterTransport }] = await Promise.all([
    import('../../app/check/run-record.js'),
    import('../../observability/logger.js'),
    import('../../router-drivers/index.js'),
  ]);
  const log = createLogger(loggerOptionsFrom(opts));
  const result = await runRecord(liveSourcesFrom(opts), createRouterTransport, opts.dir, log);
  return printCheckResult(result, io);
}

export const recordSpec: CommandSpec<RecordOptions> = {
  name: 'record',
  args: '<dir>',
  summary:
    'save the cluster objects, the config and the router outputs into DIR, for `check` and bug reports',
  outputs: PLAIN_OUTPUTS,
  examples: [
    [
      'cluster-router-sync record ./incident-42 --config router.yaml --config metallb-config.yaml',
      'snapshot the live cluster and router',
    ],
    ['cluster-router-sync check ./incident-42', 'then replay it offline'],
  ],
  options: (raw, [dir]) => ({ ...commonOptionsFrom(raw), dir: dir as string }),
  action: recordCommand,
};
