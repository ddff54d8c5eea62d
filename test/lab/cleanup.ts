import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';

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

/**
 * The last cleanup steps of most lab tests: stop the router, then remove the lab's namespaces, then
 * the test's temporary directory (the router's state dir may live under it). Parts the test never
 * got to start are skipped.
 */
export function labSteps(parts: {
  frr?: { stop(): Promise<unknown> } | undefined;
  lab?: { destroy(): Promise<unknown> } | undefined;
  dir?: string | undefined;
}): Array<() => Promise<unknown>> {
  const { frr, lab, dir } = parts;
  return [
    async () => frr?.stop(),
    async () => lab?.destroy(),
    async () => (dir ? rm(dir, { recursive: true, force: true }) : undefined),
  ];
}
