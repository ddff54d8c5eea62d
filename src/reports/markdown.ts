import { appendAll } from '../util/arrays.js';
import type { RouteCheck, SessionCheck, Verification } from '../sync/verify/verification.js';
import { summaryLine } from './summary-line.js';

/**
 * Markdown for a pull-request comment: the verdict up front, problems first, the full route
 * table folded away so a clean run stays one screen long.
 */
export function renderMarkdown(v: Verification): string {
  const out: string[] = [];
  const ok = v.summary.status === 'ok';
  out.push(`### cluster-router-sync verification: ${ok ? 'OK' : 'DRIFT'}`);
  out.push('');
  out.push(summaryLine(v));
  out.push('');
  const router = [
    v.router.routerId === undefined ? undefined : `router \`${v.router.routerId}\``,
    v.router.localAs === undefined ? undefined : `AS ${v.router.localAs}`,
    `peers: ${v.peers.length === 0 ? 'none' : v.peers.map(code).join(', ')}`,
  ].filter((p) => p !== undefined);
  out.push(router.join(', '));
  out.push('');
  out.push('#### BGP sessions');
  out.push('');
  out.push('| Neighbor | AS | Up/Down | State/PfxRcd | Verdict | Detail |');
  out.push('| --- | ---: | ---: | ---: | --- | --- |');
  for (const s of v.sessions) out.push(sessionRow(s));
  const problems = v.routes.filter((r) => r.verdict !== 'ok');
  if (problems.length > 0) {
    out.push('');
    out.push('#### Routes with drift');
    out.push('');
    appendAll(out, routeTable(problems));
  }
  out.push('');
  out.push(`<details><summary>All ${v.routes.length} routes</summary>`);
  out.push('');
  appendAll(out, routeTable(v.routes));
  out.push('');
  out.push('</details>');
  if (v.notes.length > 0) {
    out.push('');
    out.push('#### Notes');
    out.push('');
    for (const n of v.notes) out.push(`- ${code(n.subject)}: ${cell(n.message)}`);
  }
  return `${out.join('\n')}\n`;
}

function sessionRow(s: SessionCheck): string {
  const stateOrPfx =
    s.state === undefined ? '-' : s.state === 'Established' ? String(s.prefixesReceived ?? 0) : s.state;
  return `| ${code(s.neighbor)} | ${s.actualAs ?? s.expectedAs} | ${s.upDown ?? '-'} | ${cell(stateOrPfx)} | ${verdict(s.verdict)} | ${cell(s.detail ?? '')} |`;
}

function routeTable(routes: RouteCheck[]): string[] {
  const rows = ['| Codes | Prefix | Expected via | Actual via | Age | Service(s) | Verdict | Detail |'];
  rows.push('| --- | --- | --- | --- | ---: | --- | --- | --- |');
  for (const r of routes) {
    rows.push(
      `| ${r.codes === '' ? '-' : code(r.codes)} | ${code(r.prefix)} | ${list(r.expectedNextHops)} | ${list(r.actualNextHops)} | ${r.age ?? '-'} | ${list(r.services)} | ${verdict(r.verdict)} | ${cell(r.detail ?? '')} |`,
    );
  }
  return rows;
}

function verdict(v: string): string {
  return v === 'ok' ? 'ok' : `**${v}**`;
}

function list(items: string[]): string {
  return items.length === 0 ? '-' : items.map(code).join('<br>');
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

/** Table cells cannot hold pipes or line breaks. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
