import type { TargetStatus, Transition } from '../../src/health/health-checker.js';
import type { TargetChecker } from '../../src/health/next-hop-health.js';
import { INITIAL_TARGET_STATE, type HealthState } from '../../src/health/target-state.js';
import type { ProbeTarget } from '../../src/health/targets.js';

/** The checker's bookkeeping without probes: states are set by the test, as transitions. */
export class FakeChecker implements TargetChecker {
  private readonly entries = new Map<string, { target: ProbeTarget; state: HealthState }>();
  private readonly listeners = new Set<(t: Transition) => void>();

  onTransition(listener: (t: Transition) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  updateTargets(changed: readonly ProbeTarget[], gone: readonly string[]): void {
    for (const key of gone) this.entries.delete(key);
    for (const target of changed) {
      const e = this.entries.get(target.key);
      if (e === undefined) this.entries.set(target.key, { target, state: 'unknown' });
      else e.target = target;
    }
  }

  stateOf(key: string): HealthState {
    return this.entries.get(key)?.state ?? 'unknown';
  }

  lastErrorOf(key: string): string | undefined {
    return this.stateOf(key) === 'unhealthy' ? `HTTP 503 from ${key}` : undefined;
  }

  statuses(): TargetStatus[] {
    return [...this.entries.values()].map((e) => ({
      target: e.target,
      state: { ...INITIAL_TARGET_STATE, state: e.state },
    }));
  }

  stop(): void {
    this.entries.clear();
  }

  /** A probe result that moved `key` to `to`, as the real checker reports it. */
  set(key: string, to: HealthState): void {
    const e = this.entries.get(key);
    if (e === undefined || e.state === to) return;
    const from = e.state;
    e.state = to;
    for (const l of this.listeners) l({ target: e.target, from, to });
  }
}
