import { restartBoundTimers, type RestartBoundTimers } from './restart-bounds.js';
import type { SessionConfig } from './session-config.js';
import { Backoff, defaultBackoff } from '../util/backoff.js';
import { Timer, type Clock } from '../util/clock.js';

/** RFC 4271 §8.2.2: a large hold time while waiting for the peer's OPEN. */
const OPEN_HOLD_MS = 240_000;

/** The session settings the timers follow (see SessionConfig). */
type SessionTimerConfig = Pick<SessionConfig, 'connectRetrySec' | 'backoff' | 'gracefulRestart'>;

/**
 * The session-wide timers of RFC 4271 §8: the IdleHoldTimer (a jittered, growing back-off before
 * connecting again) and the ConnectRetryTimer, each bounded by the restart time we advertise.
 */
export class SessionTimers {
  readonly bounds: RestartBoundTimers;
  private readonly idleHold: Timer;
  private readonly connectRetry: Timer;
  private readonly backoff: Backoff;
  private waiting: 'Idle' | 'Active' = 'Idle';

  constructor(
    config: SessionTimerConfig,
    deps: { clock: Clock; random: () => number },
    on: { idleHoldExpired(): void; connectRetryExpired(): void },
  ) {
    this.bounds = restartBoundTimers({
      openHoldMs: OPEN_HOLD_MS,
      connectRetryMs: config.connectRetrySec * 1000,
      backoff: config.backoff ?? defaultBackoff,
      ...(config.gracefulRestart ? { restartTimeSec: config.gracefulRestart.restartTimeSec } : {}),
    });
    this.backoff = new Backoff(this.bounds.backoff, deps.random);
    this.idleHold = new Timer(deps.clock, on.idleHoldExpired);
    this.connectRetry = new Timer(deps.clock, on.connectRetryExpired);
  }

  /**
   * Waits out the back-off before connecting again, in Idle after an error (RFC 4271's
   * IdleHoldTimer) or in Active after a failed TCP attempt (the peer may still dial us); returns
   * the delay.
   */
  retryLater(waitIn: 'Idle' | 'Active'): number {
    const delay = this.backoff.next();
    this.connectRetry.stop();
    this.waiting = waitIn;
    this.idleHold.start(delay);
    return delay;
  }

  /** The state the session waits in while the back-off runs, if it does. */
  get waitingIn(): 'Idle' | 'Active' | undefined {
    return this.idleHold.running ? this.waiting : undefined;
  }

  startConnectRetry(): void {
    this.connectRetry.start(this.bounds.connectRetryMs);
  }

  stopConnectRetry(): void {
    this.connectRetry.stop();
  }

  /** An Established session: the next failure starts the back-off from its beginning again. */
  resetBackoff(): void {
    this.backoff.reset();
  }

  stop(): void {
    this.idleHold.stop();
    this.connectRetry.stop();
  }
}
