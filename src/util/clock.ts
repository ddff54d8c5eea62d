import { startTimer, stopTimer } from './next-turn-timer.js';

/**
 * Timers and time, injectable so the BGP FSM and the sync engine run under fake time in tests
 * (sinon's fake clock satisfies this shape) and real time in production. `now()` is only ever
 * subtracted from another `now()`, so it is monotonic rather than wall-clock time.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// The globals are looked up on every call so fake timers installed after import still apply.
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => startTimer(fn, ms),
  clearTimeout: stopTimer,
};

/** The system clock whose pending timers do not keep a finished process alive (BGP timers). */
export const unrefClock: Clock = {
  ...systemClock,
  setTimeout: (fn, ms) => startTimer(fn, ms, { unref: true }),
};

/** One named timer that can be (re)armed and stopped; arming replaces the pending shot. */
export class Timer {
  private handle: unknown;
  private armed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: () => void,
  ) {}

  start(ms: number): void {
    this.stop();
    this.armed = true;
    this.handle = this.clock.setTimeout(() => {
      this.armed = false;
      this.onFire();
    }, ms);
  }

  stop(): void {
    if (this.armed) this.clock.clearTimeout(this.handle);
    this.armed = false;
  }

  get running(): boolean {
    return this.armed;
  }
}
