import { startTimer, stopTimer } from '../util/next-turn-timer.js';

/**
 * The timers a session uses, injectable so the FSM runs under fake time in tests (sinon's fake
 * clock satisfies this shape) and real time in production.
 */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const systemClock: Clock = {
  // A pending BGP timer must not keep a finished CLI process alive.
  setTimeout: (fn, ms) => startTimer(fn, ms, { unref: true }),
  clearTimeout: stopTimer,
  now: () => Date.now(),
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
