import { commonOptionsFrom, PLAIN_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { notAvailableYet } from './not-available.js';

export interface RecordOptions extends CommonOptions {
  /** Directory to write: manifests, config and `router/show ...` outputs, ready for `check`. */
  dir: string;
}

export async function recordCommand(_opts: RecordOptions, io: CliIo): Promise<number> {
  return notAvailableYet('record', io);
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
