import { ExitCode } from '../../util/errors.js';
import type { CliIo } from '../io.js';

/**
 * The one answer of a subcommand whose capability is not wired in yet: a clear message and
 * the bad-input exit code, so scripts cannot mistake it for success.
 */
export async function notAvailableYet(command: string, io: CliIo): Promise<number> {
  io.err(`${command}: not available yet\n`);
  return ExitCode.BadInput;
}
