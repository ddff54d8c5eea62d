import type { RouteEntry, RouteNextHop } from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';
import { parseUptime } from './uptime.js';

const WHAT = 'show ip route';

/**
 * Every description the zebra legends of Quagga 0.99..1.2 and FRR 4..10 use. The legend is
 * recognised by these exact words, not by its shape, because of the seed capture where the line
 * break after the legend was lost and the first route stands on the legend's last line
 * (`> - selected route, * - FIB route B>* 192.168.197.0/32 ...`): knowing where the legend text
 * ends is the only way to tell the route apart without guessing.
 */
const LEGEND_WORDS = [
  'kernel route',
  'kernel',
  'connected',
  'local',
  'static',
  'RIP',
  'RIPng',
  'OSPF',
  'OSPFv3',
  'OSPFv6',
  'IS-IS',
  'ISIS',
  'BGP',
  'EIGRP',
  'NHRP',
  'Table',
  'Table-Direct',
  'VNC',
  'VNC-Direct',
  'Babel',
  'SHARP',
  'PBR',
  'OpenFabric',
  'PIM',
  'HSLS',
  'OLSR',
  'LDP',
  'selected route',
  'FIB route',
  'queued route',
  'queued',
  'rejected route',
  'rejected',
  'backup',
  'trapped',
  'offload failure',
];
const LEGEND_ITEM = `[A-Za-z>*] - (?:${[...LEGEND_WORDS]
  .sort((a, b) => b.length - a.length)
  .map((w) => w.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'))
  .join('|')})`;
const LEGEND_LINE = new RegExp(`^\\s*(?:Codes: )?${LEGEND_ITEM}(?:, ${LEGEND_ITEM})*,?`);

// `B>* 1.2.3.4/32 ...`: protocol code, optional instance, selected flag, FIB/queued/rejected flag.
const ROUTE_LINE = /^([A-Za-z])(?:\[\d+\])?([> ])([*qrot ]) (\S+)(.*)$/;
// `  *                         via ...`: one more next hop of the route above.
const NEXTHOP_LINE = /^ {2}([*qrot ])\s+((?:via |is directly connected|unreachable|Null0).*)$/;
const FAST_ROUTE_LINE =
  /^([A-Za-z])([> ])([*qrot ]) (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/\d{1,2}) \[(\d{1,9})\/(\d{1,9})\] via (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}), ([A-Za-z0-9._@:-]+)(?:, weight (\d{1,9}))?, (\d[0-9:dhmw]*)$/;
const FAST_NEXTHOP_LINE =
  /^ {2}([*qrot ]) +via (\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}), ([A-Za-z0-9._@:-]+)(?:, weight (\d{1,9}))?, (\d[0-9:dhmw]*)$/;
const DISTANCE = /^ \[(\d+)\/(\d+)\] /;
const IPV4_PREFIX = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/;
const IPV6_PREFIX = /^([0-9a-fA-F:.]*:[0-9a-fA-F:.]*)\/(\d{1,3})$/;
const VIA = /^via (\S+?)(?: (inactive))?(?: onlink)?(?: \(recursive\))?$/;
const INTERFACE = /^([A-Za-z0-9._@:-]+)(?: (inactive))?(?: onlink)?$/;
/**
 * Quagga 1.2.4 prints an age only for routes a routing protocol learned (BGP, OSPF, RIP...):
 * connected, kernel and static routes have none, e.g. `S>* 198.51.100.0/26 [1/0] via
 * 192.168.201.254, vr` (fixtures/quagga-1.2.4/static-routes); FRR prints one for every route.
 */
const AGELESS_CODES = new Set(['C', 'K', 'S']);

/** Parses zebra's `show ip route [bgp]` / `show ipv6 route` text (Quagga and FRR). */
export function parseRouteText(text: string): RouteEntry[] {
  const routes: RouteEntry[] = [];
  let inLegend = false;
  for (const line of numberedLines(text)) {
    if (line.text.trim() === '') {
      inLegend = false;
      continue;
    }
    const legend = inLegend || line.text.startsWith('Codes: ') ? LEGEND_LINE.exec(line.text) : null;
    if (legend) {
      inLegend = true;
      const rest = line.text.slice(legend[0].length);
      if (rest.trim() === '') continue;
      // The seed's lost line break: what follows the legend text must itself be a route line.
      if (!rest.startsWith(' ')) throw lineError(WHAT, line, 'unexpected text after the codes legend');
      inLegend = false;
      routes.push(parseRouteLine(line, rest.trimStart()));
      continue;
    }
    if (inLegend) throw lineError(WHAT, line, 'unknown entry in the codes legend');
    if (/^VRF \S+:$/.test(line.text)) continue;
    const fastHop = line.text.startsWith('  ') ? FAST_NEXTHOP_LINE.exec(line.text) : null;
    if (fastHop && routes.length > 0) {
      const uptime = parseUptime(fastHop[5] as string);
      if (typeof uptime === 'number') {
        (routes[routes.length - 1] as RouteEntry).nextHops.push(
          fastNextHop(fastHop[1] === '*', fastHop[2] as string, fastHop[3] as string, fastHop[4]),
        );
        continue;
      }
    }
    const hop = NEXTHOP_LINE.exec(line.text);
    if (hop) {
      const route = routes[routes.length - 1];
      if (!route) throw lineError(WHAT, line, 'next hop line before any route');
      const status = hop[1] as string;
      route.nextHops.push(
        parseNextHop(line, hop[2] as string, status === '*', AGELESS_CODES.has(route.protocolCode)).hop,
      );
      continue;
    }
    routes.push(parseRouteLine(line, line.text));
  }
  return routes;
}

function fastNextHop(fib: boolean, address: string, intf: string, weight: string | undefined): RouteNextHop {
  const hop: RouteNextHop = { fib, directlyConnected: false, active: true, address, interface: intf };
  if (weight !== undefined) hop.weight = Number(weight);
  return hop;
}

/** True for `a.b.c.d/len` whose octets are <= 255 and length <= 32 (shape already matched). */
function ipv4PrefixInRange(prefix: string): boolean {
  let n = 0;
  for (let i = 0; i < prefix.length; i += 1) {
    const c = prefix.charCodeAt(i);
    if (c === 46 /* . */ || c === 47 /* / */) {
      if (n > 255) return false;
      n = 0;
    } else n = n * 10 + (c - 48);
  }
  return n <= 32;
}

/**
 * Nearly every line of a large table is `B>* a.b.c.d/len [d/m] via a.b.c.d, ifname[, weight N], age`;
 * one anchored expression reads those without splitting, and anything else (or anything it
 * cannot vouch for) goes through the general path below, which also produces the errors.
 */
function fastRouteLine(text: string): RouteEntry | undefined {
  const m = FAST_ROUTE_LINE.exec(text);
  if (!m || !ipv4PrefixInRange(m[4] as string)) return undefined;
  const uptimeText = m[10] as string;
  const uptimeSec = parseUptime(uptimeText);
  if (typeof uptimeSec !== 'number') return undefined;
  const status = m[3] as string;
  return {
    prefix: m[4] as string,
    family: 4,
    protocolCode: m[1] as string,
    selected: m[2] === '>',
    fib: status === '*',
    queued: status === 'q',
    rejected: status === 'r' || status === 'o',
    nextHops: [fastNextHop(status === '*', m[7] as string, m[8] as string, m[9])],
    distance: Number(m[5]),
    metric: Number(m[6]),
    uptimeText,
    uptimeSec,
  };
}

function parseRouteLine(line: NumberedLine, text: string): RouteEntry {
  const fast = fastRouteLine(text);
  if (fast) return fast;
  const m = ROUTE_LINE.exec(text);
  if (!m) throw lineError(WHAT, line, 'not a route line');
  const [, code, selected, status, prefix, rest] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const family = prefixFamily(line, prefix);
  let tail = rest;
  let distance: number | undefined;
  let metric: number | undefined;
  const dm = DISTANCE.exec(tail);
  if (dm) {
    distance = parseCount(WHAT, line, dm[1] as string, 'distance');
    metric = parseCount(WHAT, line, dm[2] as string, 'metric');
    tail = tail.slice(dm[0].length);
  } else if (tail.startsWith(' ')) {
    tail = tail.slice(1);
  } else {
    throw lineError(WHAT, line, 'expected " [distance/metric]" or a next hop after the prefix');
  }
  const { hop, uptimeText } = parseNextHop(line, tail, status === '*', AGELESS_CODES.has(code));
  const route: RouteEntry = {
    prefix,
    family,
    protocolCode: code,
    selected: selected === '>',
    fib: status === '*',
    queued: status === 'q',
    rejected: status === 'r' || status === 'o',
    nextHops: [hop],
  };
  if (distance !== undefined) route.distance = distance;
  if (metric !== undefined) route.metric = metric;
  if (uptimeText !== undefined) {
    route.uptimeText = uptimeText;
    route.uptimeSec = parseUptime(uptimeText) as number;
  }
  return route;
}

function prefixFamily(line: NumberedLine, prefix: string): 4 | 6 {
  const v4 = IPV4_PREFIX.exec(prefix);
  if (v4) {
    const octetsOk = (v4[1] as string).split('.').every((o) => Number(o) <= 255);
    if (octetsOk && Number(v4[2]) <= 32) return 4;
  }
  const v6 = IPV6_PREFIX.exec(prefix);
  if (v6 && Number(v6[2]) <= 128) return 6;
  throw lineError(WHAT, line, `${JSON.stringify(prefix)} is not an IP prefix`);
}

/** `via X, ifname, weight 1, 00:00:02` and its relatives, split at `, `. */
function parseNextHop(
  line: NumberedLine,
  text: string,
  fib: boolean,
  ageless: boolean,
): { hop: RouteNextHop; uptimeText?: string } {
  const parts = text.split(', ');
  const head = parts.shift() as string;
  const hop: RouteNextHop = { fib, directlyConnected: false, active: true };
  const via = VIA.exec(head);
  if (via) {
    hop.address = via[1] as string;
    if (via[2]) hop.active = false;
  } else if (head === 'is directly connected') {
    hop.directlyConnected = true;
  } else if (!/^unreachable \([a-zA-Z ]+\)$/.test(head) && head !== 'Null0') {
    throw lineError(WHAT, line, `unknown next hop ${JSON.stringify(head)}`);
  }
  let uptimeText: string | undefined;
  const last = parts[parts.length - 1];
  if (last !== undefined && parseUptime(last) !== undefined && last !== 'never') {
    uptimeText = last;
    parts.pop();
  } else if (!ageless) {
    throw lineError(WHAT, line, 'route has no age (uptime) at the end');
  }
  for (const part of parts) {
    const weight = /^weight (\d+)$/.exec(part);
    if (weight) {
      hop.weight = parseCount(WHAT, line, weight[1] as string, 'weight');
      continue;
    }
    if (/^(?:src|label|label implicit-null) \S+$/.test(part) || /^\(vrf \S+\)$/.test(part)) continue;
    // Quagga's static route to Null0 (`is directly connected, Null0, bh` or `, rej`): the route
    // drops what it matches silently or with an ICMP unreachable; the next hop is Null0 either way.
    if ((part === 'bh' || part === 'rej') && hop.interface === 'Null0') continue;
    const intf = INTERFACE.exec(part);
    if (intf && hop.interface === undefined) {
      hop.interface = intf[1] as string;
      if (intf[2]) hop.active = false;
      continue;
    }
    throw lineError(WHAT, line, `unknown next hop detail ${JSON.stringify(part)}`);
  }
  return uptimeText === undefined ? { hop } : { hop, uptimeText };
}
