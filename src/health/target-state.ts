/**
 * The health of one probe target as thresholds judge it: a run of `unhealthyThreshold` failures
 * makes it unhealthy, a run of `healthyThreshold` successes healthy. Until the first verdict it
 * is `unknown`, which counts as healthy: a restart must not withdraw next hops it has not probed.
 */

export type HealthState = 'unknown' | 'healthy' | 'unhealthy';

export interface Thresholds {
  healthyThreshold: number;
  unhealthyThreshold: number;
}

export interface TargetState {
  state: HealthState;
  /** Length of the current run of equal results. */
  successes: number;
  failures: number;
  /** The last failed probe's reason (`HTTP 503`, `timeout after 500 ms`...), kept after recovery. */
  lastError?: string;
}

export type ProbeResult = { ok: true } | { ok: false; error: string };

export const INITIAL_TARGET_STATE: TargetState = { state: 'unknown', successes: 0, failures: 0 };

export function nextTargetState(current: TargetState, result: ProbeResult, t: Thresholds): TargetState {
  if (result.ok) {
    const successes = current.successes + 1;
    const state = successes >= t.healthyThreshold ? 'healthy' : current.state;
    return { ...current, state, successes, failures: 0 };
  }
  const failures = current.failures + 1;
  const state = failures >= t.unhealthyThreshold ? 'unhealthy' : current.state;
  return { state, successes: 0, failures, lastError: result.error };
}

/** Whether a next hop decided by a target in this state stays announced. */
export function counts(state: HealthState): boolean {
  return state !== 'unhealthy';
}
