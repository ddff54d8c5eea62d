import { appendAll } from '../../util/arrays.js';
import type { Config } from '../../config/model.js';
import {
  RecordedOutputMissingError,
  type BgpNeighborDetail,
  type RouteEntry,
  type RouterDriver,
} from '../../router-drivers/index.js';
import { observedFromRecords } from '../../sync/verify/from-records.js';
import type { ObservedRouterState } from '../../sync/verify/observed.js';
import type { Verification } from '../../sync/verify/verification.js';
import { verify } from '../../sync/verify/verify.js';
import type { Finding, Verifier } from './ports.js';

/** One look at the router, in the verifier's terms. */
export interface RouterObserver {
  observe(): Promise<ObservedRouterState>;
}

/**
 * Reads the router through its driver (src/router-drivers): summary, BGP routes of each family we use, running
 * config, and the neighbor details that tell whether a session carries several paths (ADD-PATH).
 */
export function driverObserver(driver: RouterDriver, config: Pick<Config, 'pools'>): RouterObserver {
  const families = [...new Set(config.pools.flatMap((p) => p.addresses.map((a) => a.family)))].sort();
  return {
    async observe() {
      const summary = await driver.bgpSummary();
      const routes: RouteEntry[] = [];
      for (const family of families.length > 0 ? families : [4 as const]) {
        appendAll(routes, await driver.bgpRoutes(family));
      }
      const runningConfig = await driver.runningBgpConfig();
      const neighbors = await neighborsIfRecorded(driver);
      return observedFromRecords({
        summary,
        routes,
        runningConfig,
        ...(neighbors === undefined ? {} : { neighbors }),
      });
    },
  };
}

/**
 * A recording made before `record` kept `show ... neighbors` has no such file: the sessions'
 * ADD-PATH is then unknown (the verifier stays strict about ECMP), not an error.
 */
export async function neighborsIfRecorded(driver: RouterDriver): Promise<BgpNeighborDetail[] | undefined> {
  try {
    return await driver.neighbors();
  } catch (err) {
    if (err instanceof RecordedOutputMissingError) return undefined;
    throw err;
  }
}

/**
 * Turns the verifier's rows into findings the engine repairs by. Route rows are not per peer (the
 * router merges what every peer of ours sent), so a route finding names each peer the router
 * serves; in practice that is one.
 */
function findingsOf(v: Verification): Finding[] {
  const findings: Finding[] = [];
  for (const s of v.sessions) {
    if (s.verdict === 'ok') continue;
    const kind =
      s.verdict === 'down'
        ? 'session-down'
        : s.verdict === 'restarting'
          ? 'restart-in-progress'
          : s.actualAs === undefined
            ? 'neighbor-missing'
            : 'other';
    const message = `${s.neighbor}: ${s.detail ?? s.verdict}`;
    for (const peer of s.peers) findings.push({ kind, peer, message });
  }
  const leftovers = ourLeftovers(v);
  for (const r of v.routes) {
    if (r.verdict === 'ok') continue;
    const kind =
      r.verdict === 'missing'
        ? 'route-missing'
        : r.verdict === 'unexpected'
          ? leftovers
            ? 'route-unwanted'
            : 'other'
          : r.verdict === 'not-in-fib'
            ? 'not-in-fib'
            : 'next-hop-mismatch';
    const message = `${r.prefix}: ${r.detail ?? r.verdict}${kind === 'other' ? ' (not from our session)' : ''}`;
    for (const peer of v.peers) findings.push({ kind, peer, prefix: r.prefix, message });
  }
  return findings;
}

/**
 * Whether the router holds more paths from our sessions than we can have sent: only then is an
 * unexpected route in our pools ours to withdraw (a static route on the router is not).
 */
function ourLeftovers(v: Verification): boolean {
  const received = v.sessions.reduce((n, s) => n + (s.verdict === 'ok' ? (s.prefixesReceived ?? 0) : 0), 0);
  const mostWeSent = v.routes.reduce((n, r) => n + r.expectedNextHops.length, 0);
  return received > mostWeSent;
}

/** The engine's verifier: observe the router, compare with the pure verifier (src/sync/verify), classify. */
export function routerVerifier(
  config: Config,
  observer: RouterObserver,
  opts: { peers?: string[] } = {},
): Verifier<Verification> {
  return {
    async verify(plan) {
      const observed = await observer.observe();
      const report = verify({ plan, config, observed, ...(opts.peers ? { peers: opts.peers } : {}) });
      return { verdict: report.summary.status, findings: findingsOf(report), report };
    },
  };
}
