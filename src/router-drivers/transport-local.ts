import { execFile } from 'node:child_process';
import { RouterUnreachableError } from './errors.js';
import type { RouterTransport } from './transport.js';
import { splitVtyshOutput, vtyshArgs } from './vtysh-invocation.js';

const MAX_OUTPUT = 512 * 1024 * 1024;

/** Runs vtysh on this machine (the tool installed on the router itself). */
export function createLocalTransport(opts: { vtyshPath: string; commandTimeoutMs: number }): RouterTransport {
  return {
    description: `local ${opts.vtyshPath}`,
    run: (commands) =>
      new Promise((resolve, reject) => {
        execFile(
          opts.vtyshPath,
          vtyshArgs(commands),
          { timeout: opts.commandTimeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'utf8' },
          (err, stdout, stderr) => {
            const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: string | number }) | null;
            if (e && e.killed) {
              reject(
                new RouterUnreachableError(
                  `${opts.vtyshPath} did not finish within ${opts.commandTimeoutMs} ms`,
                ),
              );
              return;
            }
            if (e && typeof e.code === 'string') {
              reject(
                new RouterUnreachableError(`cannot run ${opts.vtyshPath}: ${e.message}`, { cause: err }),
              );
              return;
            }
            const status = e ? (typeof e.code === 'number' ? e.code : 1) : 0;
            try {
              resolve(splitVtyshOutput(commands, stdout, status, stderr));
            } catch (parseErr) {
              reject(parseErr as Error);
            }
          },
        );
      }),
    close: async () => {},
  };
}
