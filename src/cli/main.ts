import { Command, CommanderError } from 'commander';
import { CrsError, ExitCode } from '../util/errors.js';
import { packageVersion } from '../util/package-info.js';

/** Builds the command tree; subcommands are registered by their own modules. */
export function buildProgram(): Command {
  const program = new Command('cluster-router-sync')
    .description('Router-side BGP load balancer for bare-metal Kubernetes clusters')
    .version(packageVersion(), '-V, --version')
    .exitOverride();
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`${packageVersion()}\n`);
    });
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    }
    if (err instanceof CrsError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
