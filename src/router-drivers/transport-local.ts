import { spawn } from 'node:child_process';
import { DEFAULTS } from '../config/defaults.js';
import { CappedOutput, commandsForMessage } from './capped-output.js';
import { RouterOutputTooLargeError, RouterUnreachableError } from './errors.js';
import { redactPasswordsIn } from './secret-text.js';
import type { RouterTransport } from './transport.js';
import { vtyshInvocation, type CliInvocation } from './cli-invocation.js';
import { vtyshArgs } from './vtysh-invocation.js';

export interface LocalTransportOptions {
  vtyshPath: string;
  commandTimeoutMs: number;
  /** Most bytes (stdout and stderr together) one vtysh run may print: router.maxOutputBytes. */
  maxOutputBytes?: number;
  /** The CLI program's argument and output conventions; vtysh's unless told (BIRD: birdc). */
  invocation?: CliInvocation;
}

/**
 * How one batch is handed to vtysh. Normally as `-E -c` arguments: vtysh stops at the first
 * refused command. A batch carrying a neighbor password goes on standard input instead, because
 * every local user can read a process's arguments (/proc/PID/cmdline, `ps`). FRR 8.4.4's vtysh,
 * reading commands from a pipe, echoes `host# command` before each command's output just as `-E`
 * does, but it goes on after a refusal (and exits 0): the first refusal is still reported, and
 * the one caller that sends passwords (the neighbor manager) reads the config back and rolls
 * back whatever the batch did when anything was refused.
 */
function invocation(commands: readonly string[]): { args: string[]; stdin: string } {
  const carriesSecret = commands.some((c) => redactPasswordsIn(c) !== c);
  return carriesSecret
    ? { args: [], stdin: `${commands.join('\n')}\n` }
    : { args: vtyshArgs(commands), stdin: '' };
}

/** Runs vtysh on this machine (the tool installed on the router itself). */
export function createLocalTransport(opts: LocalTransportOptions): RouterTransport {
  const maxOutputBytes = opts.maxOutputBytes ?? DEFAULTS.maxOutputBytes;
  const description = `local ${opts.vtyshPath}`;
  return {
    description,
    run: (commands) =>
      new Promise((resolve, reject) => {
        const { args, stdin } =
          opts.invocation === undefined
            ? invocation(commands)
            : { args: opts.invocation.args(commands), stdin: '' };
        const child = spawn(opts.vtyshPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        const output = new CappedOutput(maxOutputBytes);
        let settled = false;
        let stdinError: Error | undefined;
        const fail = (error: Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          reject(error);
        };
        // Killed through the handle of the process started here, never by name.
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          fail(
            new RouterUnreachableError(`${opts.vtyshPath} did not finish within ${opts.commandTimeoutMs} ms`),
          );
        }, opts.commandTimeoutMs);
        const take = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
          if (settled || output.add(stream, d)) return;
          child.kill('SIGKILL');
          fail(new RouterOutputTooLargeError(description, commandsForMessage(commands), maxOutputBytes));
        };
        child.stdout.on('data', take('stdout'));
        child.stderr.on('data', take('stderr'));
        child.on('error', (err) => {
          fail(new RouterUnreachableError(`cannot run ${opts.vtyshPath}: ${err.message}`, { cause: err }));
        });
        // vtysh may exit before reading all of its input (it could not reach the daemons, say):
        // its exit status and message tell why; the broken pipe only matters if it claims success.
        child.stdin.on('error', (err) => {
          stdinError = err;
        });
        // Nothing to send is no write at all: a zero-length write to a program that has already
        // exited (birdc answers at once) fails with EPIPE.
        if (stdin === '') child.stdin.end();
        else child.stdin.end(stdin);
        child.on('close', (code, signal) => {
          if (settled) return;
          if (code === 0 && stdinError !== undefined) {
            fail(
              new RouterUnreachableError(
                `${opts.vtyshPath} did not read its commands: ${stdinError.message}`,
                {
                  cause: stdinError,
                },
              ),
            );
            return;
          }
          settled = true;
          clearTimeout(timer);
          try {
            const split = (opts.invocation ?? vtyshInvocation).split;
            resolve(split(commands, output.stdout, signal === null ? code : null, output.stderr));
          } catch (parseErr) {
            reject(parseErr as Error);
          }
        });
      }),
    close: async () => {},
  };
}
