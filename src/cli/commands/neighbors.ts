import { BadInputError } from '../../util/errors.js';
import { commonOptionsFrom, PLAIN_OUTPUTS, type CommonOptions } from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';
import { notAvailableYet } from './not-available.js';

export interface NeighborsOptions extends CommonOptions {
  /** Run the `neighbor ...` commands on the router instead of only printing them. */
  apply: boolean;
  /** After applying, `write memory` so the router keeps them across restarts. */
  writeMemory: boolean;
}

export async function neighborsCommand(_opts: NeighborsOptions, io: CliIo): Promise<number> {
  return notAvailableYet('neighbors', io);
}

export const neighborsSpec: CommandSpec<NeighborsOptions> = {
  name: 'neighbors',
  summary: "show (or apply) the router's `neighbor` lines this cluster needs: one per node",
  outputs: PLAIN_OUTPUTS,
  configure: (cmd) =>
    cmd
      .option(
        '--apply',
        'configure the missing neighbors on the router over vtysh (default: dry run, print only)',
        false,
      )
      .option('--write-memory', 'with --apply: save the router configuration afterwards', false),
  examples: [
    [
      'cluster-router-sync neighbors --config router.yaml --config metallb-config.yaml',
      'print the vtysh commands that would add the missing neighbors',
    ],
    [
      'cluster-router-sync neighbors --config crs.yaml --apply --write-memory',
      'add them on the router and save its configuration',
    ],
  ],
  options: (raw) => {
    const apply = raw.apply === true;
    const writeMemory = raw.writeMemory === true;
    if (writeMemory && !apply) throw new BadInputError('--write-memory needs --apply');
    return { ...commonOptionsFrom(raw), apply, writeMemory };
  },
  action: neighborsCommand,
};
