import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for.js';

/**
 * The pid in `<dir>/<daemon>.pid`, the file a routing daemon started with `-d -i` writes (FRR,
 * Quagga); 0 while there is no such file or it is still empty, i.e. the daemon has not got so far.
 */
async function pidFromFile(dir: string, daemon: string): Promise<number> {
  try {
    return Number((await readFile(join(dir, `${daemon}.pid`), 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** Whether the process exists: signal 0 checks without signalling (kill(2)). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // ESRCH: no such process; EPERM would mean it exists under another user.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Whether the daemon's pid file names a live process: how a daemon that forked away is awaited. */
export async function daemonRunning(dir: string, daemon: string): Promise<boolean> {
  const pid = await pidFromFile(dir, daemon);
  return pid > 0 && isAlive(pid);
}

/**
 * Sends `signal` to the daemon named by its pid file and waits until it is gone; nothing to do
 * when the pid file names no live process. `required` makes a missing daemon an error.
 */
export async function signalDaemon(
  dir: string,
  daemon: string,
  signal: NodeJS.Signals,
  required = false,
): Promise<void> {
  const pid = await pidFromFile(dir, daemon);
  if (pid > 0 && isAlive(pid)) {
    process.kill(pid, signal);
    await waitFor(`${daemon} to exit`, () => !isAlive(pid));
  } else if (required) {
    throw new Error(`${daemon} is not running (pid file ${join(dir, `${daemon}.pid`)})`);
  }
}
