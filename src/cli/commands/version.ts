import { ExitCode } from '../../util/errors.js';
import { packageVersion } from '../../util/package-info.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';

export type VersionOptions = Record<string, never>;

async function versionCommand(_opts: VersionOptions, io: CliIo): Promise<number> {
  io.out(`${packageVersion()}\n`);
  return ExitCode.Ok;
}

export const versionSpec: CommandSpec<VersionOptions> = {
  name: 'version',
  summary: 'print the version',
  outputs: null,
  examples: [['cluster-router-sync version', 'print the version, e.g. 0.1.0']],
  options: () => ({}),
  action: versionCommand,
};
