import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { CrsError, ExitCode } from '../util/errors.js';
import { packageVersion } from '../util/package-info.js';
import { checkSpec } from './commands/check.js';
import { neighborsSpec } from './commands/neighbors.js';
import { planSpec } from './commands/plan.js';
import { recordSpec } from './commands/record.js';
import { runSpec } from './commands/run.js';
import { verifySpec } from './commands/verify.js';
import { versionSpec } from './commands/version.js';
import { registerCommand } from './define-command.js';
import { EXIT_CODES_HELP } from './help-text.js';
import { processIo, type CliIo } from './io.js';

/** Builds the command tree; each subcommand is described by its own module. */
export function buildProgram(io: CliIo = processIo, setExitCode: (code: number) => void = () => {}): Command {
  const program = new Command('cluster-router-sync')
    .description('Router-side BGP load balancer for bare-metal Kubernetes clusters')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${EXIT_CODES_HELP}\n`);
  registerCommand(program, runSpec, io, setExitCode);
  registerCommand(program, planSpec, io, setExitCode);
  registerCommand(program, verifySpec, io, setExitCode);
  registerCommand(program, checkSpec, io, setExitCode);
  registerCommand(program, recordSpec, io, setExitCode);
  registerCommand(program, neighborsSpec, io, setExitCode);
  registerCommand(program, versionSpec, io, setExitCode);
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting, so tests can call it. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message or the help; only the code is left to decide.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    }
    if (err instanceof ConfigError) {
      io.err(`error: invalid configuration:\n${err.message.replace(/^/gm, '  ')}\n`);
      return err.exitCode;
    }
    if (err instanceof CrsError) {
      io.err(`error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
