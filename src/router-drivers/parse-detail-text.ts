import { PROTOCOL_CODES } from './protocols.js';
import type { BgpRibPath, RouteEntry, RouteNextHop } from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';
import { parseUptime } from './uptime.js';

const BGP_WHAT = 'show bgp ipv4 unicast <prefix>';
const BGP_ENTRY = /^BGP routing table entry for (\S+?)(?:, version \d+)?$/;
const PATH_FROM = /^ {4}(\S+)(?: \(metric \d+\))?(?: \(inaccessible\))? from (\S+) \((\S+)\)$/;
const ATTRIBUTES = /^ {6}Origin (IGP|EGP|incomplete)((?:, [^,]+)*)$/;
const ADDPATH = /^ {6}AddPath ID: RX (\d+)/;
/**
 * The AS path, with the notes bgpd appends after a comma: `  64500, (stale)` is Quagga 1.2.4's
 * line for a path kept through a graceful restart (fixtures/quagga-1.2.4/graceful-restart-stale).
 */
const AS_PATH = /^ {2}(Local|[0-9 {}()]+?)((?:, \([A-Za-z -]+\))*)$/;
const PATH_COUNT = /^Paths: \((\d+) available/;

/**
 * Parses one prefix's paths from `show bgp ipv4 unicast <prefix>` / `show ip bgp <prefix>`: an
 * AS-path line, then `next-hop from peer (router-id)`, then the attribute line. The list of
 * peers it was advertised to sits at the same indent as the AS path, so a path is recognised by
 * the `from` line that follows it.
 */
export function parseBgpPrefixDetailText(text: string): BgpRibPath[] {
  const lines = numberedLines(text);
  const paths: BgpRibPath[] = [];
  let prefix: string | undefined;
  let current: BgpRibPath | undefined;
  let sawAttributes = true;
  let announced: { line: NumberedLine; count: number; before: number } | undefined;
  const checkCount = (): void => {
    // A path line the expressions do not know must not shrink the answer to fewer paths.
    if (announced && paths.length - announced.before !== announced.count)
      throw lineError(
        BGP_WHAT,
        announced.line,
        `${announced.count} path(s) announced, ${paths.length - announced.before} read`,
      );
  };
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as NumberedLine;
    const t = line.text;
    const entry = BGP_ENTRY.exec(t);
    if (entry) {
      checkCount();
      announced = undefined;
      prefix = entry[1] as string;
      continue;
    }
    const count = PATH_COUNT.exec(t);
    if (count && prefix !== undefined) {
      announced = {
        line,
        count: parseCount(BGP_WHAT, line, count[1] as string, 'paths'),
        before: paths.length,
      };
      continue;
    }
    if (prefix === undefined) {
      if (t.trim() === '') continue;
      throw lineError(BGP_WHAT, line, 'expected "BGP routing table entry for ..."');
    }
    const next = lines[i + 1];
    const asPath = AS_PATH.exec(t);
    const from = next ? PATH_FROM.exec(next.text) : null;
    if (asPath && from) {
      if (!sawAttributes) throw lineError(BGP_WHAT, line, 'previous path has no "Origin ..." line');
      current = {
        prefix,
        valid: false,
        best: false,
        multipath: false,
        nextHops: [from[1] as string],
        peerId: from[2] as string,
        asPath: asPath[1] === 'Local' ? '' : (asPath[1] as string).trim(),
        origin: '',
        weight: 0,
      };
      if ((asPath[2] as string).includes('(stale)')) current.stale = true;
      paths.push(current);
      sawAttributes = false;
      i += 1;
      continue;
    }
    const attrs = ATTRIBUTES.exec(t);
    if (attrs && current) {
      sawAttributes = true;
      current.origin = attrs[1] as string;
      for (const part of (attrs[2] as string).split(', ').slice(1)) {
        const kv = /^(metric|localpref|weight) (\d+)$/.exec(part);
        if (kv) {
          const n = parseCount(BGP_WHAT, line, kv[2] as string, kv[1] as string);
          if (kv[1] === 'metric') current.metric = n;
          else if (kv[1] === 'localpref') current.localPref = n;
          else current.weight = n;
        } else if (part === 'valid') current.valid = true;
        else if (part === 'multipath') current.multipath = true;
        else if (/^best(?: \(.*\))?$/.test(part)) current.best = true;
      }
      continue;
    }
    const addPath = ADDPATH.exec(t);
    if (addPath && current)
      current.addPathRxId = parseCount(BGP_WHAT, line, addPath[1] as string, 'AddPath RX id');
  }
  if (!sawAttributes)
    throw lineError(BGP_WHAT, lines[lines.length - 1] as NumberedLine, 'last path has no "Origin ..." line');
  checkCount();
  return paths;
}

const ROUTE_WHAT = 'show ip route <prefix>';
const ROUTE_ENTRY = /^Routing entry for (\S+)$/;
const KNOWN_VIA = /^ {2}Known via "([a-z0-9-]+)", distance (\d+), metric (\d+)(.*)$/;
const LAST_UPDATE = /^ {2}Last update (\S+) ago$/;
/**
 * FRR: `  * 192.168.201.11, via crs_vr, weight 1`; Quagga 1.2.4 puts a `>` before the FIB flag:
 * `  >* 192.168.201.11, via qg_vr` (fixtures/quagga-1.2.4/single-path).
 */
const DETAIL_HOP =
  /^ {2}>?([* ]) (?:(\S+?)(?: \(recursive\))?,? ?(?:via (\S+?))?|directly connected, (\S+?))(?: inactive)?(?:, weight (\d+))?$/;

/** Parses zebra's per-prefix detail, `show ip route <prefix>`: one record per `Routing entry`. */
export function parseRouteDetailText(text: string): RouteEntry[] {
  const routes: RouteEntry[] = [];
  let current: { route: RouteEntry; line: NumberedLine; known: boolean } | undefined;
  const finish = (): void => {
    if (!current) return;
    if (!current.known) throw lineError(ROUTE_WHAT, current.line, 'routing entry has no "Known via" line');
    current.route.fib = current.route.nextHops.some((h) => h.fib);
    routes.push(current.route);
    current = undefined;
  };
  for (const line of numberedLines(text)) {
    const t = line.text;
    const entry = ROUTE_ENTRY.exec(t);
    if (entry) {
      finish();
      const prefix = entry[1] as string;
      current = {
        line,
        known: false,
        route: {
          prefix,
          family: prefix.includes(':') ? 6 : 4,
          protocolCode: '',
          selected: false,
          fib: false,
          queued: false,
          rejected: false,
          nextHops: [],
        },
      };
      continue;
    }
    if (t.trim() === '') continue;
    if (!current) throw lineError(ROUTE_WHAT, line, 'expected "Routing entry for ..."');
    const r = current.route;
    const known = KNOWN_VIA.exec(t);
    if (known) {
      const code = PROTOCOL_CODES[known[1] as string];
      if (code === undefined)
        throw lineError(ROUTE_WHAT, line, `unknown protocol ${JSON.stringify(known[1])}`);
      current.known = true;
      r.protocolCode = code;
      r.distance = parseCount(ROUTE_WHAT, line, known[2] as string, 'distance');
      r.metric = parseCount(ROUTE_WHAT, line, known[3] as string, 'metric');
      r.selected = /(?:^|, )best(?:,|$)/.test(known[4] as string);
      r.queued = (known[4] as string).includes('queued');
      r.rejected = (known[4] as string).includes('rejected');
      continue;
    }
    const update = LAST_UPDATE.exec(t);
    if (update) {
      const sec = parseUptime(update[1] as string);
      if (typeof sec !== 'number')
        throw lineError(ROUTE_WHAT, line, `${JSON.stringify(update[1])} is not an age`);
      r.uptimeText = update[1] as string;
      r.uptimeSec = sec;
      continue;
    }
    const hop = DETAIL_HOP.exec(t);
    if (hop) {
      const h: RouteNextHop = {
        fib: hop[1] === '*',
        directlyConnected: hop[4] !== undefined,
        active: !t.includes(' inactive'),
      };
      if (hop[2] !== undefined) h.address = hop[2];
      const intf = hop[3] ?? hop[4];
      if (intf !== undefined) h.interface = intf;
      if (hop[5] !== undefined) h.weight = parseCount(ROUTE_WHAT, line, hop[5], 'weight');
      r.nextHops.push(h);
      continue;
    }
    // Other detail lines (tags, nexthop groups, "Table ...") carry nothing the records hold.
    if (/^ {2}\S/.test(t)) continue;
    throw lineError(ROUTE_WHAT, line, 'unexpected line');
  }
  finish();
  return routes;
}
