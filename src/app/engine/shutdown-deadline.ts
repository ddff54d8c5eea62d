import type { Logger } from 'pino';

/**
 * How long `run` may take to stop after SIGTERM. Kubernetes sends SIGKILL 30 s after SIGTERM by
 * default (terminationGracePeriodSeconds); ending well before that leaves time for our own exit
 * code and log to say why, instead of a kill without cleanup or Lease release.
 */
export const SHUTDOWN_DEADLINE_MS = 15_000;

export interface ShutdownStep {
  /** What the step waits for, as the log names it when the deadline passes. */
  name: string;
  run: () => Promise<unknown>;
}

/**
 * Runs the shutdown steps in order within `deadlineMs`. Past it, logs the step it was waiting for
 * and what `abort` (which must close everything at once) found still open, and resolves false;
 * a step still running then is left to finish or fail in the background, logged either way.
 * A step that fails before the deadline rejects, as it would without one.
 */
export async function shutdownWithin(
  steps: readonly ShutdownStep[],
  opts: { deadlineMs: number; logger: Logger; abort: () => string[] },
): Promise<boolean> {
  let current = '';
  let timer: NodeJS.Timeout | undefined;
  let late = false;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), opts.deadlineMs);
  });
  const all = (async () => {
    for (const step of steps) {
      current = step.name;
      await step.run();
    }
    return true as const;
  })();
  try {
    const done = await Promise.race([all, deadline]);
    if (done) return true;
    late = true;
    const open = opts.abort();
    opts.logger.error(
      { waitingFor: current, open, deadlineMs: opts.deadlineMs },
      `shutdown did not finish within ${opts.deadlineMs} ms (waiting for ${current}): closed everything`,
    );
    return false;
  } finally {
    clearTimeout(timer);
    if (late)
      all.catch((err: unknown) => opts.logger.error({ err, step: current }, 'a late shutdown step failed'));
  }
}
