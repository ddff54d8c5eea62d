/**
 * What the benches on the whole system share: the checks before they start, and what they read
 * of `run`'s own process (/proc, proc(5)).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { apiServerBinaryPath } from '../test/e2e/apiserver.js';
import type { RunChild } from '../test/e2e/support/full-system.js';

/** Why the full system (test/e2e/support/full-system.ts) cannot start here, or undefined. */
export function fullSystemMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const path of ['/usr/lib/frr/bgpd', '/usr/sbin/sshd', '/usr/bin/etcd'])
    if (!existsSync(path)) return `${path} not installed`;
  if (!existsSync(apiServerBinaryPath()))
    return 'kube-apiserver not built (run: bash test/e2e/build-apiserver.sh)';
  return undefined;
}

/** A failed wait's error with the end of `run`'s log, which says why the state never came. */
export function withRunLog(run: RunChild): (err: Error) => never {
  return (err) => {
    throw new Error(`${err.message}\n${run.stderr().slice(-3000)}`, { cause: err });
  };
}

/** VmRSS and VmHWM (peak) of a process, in MiB (proc(5), /proc/<pid>/status). */
export async function processMemoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field} line`);
    return Number(m[1]) / 1024;
  };
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (sysconf(_SC_CLK_TCK), 100 on Linux). */
const CLOCK_TICKS_PER_S = 100;

/** User + system CPU time a process used so far, in ms (fields 14 and 15 of /proc/<pid>/stat). */
export async function processCpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`/proc/${pid}/stat: no utime/stime in ${stat.trim()}`);
  return (ticks * 1000) / CLOCK_TICKS_PER_S;
}

/** The 1-minute load average (/proc/loadavg), to put beside wall-time figures. */
export async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}

/** `p`, or a rejection as soon as `run` exits first: a crashed run fails the wait at once. */
export function whileRunning<T>(run: RunChild, p: Promise<T>): Promise<T> {
  let onExit: (code: number | null, signal: NodeJS.Signals | null) => void = () => {};
  const exited = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`run exited (${signal ?? code}) during the wait`));
    if (run.proc.exitCode !== null || run.proc.signalCode !== null)
      onExit(run.proc.exitCode, run.proc.signalCode);
    else run.proc.once('exit', onExit);
  });
  return Promise.race([p, exited]).finally(() => run.proc.off('exit', onExit));
}
