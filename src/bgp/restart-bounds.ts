import type { BackoffOptions } from '../util/backoff.js';

/** The timers that decide how soon a session is re-established after a failure or our restart. */
export interface RestartBoundTimers {
  /** How long we wait for the peer's OPEN (and, in OpenConfirm, its KEEPALIVE). */
  openHoldMs: number;
  /** How long one outgoing TCP attempt may take. */
  connectRetryMs: number;
  backoff: BackoffOptions;
}

/**
 * Bounds each timer by a quarter of the graceful-restart time we advertise. The router keeps our
 * routes as stale only for that time (RFC 4724 §4.2); a peer that accepts TCP and never answers
 * would otherwise hold us in OpenSent for RFC 4271's 240 s while the router drops our routes at
 * 120 s. With each wait at most a quarter, one back-off, one connect attempt and one unanswered
 * OPEN together still end well before the restart time, leaving room for the attempt that works.
 * Without graceful restart (`restartTimeSec` absent or 0) the timers stay as given.
 */
export function restartBoundTimers(t: RestartBoundTimers & { restartTimeSec?: number }): RestartBoundTimers {
  const bound = t.restartTimeSec ? restartBoundMs(t.restartTimeSec) : Infinity;
  return {
    openHoldMs: Math.min(t.openHoldMs, bound),
    connectRetryMs: Math.min(t.connectRetryMs, bound),
    backoff: {
      ...t.backoff,
      initialMs: Math.min(t.backoff.initialMs, bound),
      maxMs: Math.min(t.backoff.maxMs, bound),
    },
  };
}

/** A quarter of the graceful-restart time: the longest any one wait before a session may take. */
export function restartBoundMs(restartTimeSec: number): number {
  return Math.floor((restartTimeSec * 1000) / 4);
}
