/**
 * How long a finished command may leave the event loop busy before the process exits anyway.
 * Output written just before the end still reaches a pipe in this time; what outlives it is
 * something a command failed to close (an SSH channel whose close never completes, a socket left
 * after the shutdown deadline), and it must not keep a stopped `run` alive for minutes.
 */
const EXIT_GRACE_MS = 2_000;

/** Ends the process with `code`: at once when nothing is left open, else after EXIT_GRACE_MS. */
export function exitWhenDone(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}
