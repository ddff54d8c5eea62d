import { Command, CommanderError } from 'commander';
import { ExitCode } from '../util/errors.js';
import { packageVersion } from '../util/package-info.js';
import { registerCommand, type CommandSpec } from './define-command.js';
import { EXIT_CODES_HELP } from './help-text.js';
import { processIo, type CliIo } from './io.js';

type Registrar = (program: Command, io: CliIo, setExitCode: (code: number) => void) => Promise<void>;

function lazy<O>(load: () => Promise<CommandSpec<O>>): Registrar {
  return async (program, io, setExitCode) => registerCommand(program, await load(), io, setExitCode);
}

/**
 * Each subcommand's module is imported only when that subcommand runs (or for the top-level
 * help, which lists them all): `version` and `check` must not pay for the Kubernetes client,
 * SSH or the BGP speaker that `run` needs. Listed in help order.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, register: Registrar]> = [
  ['run', lazy(async () => (await import('./commands/run.js')).runSpec)],
  ['plan', lazy(async () => (await import('./commands/plan.js')).planSpec)],
  ['verify', lazy(async () => (await import('./commands/verify.js')).verifySpec)],
  ['check', lazy(async () => (await import('./commands/check.js')).checkSpec)],
  ['record', lazy(async () => (await import('./commands/record.js')).recordSpec)],
  ['neighbors', lazy(async () => (await import('./commands/neighbors.js')).neighborsSpec)],
  ['version', lazy(async () => (await import('./commands/version.js')).versionSpec)],
];

/**
 * The subcommand argv names, if any: the first word that is not a flag (the program's own flags,
 * -V and -h, take no value), or the word after `help`. Undefined means every command is needed.
 */
function requestedCommand(argv: readonly string[]): string | undefined {
  const words = argv.slice(2).filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.some(([known]) => known === name) ? name : undefined;
}

/**
 * Builds the command tree for `argv`: only the requested subcommand, or all of them when argv
 * names none (top-level help, an unknown command, which commander then reports).
 */
async function buildProgram(
  argv: readonly string[],
  io: CliIo = processIo,
  setExitCode: (code: number) => void = () => {},
): Promise<Command> {
  const program = new Command('cluster-router-sync')
    .description('Router-side BGP load balancer for bare-metal Kubernetes clusters')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `${EXIT_CODES_HELP}\n`);
  const wanted = requestedCommand(argv);
  for (const [name, register] of COMMANDS) {
    if (wanted === undefined || wanted === name) await register(program, io, setExitCode);
  }
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting, so tests can call it. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = ExitCode.Ok;
  const program = await buildProgram(argv, io, (code) => {
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
    // Imported like the commands, so that `instanceof` meets the classes of the module instances
    // that threw: a test runner that require()s static imports keeps import()s apart from them.
    const [{ ConfigError }, { CrsError }] = await Promise.all([
      import('../config/errors.js'),
      import('../util/errors.js'),
    ]);
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
