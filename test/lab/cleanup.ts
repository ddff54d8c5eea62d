import type { ChildProcess } from 'node:child_process';

/**
 * Runs every cleanup step even when an earlier one fails, so nothing a lab test started (daemons,
 * namespaces, temporary directories) outlives it; the failures are thrown together at the end.
 */
export async function cleanUpAll(
  steps: ReadonlyArray<() => Promise<unknown>>,
  what = 'lab cleanup',
): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) await step().catch((err: unknown) => failures.push(err));
  if (failures.length > 0) throw new AggregateError(failures, `${what} failed`);
}

/** SIGKILLs `child` (a process the test spawned) if it is still running and waits for its exit. */
export async function killChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
