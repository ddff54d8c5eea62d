import type {
  AddressFamilyNeighborConfig,
  BgpAddressFamilyConfig,
  BgpNeighborConfig,
  PrefixListEntry,
  RouteMapEntry,
  RunningBgpConfig,
  RunningConfig,
} from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';

const WHAT = 'show running-config';
export const REDACTED = '<redacted>';

const ROUTER_BGP = /^router bgp (\d+)(?: vrf (\S+))?$/;
const ADDRESS_FAMILY =
  /^address-family (ipv4|ipv6|l2vpn)(?: (unicast|multicast|vpn|flowspec|labeled-unicast|evpn))?(?: vrf \S+)?$/;
const NEIGHBOR = /^neighbor (\S+) (.+)$/;
const PREFIX_LIST = /^(ip|ipv6) prefix-list (\S+)(?: seq (\d+))? (permit|deny) (.+)$/;
const ROUTE_MAP = /^route-map (\S+) (permit|deny) (\d+)$/;
/**
 * Quagga has no `address-family ipv4 unicast` block in its running config: the IPv4-unicast
 * settings of a neighbor stand at the `router bgp` level, e.g. `neighbor 192.168.201.11
 * route-map cluster-router-sync-in in` (fixtures/quagga-1.2.4/show_running-config_after-neighbors-apply.txt).
 * They are read into the ipv4 unicast family, where FRR prints them.
 */
const IPV4_UNICAST_AT_ROUTER_LEVEL = /^(?:route-map \S+ (?:in|out)|activate|addpath-tx-all-paths)$/;

/**
 * Parses `show running-config` (FRR: indented blocks closed by `exit`/`exit-address-family`;
 * Quagga: blocks closed by `!` or by the next top-level line). Only the parts this project acts
 * on are typed: `router bgp` blocks, prefix-lists and route-maps; other top-level statements are
 * skipped. Neighbor passwords are redacted in every record and in the kept raw lines.
 */
export function parseRunningConfig(text: string): RunningConfig {
  const config: RunningConfig = { bgp: [], prefixLists: [], routeMaps: [] };
  let bgp: RunningBgpConfig | undefined;
  let af: BgpAddressFamilyConfig | undefined;
  let routeMap: RouteMapEntry | undefined;
  for (const line of numberedLines(text)) {
    const raw = line.text;
    const t = raw.trim();
    const indented = /^\s/.test(raw);
    if (t === '') continue;
    // Quagga closes the router-level part of `router bgp` with `!` and goes on with its indented
    // address-family blocks (fixtures/quagga-1.2.4/single-path/show_running-config.txt), so `!`
    // ends nothing; the next top-level statement does.
    if (t === '!') continue;
    if (!indented) {
      bgp = undefined;
      af = undefined;
      routeMap = undefined;
      const rb = ROUTER_BGP.exec(t);
      if (rb) {
        bgp = {
          asn: parseAsn(line, rb[1] as string),
          neighbors: [],
          addressFamilies: [],
          otherLines: [],
          lines: [redactPassword(t)],
        };
        if (rb[2] !== undefined) bgp.vrf = rb[2];
        config.bgp.push(bgp);
        continue;
      }
      const pl = PREFIX_LIST.exec(t);
      if (pl) {
        const entry: PrefixListEntry = {
          name: pl[2] as string,
          family: pl[1] === 'ip' ? 4 : 6,
          action: pl[4] as 'permit' | 'deny',
          match: pl[5] as string,
        };
        if (pl[3] !== undefined) entry.seq = parseCount(WHAT, line, pl[3], 'prefix-list seq');
        config.prefixLists.push(entry);
        continue;
      }
      const rm = ROUTE_MAP.exec(t);
      if (rm) {
        routeMap = {
          name: rm[1] as string,
          action: rm[2] as 'permit' | 'deny',
          seq: parseCount(WHAT, line, rm[3] as string, 'route-map sequence'),
          lines: [],
        };
        config.routeMaps.push(routeMap);
      }
      continue;
    }
    if (routeMap) {
      if (t !== 'exit') routeMap.lines.push(t);
      continue;
    }
    if (!bgp) continue;
    bgp.lines.push(redactPassword(raw));
    if (t === 'exit') continue;
    if (t === 'exit-address-family') {
      if (!af) throw lineError(WHAT, line, 'exit-address-family outside an address-family block');
      af = undefined;
      continue;
    }
    const afm = ADDRESS_FAMILY.exec(t);
    if (afm) {
      af = { name: `${afm[1]} ${afm[2] ?? 'unicast'}`, neighbors: [], otherLines: [] };
      bgp.addressFamilies.push(af);
      continue;
    }
    if (af) {
      addAddressFamilyLine(line, af, t);
      continue;
    }
    addRouterLine(line, bgp, t);
  }
  return config;
}

function parseAsn(line: NumberedLine, text: string): number {
  const asn = parseCount(WHAT, line, text, 'AS number');
  if (asn < 1 || asn > 4294967295) throw lineError(WHAT, line, `AS ${asn} is out of range`);
  return asn;
}

export function redactPassword(line: string): string {
  return line.replace(/^(\s*neighbor \S+ password )\S.*$/, `$1${REDACTED}`);
}

function neighborNamed(bgp: RunningBgpConfig, name: string): BgpNeighborConfig {
  let n = bgp.neighbors.find((x) => x.name === name);
  if (!n) {
    n = { name, isPeerGroup: false, hasPassword: false, otherLines: [] };
    bgp.neighbors.push(n);
  }
  return n;
}

function addRouterLine(line: NumberedLine, bgp: RunningBgpConfig, t: string): void {
  const rid = /^bgp router-id (\S+)$/.exec(t);
  if (rid) {
    bgp.routerId = rid[1] as string;
    return;
  }
  const nb = NEIGHBOR.exec(t);
  if (!nb) {
    // Quagga's IPv4-unicast `maximum-paths 8` stands at the router level too.
    if (/^maximum-paths /.test(t)) addAddressFamilyLine(line, ipv4Unicast(bgp), t);
    else bgp.otherLines.push(t);
    return;
  }
  const name = nb[1] as string;
  const rest = nb[2] as string;
  if (IPV4_UNICAST_AT_ROUTER_LEVEL.test(rest)) {
    addAddressFamilyLine(line, ipv4Unicast(bgp), t);
    return;
  }
  if (rest === 'peer-group') {
    neighborNamed(bgp, name).isPeerGroup = true;
    return;
  }
  const n = neighborNamed(bgp, name);
  let m: RegExpExecArray | null;
  if ((m = /^remote-as (\d+|internal|external)$/.exec(rest))) {
    n.remoteAs = m[1] === 'internal' || m[1] === 'external' ? m[1] : parseAsn(line, m[1] as string);
  } else if ((m = /^peer-group (\S+)$/.exec(rest))) {
    n.peerGroup = m[1] as string;
  } else if ((m = /^description (.+)$/.exec(rest))) {
    n.description = m[1] as string;
  } else if (/^password \S/.test(rest)) {
    n.hasPassword = true;
  } else if ((m = /^update-source (\S+)$/.exec(rest))) {
    n.updateSource = m[1] as string;
  } else if ((m = /^ebgp-multihop(?: (\d+))?$/.exec(rest))) {
    n.ebgpMultihop = m[1] === undefined ? true : parseCount(WHAT, line, m[1], 'ebgp-multihop');
  } else if ((m = /^ttl-security hops (\d+)$/.exec(rest))) {
    n.ttlSecurityHops = parseCount(WHAT, line, m[1] as string, 'ttl-security hops');
  } else {
    n.otherLines.push(t);
  }
}

function addAddressFamilyLine(line: NumberedLine, af: BgpAddressFamilyConfig, t: string): void {
  let m: RegExpExecArray | null;
  if ((m = /^maximum-paths (ibgp )?(\d+)(?: .*)?$/.exec(t))) {
    const n = parseCount(WHAT, line, m[2] as string, 'maximum-paths');
    if (m[1]) af.maximumPathsIbgp = n;
    else af.maximumPaths = n;
    return;
  }
  const negated = /^no neighbor (\S+) activate$/.exec(t);
  if (negated) {
    afNeighbor(af, negated[1] as string).activate = false;
    return;
  }
  const nb = NEIGHBOR.exec(t);
  if (!nb) {
    af.otherLines.push(t);
    return;
  }
  const n = afNeighbor(af, nb[1] as string);
  const rest = nb[2] as string;
  if (rest === 'activate') n.activate = true;
  else if (rest === 'addpath-tx-all-paths') n.addpathTxAllPaths = true;
  else if ((m = /^route-map (\S+) (in|out)$/.exec(rest))) {
    if (m[2] === 'in') n.routeMapIn = m[1] as string;
    else n.routeMapOut = m[1] as string;
  } else n.otherLines.push(t);
}

function ipv4Unicast(bgp: RunningBgpConfig): BgpAddressFamilyConfig {
  let af = bgp.addressFamilies.find((a) => a.name === 'ipv4 unicast');
  if (!af) {
    af = { name: 'ipv4 unicast', neighbors: [], otherLines: [] };
    bgp.addressFamilies.push(af);
  }
  return af;
}

function afNeighbor(af: BgpAddressFamilyConfig, name: string): AddressFamilyNeighborConfig {
  let n = af.neighbors.find((x) => x.name === name);
  if (!n) {
    n = { name, addpathTxAllPaths: false, otherLines: [] };
    af.neighbors.push(n);
  }
  return n;
}
