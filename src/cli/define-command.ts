import type { Command } from 'commander';
import type { ReportFormat } from '../reports/formats.js';
import { addCommonOptions } from './common-options.js';
import { examplesHelp } from './help-text.js';
import type { CliIo } from './io.js';

/**
 * One subcommand: its flags, help examples, how its raw flags become a typed options object,
 * and its action. Every subcommand goes through `registerCommand`, so help layout, the exit-code
 * table and exit-code plumbing live in one place.
 */
export interface CommandSpec<O> {
  name: string;
  /** Positional arguments in commander syntax, e.g. `<dir>`. */
  args?: string;
  summary: string;
  /** Output formats for the shared flags; `null` for commands without the shared flags. */
  outputs: readonly ReportFormat[] | null;
  /** Adds the command's own flags. */
  configure?: (cmd: Command) => void;
  examples: ReadonlyArray<readonly [command: string, what: string]>;
  /** Turns commander's option bag and positional arguments into typed options (may throw BadInputError). */
  options: (raw: Record<string, unknown>, args: string[]) => O;
  action: (opts: O, io: CliIo) => Promise<number>;
}

export function registerCommand<O>(
  program: Command,
  spec: CommandSpec<O>,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  const cmd = program.command(spec.args ? `${spec.name} ${spec.args}` : spec.name).description(spec.summary);
  if (spec.outputs) addCommonOptions(cmd, spec.outputs);
  spec.configure?.(cmd);
  cmd.addHelpText('after', examplesHelp(spec.examples));
  cmd.action(async (...params: unknown[]) => {
    const command = params[params.length - 1] as Command;
    const args = params.slice(0, -2).filter((p): p is string => typeof p === 'string');
    const options = spec.options(command.opts(), args);
    setExitCode(await spec.action(options, io));
  });
}
