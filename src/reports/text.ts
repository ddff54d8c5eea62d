import { appendAll } from '../util/arrays.js';
import type { RouteCheck, SessionCheck, Verification } from '../sync/verify/verification.js';
import { bold, paint, verdictColour } from './colour.js';
import { summaryLine } from './summary-line.js';
import { renderTable, type Cell, type Column } from './table.js';

export interface TextReportOptions {
  /** ANSI colour; callers turn it on only when writing to a TTY. */
  color: boolean;
}

/** A verdict table: its columns, which one holds the verdict (coloured), and what stands for no rows. */
interface VerdictTable<R> {
  columns: Column[];
  verdictColumn: number;
  cells: (row: R) => Cell[];
  empty: string;
}

const SESSION_TABLE: VerdictTable<SessionCheck> = {
  columns: [
    { header: 'Neighbor' },
    { header: 'AS', align: 'right' },
    { header: 'Up/Down', align: 'right' },
    { header: 'State/PfxRcd', align: 'right' },
    { header: 'Peer' },
    { header: 'Verdict' },
    { header: 'Detail' },
  ],
  verdictColumn: 5,
  cells: sessionCells,
  empty: '  no sessions expected (no configured peer for this router)',
};

const ROUTE_TABLE: VerdictTable<RouteCheck> = {
  columns: [
    { header: 'Codes' },
    { header: 'Prefix' },
    { header: 'Expected via' },
    { header: 'Actual via' },
    { header: 'Age', align: 'right' },
    { header: 'Verdict' },
    { header: 'Service(s)' },
    { header: 'Detail' },
  ],
  verdictColumn: 5,
  cells: routeCells,
  empty: '  no routes expected and none of ours found',
};

/**
 * The report as an operator reads it next to vtysh: a `show bgp summary`-like table of our
 * sessions, a `show ip route bgp`-like table of our prefixes with what the plan expected, and
 * one summary line with every count.
 */
export function renderText(v: Verification, opts: TextReportOptions): string {
  const out: string[] = [];
  const router = [
    v.router.routerId === undefined ? undefined : `router identifier ${v.router.routerId}`,
    v.router.localAs === undefined ? undefined : `local AS number ${v.router.localAs}`,
  ].filter((p) => p !== undefined);
  out.push(bold(opts.color, `BGP sessions${router.length > 0 ? ` (${router.join(', ')})` : ''}:`));
  appendAll(out, renderVerdictTable(SESSION_TABLE, v.sessions, opts.color));
  out.push('');
  out.push(bold(opts.color, `BGP routes (show ip route bgp, checked against the plan for ${peerList(v)}):`));
  out.push(codesLegend(v));
  appendAll(out, renderVerdictTable(ROUTE_TABLE, v.routes, opts.color));
  if (v.notes.length > 0) {
    out.push('');
    out.push(bold(opts.color, 'Notes:'));
    for (const n of v.notes) out.push(`  ${n.subject}: ${n.message}`);
  }
  out.push('');
  const line = summaryLine(v);
  out.push(
    paint(opts.color, v.summary.status === 'ok' ? verdictColour('ok') : verdictColour('missing'), line),
  );
  return `${out.join('\n')}\n`;
}

function peerList(v: Verification): string {
  return v.peers.length === 0 ? 'no peer' : v.peers.join(', ');
}

function renderVerdictTable<R extends SessionCheck | RouteCheck>(
  table: VerdictTable<R>,
  rows: readonly R[],
  color: boolean,
): string[] {
  if (rows.length === 0) return [table.empty];
  return renderTable(table.columns, rows.map(table.cells), (row, col, padded) =>
    col === table.verdictColumn ? paint(color, verdictColour(rows[row]!.verdict), padded) : padded,
  );
}

function sessionCells(s: SessionCheck): Cell[] {
  const stateOrPfx =
    s.state === undefined ? '' : s.state === 'Established' ? String(s.prefixesReceived ?? 0) : s.state;
  return [
    [s.neighbor],
    [String(s.actualAs ?? s.expectedAs)],
    [s.upDown ?? ''],
    [stateOrPfx],
    [s.peers.join(', ')],
    [s.verdict],
    [s.detail ?? ''],
  ];
}

function routeCells(r: RouteCheck): Cell[] {
  return [
    [r.codes === '' ? '-' : r.codes],
    [r.prefix],
    r.expectedNextHops.length === 0 ? ['-'] : r.expectedNextHops,
    r.actualNextHops.length === 0 ? ['-'] : r.actualNextHops,
    [r.age ?? ''],
    [r.verdict],
    r.services.length === 0 ? ['-'] : r.services,
    [r.detail ?? ''],
  ];
}

/**
 * The codes the table can show: `q` (queued) and `r` (rejected) are FRR's, which Quagga's legend
 * lacks (fixtures/quagga-1.2.4/single-path/show_ip_route_bgp.txt), so they are listed only when a route
 * shows them.
 */
function codesLegend(v: Verification): string {
  const codes = ['B - BGP', '> - selected route', '* - FIB route'];
  if (v.routes.some((r) => r.codes.slice(2).includes('q'))) codes.push('q - queued');
  if (v.routes.some((r) => r.codes.slice(2).includes('r'))) codes.push('r - rejected');
  return `Codes: ${codes.join(', ')}`;
}
