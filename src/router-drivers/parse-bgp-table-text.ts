import type { BgpRibPath } from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';

const WHAT = 'show bgp ipv4 unicast';
const HEADER = /^\s+Network\s+Next Hop\s+Metric\s+LocPrf\s+Weight\s+Path\s*$/;
const PREAMBLE = [
  /^BGP table version is \d+, local router ID is \S+(?:, vrf id \d+)?$/,
  /^Default local pref \d+, local AS \d+$/,
  /^Status codes:/,
  /^\s+i internal, r RIB-failure/,
  /^Nexthop codes:/,
  /^Origin codes:/,
  /^RPKI validation codes:/,
];
const FOOTER =
  /^(?:Displayed\s+\d+ routes and \d+ total paths|Displayed\s+\d+ out of \d+ total prefixes|Total number of prefixes \d+)$/;
const STATUS = /^[sdhr*>=iSRq ]{3}$/;
/** The whole answer for an empty table, FRR and Quagga alike (fixtures/frr-8.4.4-edge/show_ip_bgp.txt). */
const EMPTY_TABLE = /^No BGP prefixes displayed, \d+ exist$/;
const ORIGINS: Record<string, string> = { i: 'IGP', e: 'EGP', '?': 'incomplete' };

interface Columns {
  nextHop: number;
  metricEnd: number;
  locPrfEnd: number;
  weightEnd: number;
}

/**
 * Parses bgpd's table, `show bgp ipv4 unicast` / `show ip bgp` (FRR and Quagga). Numbers are
 * right-aligned under the header words, so columns come from the header line; a prefix too long
 * for its column puts the next hop on the next line, and a next hop too long for its own puts
 * the numbers on the line after that.
 */
export function parseBgpTableText(text: string): BgpRibPath[] {
  const paths: BgpRibPath[] = [];
  let cols: Columns | undefined;
  let prefix: string | undefined;
  let pending: { status: string; line: NumberedLine; nextHop?: string } | undefined;
  for (const line of numberedLines(text)) {
    const t = line.text;
    if (t.trim() === '') continue;
    if (!cols) {
      if (PREAMBLE.some((re) => re.test(t))) continue;
      if (EMPTY_TABLE.test(t) && paths.length === 0) continue;
      if (!HEADER.test(t))
        throw lineError(WHAT, line, 'expected the preamble or the Network/Next Hop header');
      cols = {
        nextHop: t.indexOf('Next Hop'),
        metricEnd: t.indexOf('Metric') + 'Metric'.length,
        locPrfEnd: t.indexOf('LocPrf') + 'LocPrf'.length,
        weightEnd: t.indexOf('Weight') + 'Weight'.length,
      };
      continue;
    }
    if (FOOTER.test(t)) continue;
    if (pending && pending.nextHop === undefined) {
      // The line after a lone prefix: next hop (and maybe the numbers) under their columns.
      if (t.slice(0, cols.nextHop).trim() !== '')
        throw lineError(WHAT, line, 'expected the next hop of the prefix above');
      const p = pending;
      pending = undefined;
      readNextHop(
        line,
        p.status,
        t,
        cols,
        paths,
        prefix as string,
        (nh) => (pending = { status: p.status, line, nextHop: nh }),
      );
      continue;
    }
    if (pending && pending.nextHop !== undefined) {
      if (t.slice(0, cols.metricEnd - 'Metric'.length).trim() !== '')
        throw lineError(WHAT, line, 'expected the columns of the next hop above');
      paths.push(pathFrom(line, pending.status, prefix as string, pending.nextHop, t, 0, cols));
      pending = undefined;
      continue;
    }
    const status = t.slice(0, 3);
    if (!STATUS.test(status)) throw lineError(WHAT, line, `unknown status codes ${JSON.stringify(status)}`);
    const rest = t.slice(3);
    if (!rest.startsWith(' ')) {
      const network = rest.split(' ')[0] as string;
      if (!/^[0-9a-fA-F.:]+(?:\/\d{1,3})?$/.test(network))
        throw lineError(WHAT, line, `${JSON.stringify(network)} is not a prefix`);
      prefix = network;
      if (rest.length === network.length) {
        pending = { status, line };
        continue;
      }
    } else if (prefix === undefined) {
      throw lineError(WHAT, line, 'a path line before any prefix');
    }
    readNextHop(line, status, t, cols, paths, prefix, (nh) => (pending = { status, line, nextHop: nh }));
  }
  if (pending) throw lineError(WHAT, pending.line, 'path is cut off');
  return paths;
}

function readNextHop(
  line: NumberedLine,
  status: string,
  t: string,
  cols: Columns,
  paths: BgpRibPath[],
  prefix: string,
  wrapped: (nextHop: string) => void,
): void {
  const from = cols.nextHop;
  if (t.length <= from || t[from] === ' ' || t[from - 1] !== ' ')
    throw lineError(WHAT, line, 'no next hop under "Next Hop"');
  const end = t.indexOf(' ', from);
  const nextHop = t.slice(from, end < 0 ? t.length : end);
  if (end < 0) {
    wrapped(nextHop);
    return;
  }
  paths.push(pathFrom(line, status, prefix, nextHop, t, end, cols));
}

function pathFrom(
  line: NumberedLine,
  status: string,
  prefix: string,
  nextHop: string,
  t: string,
  numbersFrom: number,
  cols: Columns,
): BgpRibPath {
  const num = (s: string, field: string): number | undefined =>
    s.trim() === '' ? undefined : parseCount(WHAT, line, s.trim(), field);
  const metric = num(t.slice(numbersFrom, cols.metricEnd), 'metric');
  const localPref = num(t.slice(cols.metricEnd, cols.locPrfEnd), 'local preference');
  const weight = num(t.slice(cols.locPrfEnd, cols.weightEnd), 'weight');
  if (weight === undefined) throw lineError(WHAT, line, 'no weight under "Weight"');
  const tail = t.slice(cols.weightEnd).trim().split(/\s+/);
  const origin = ORIGINS[tail.pop() as string];
  if (origin === undefined) throw lineError(WHAT, line, 'path does not end in an origin code (i, e, ?)');
  const path: BgpRibPath = {
    prefix,
    valid: status.includes('*'),
    best: status.includes('>'),
    multipath: status.includes('='),
    nextHops: [nextHop],
    asPath: tail.join(' '),
    origin,
    weight,
  };
  if (metric !== undefined) path.metric = metric;
  if (localPref !== undefined) path.localPref = localPref;
  // Quagga prints `S` (stale, RFC 4724 section 4.2) where the valid flag would stand.
  if (status.includes('S')) path.stale = true;
  return path;
}
