import { ROUTE_VERDICTS, SESSION_VERDICTS, type Verification } from '../sync/verify/verification.js';

/** `OK: sessions 2 (ok 2, down 0, missing 0, restarting 0); routes 3 (ok 3, missing 0, ...)`: every count, always. */
export function summaryLine(v: Verification): string {
  const s = v.summary;
  const sessions = SESSION_VERDICTS.map((k) => `${k} ${s.sessions[k]}`).join(', ');
  const routes = ROUTE_VERDICTS.map((k) => `${k} ${s.routes[k]}`).join(', ');
  return `${s.status === 'ok' ? 'OK' : 'DRIFT'}: sessions ${s.sessions.total} (${sessions}); routes ${s.routes.total} (${routes})`;
}
