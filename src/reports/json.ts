import {
  ROUTE_VERDICTS,
  SESSION_VERDICTS,
  type RouteCheck,
  type SessionCheck,
  type Verification,
} from '../sync/verify/verification.js';

/** Bumped on any incompatible change to docs/report-schema.json. */
const REPORT_SCHEMA_VERSION = 1;
const REPORT_KIND = 'cluster-router-sync/verification';

/**
 * The JSON report: the Verification with a version header and keys in a fixed order, so two
 * reports of the same state are byte-identical and a golden file diff shows only real changes.
 */
function reportObject(v: Verification): Record<string, unknown> {
  return {
    kind: REPORT_KIND,
    schemaVersion: REPORT_SCHEMA_VERSION,
    status: v.summary.status,
    router: pick(v.router, ['routerId', 'localAs']),
    peers: v.peers,
    summary: {
      sessions: pick(v.summary.sessions, ['total', ...SESSION_VERDICTS]),
      routes: pick(v.summary.routes, ['total', ...ROUTE_VERDICTS]),
    },
    sessions: v.sessions.map(sessionObject),
    routes: v.routes.map(routeObject),
    notes: v.notes.map((n) => ({ subject: n.subject, message: n.message })),
  };
}

export function renderJson(v: Verification): string {
  return `${JSON.stringify(reportObject(v), null, 2)}\n`;
}

function sessionObject(s: SessionCheck): Record<string, unknown> {
  return pick(s, [
    'neighbor',
    'peers',
    'expectedAs',
    'actualAs',
    'state',
    'prefixesReceived',
    'upDown',
    'verdict',
    'detail',
  ]);
}

function routeObject(r: RouteCheck): Record<string, unknown> {
  return pick(r, [
    'prefix',
    'family',
    'codes',
    'expectedNextHops',
    'actualNextHops',
    'age',
    'services',
    'verdict',
    'detail',
    'notCarried',
    'unhealthy',
  ]);
}

/** Copies the given keys in the given order, leaving out absent ones. */
function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (obj[k] !== undefined) out[k as string] = obj[k];
  }
  return out;
}
