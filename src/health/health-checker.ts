/**
 * Probes every target on its own jittered interval and keeps its state. Results arrive as events
 * and the engine never waits on a probe: a target that hangs costs its own timeout and nothing
 * else. At most `maxConcurrent` probes are in flight; a target due while the limit is reached
 * waits its turn, so a burst of timeouts cannot open thousands of sockets.
 */
import { systemClock, type Clock } from '../util/clock.js';
import type { Probe } from './prober.js';
import type { ProbeTarget } from './targets.js';
import {
  INITIAL_TARGET_STATE,
  nextTargetState,
  type HealthState,
  type TargetState,
  type Thresholds,
} from './target-state.js';

interface HealthCheckerOptions extends Thresholds {
  intervalMs: number;
  probe: Probe;
  clock?: Clock;
  maxConcurrent?: number;
  /** Uniform in [0, 1); tests fix it. */
  random?: () => number;
  /** Each probe's duration and outcome (metrics). */
  observe?: (target: ProbeTarget, seconds: number, ok: boolean) => void;
}

export interface Transition {
  target: ProbeTarget;
  from: HealthState;
  to: HealthState;
  lastError?: string;
}

export interface TargetStatus {
  target: ProbeTarget;
  state: TargetState;
}

const DEFAULT_MAX_CONCURRENT = 64;
/** ±10 % around the interval, so targets added together drift apart. */
const JITTER = 0.1;

interface Scheduled {
  target: ProbeTarget;
  state: TargetState;
  timer: unknown;
}

export class HealthChecker {
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly entries = new Map<string, Scheduled>();
  private readonly queue: Scheduled[] = [];
  private readonly listeners = new Set<(t: Transition) => void>();
  private inFlight = 0;
  private stopped = false;

  constructor(private readonly opts: HealthCheckerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
  }

  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts probing the targets of `changed` that are new and takes the others' descriptions (their
   * services), stops the targets of `gone`; a kept target keeps its state. Told only what changed,
   * so a change among many targets costs its own size.
   */
  updateTargets(changed: readonly ProbeTarget[], gone: readonly string[]): void {
    if (this.stopped) return;
    for (const key of gone) {
      const e = this.entries.get(key);
      if (e === undefined) continue;
      this.clock.clearTimeout(e.timer);
      this.entries.delete(key);
    }
    for (const target of changed) {
      const e = this.entries.get(target.key);
      if (e !== undefined) {
        e.target = target;
        continue;
      }
      const entry: Scheduled = { target, state: INITIAL_TARGET_STATE, timer: undefined };
      this.entries.set(target.key, entry);
      // The first probe goes out at once: a restart should learn the state within thresholds.
      this.schedule(entry, 0);
    }
  }

  stateOf(key: string): HealthState {
    return this.entries.get(key)?.state.state ?? 'unknown';
  }

  lastErrorOf(key: string): string | undefined {
    return this.entries.get(key)?.state.lastError;
  }

  statuses(): TargetStatus[] {
    return [...this.entries.values()].map((e) => ({ target: e.target, state: e.state }));
  }

  stop(): void {
    this.stopped = true;
    for (const e of this.entries.values()) this.clock.clearTimeout(e.timer);
    this.entries.clear();
    this.queue.length = 0;
  }

  private schedule(entry: Scheduled, delayMs: number): void {
    entry.timer = this.clock.setTimeout(() => this.due(entry), delayMs);
  }

  private nextDelay(): number {
    return this.opts.intervalMs * (1 - JITTER + 2 * JITTER * this.random());
  }

  private due(entry: Scheduled): void {
    entry.timer = undefined;
    if (this.stopped || this.entries.get(entry.target.key) !== entry) return;
    if (this.inFlight >= (this.opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT)) {
      this.queue.push(entry);
      return;
    }
    void this.run(entry);
  }

  private async run(entry: Scheduled): Promise<void> {
    this.inFlight++;
    const started = this.clock.now();
    const result = await this.opts.probe(entry.target);
    this.inFlight--;
    this.opts.observe?.(entry.target, (this.clock.now() - started) / 1000, result.ok);
    const waiting = this.queue.shift();
    if (waiting !== undefined) this.due(waiting);
    if (this.stopped || this.entries.get(entry.target.key) !== entry) return;
    const before = entry.state;
    entry.state = nextTargetState(before, result, this.opts);
    this.schedule(entry, this.nextDelay());
    if (entry.state.state === before.state) return;
    const transition: Transition = {
      target: entry.target,
      from: before.state,
      to: entry.state.state,
      ...(entry.state.lastError !== undefined ? { lastError: entry.state.lastError } : {}),
    };
    for (const l of this.listeners) l(transition);
  }
}
