export interface BackoffOptions {
  /** First delay after a failure, ms. */
  initialMs: number;
  /** Ceiling for the delay, ms. */
  maxMs: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, maxMs: 60_000, jitter: 0.25 };

/**
 * Jittered exponential back-off between reconnect attempts (BGP peers, Kubernetes watches): a peer
 * that keeps resetting us is not hammered, and many clients failing together (a router reboot, an
 * API server restart) do not reconnect in lock step.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly opts: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call counts one more consecutive failure. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures++;
    const factor = 1 + this.opts.jitter * (2 * this.random() - 1);
    return Math.max(0, Math.round(Math.min(this.opts.maxMs, base * factor)));
  }

  /** The connection worked (a session reached Established, a watch ran): start over from the first delay. */
  reset(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}
