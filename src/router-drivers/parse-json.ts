import * as z from 'zod';
import { once } from '../util/once.js';
import { RouterJsonParseError } from './errors.js';
import type {
  AddPathCapability,
  BgpMessageCounts,
  BgpNeighborDetail,
  BgpRibPath,
  BgpSummary,
  BgpSummaryPeer,
  RouteEntry,
  RouteNextHop,
} from './records.js';
import { PROTOCOL_CODES } from './protocols.js';
import { parseUptime } from './uptime.js';
import { visitObjectMembers } from './json-members.js';

/*
 * FRR's `... json` outputs, validated with zod and mapped onto the same records as the text
 * parsers, so the rest of the project never knows which form was read. Schemas list only the
 * fields we use; FRR adds fields between releases and those are let through (looseObject).
 */

function parseJson<S extends z.ZodType>(what: string, text: string, schema: S): z.output<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new RouterJsonParseError(what, '', `not JSON (${(err as Error).message})`);
  }
  return validate(what, [], data, schema);
}

function validate<S extends z.ZodType>(what: string, at: string[], data: unknown, schema: S): z.output<S> {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    throw new RouterJsonParseError(what, [...at, ...issue.path.map(String)].join('.'), issue.message);
  }
  return parsed.data;
}

// Every schema is built on its first use: built at module load, they cost every process that
// loads a parser start-up CPU (`check` of a Quagga recording never reads FRR's JSON).
const count = once(() => z.number().int().nonnegative());

/** `ipv4Unicast` -> `IPv4 Unicast`, `l2VpnEvpn` -> `L2VPN EVPN`. */
function addressFamilyName(key: string): string {
  const m = /^(ipv4|ipv6|l2Vpn)([A-Z][A-Za-z]*)$/.exec(key);
  if (!m) return key;
  const afi = m[1] === 'ipv4' ? 'IPv4' : m[1] === 'ipv6' ? 'IPv6' : 'L2VPN';
  const safi = (m[2] as string).replace(/([a-z])([A-Z])/g, '$1 $2');
  return `${afi} ${safi === 'Evpn' ? 'EVPN' : safi === 'Vpn' ? 'VPN' : safi}`;
}

/** FRR's JSON spells capability states in camelCase where the text has words. */
function capabilityWords(camel: string): string {
  return camel
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/ new$/, '(new)');
}

function uptimeOf(what: string, path: string | (() => string), text: string): number | null {
  const sec = parseUptime(text);
  if (sec === undefined) {
    throw new RouterJsonParseError(
      what,
      typeof path === 'string' ? path : path(),
      `${JSON.stringify(text)} is not an age`,
    );
  }
  return sec;
}

const summaryPeerSchema = once(() =>
  z.looseObject({
    hostname: z.string().optional(),
    remoteAs: count(),
    version: count(),
    msgRcvd: count(),
    msgSent: count(),
    tableVersion: count(),
    outq: count(),
    inq: count(),
    peerUptime: z.string(),
    pfxRcd: count().optional(),
    pfxSnt: count().optional(),
    state: z.string(),
    desc: z.string().optional(),
  }),
);
const summaryFamilySchema = once(() =>
  z.looseObject({
    routerId: z.string(),
    as: count(),
    vrfName: z.string().optional(),
    tableVersion: count().optional(),
    peers: z.record(z.string(), summaryPeerSchema()),
  }),
);
// An address family without neighbors is printed as `{}`.
const summarySchema = once(() => z.record(z.string(), z.record(z.string(), z.unknown())));

/** `show bgp summary json` (FRR 7+). */
export function parseBgpSummaryJson(text: string): BgpSummary[] {
  const WHAT = 'show bgp summary json';
  const data = parseJson(WHAT, text, summarySchema());
  const out: BgpSummary[] = [];
  for (const [key, raw] of Object.entries(data)) {
    if (Object.keys(raw).length === 0) continue;
    const family = validate(WHAT, [key], raw, summaryFamilySchema());
    const summary: BgpSummary = {
      addressFamily: addressFamilyName(key),
      routerId: family.routerId,
      localAs: family.as,
      peers: [],
    };
    if (family.vrfName !== undefined) summary.vrf = family.vrfName;
    if (family.tableVersion !== undefined) summary.tableVersion = family.tableVersion;
    for (const [address, p] of Object.entries(family.peers)) {
      const peer: BgpSummaryPeer = {
        address,
        bgpVersion: p.version,
        remoteAs: p.remoteAs,
        msgRcvd: p.msgRcvd,
        msgSent: p.msgSent,
        tableVersion: p.tableVersion,
        inQ: p.inq,
        outQ: p.outq,
        upDownText: p.peerUptime,
        upDownSec: uptimeOf(WHAT, `${key}.peers.${address}.peerUptime`, p.peerUptime),
        state: p.state,
      };
      if (p.hostname !== undefined) peer.hostname = p.hostname;
      if (p.state === 'Established' && p.pfxRcd !== undefined) peer.prefixesReceived = p.pfxRcd;
      if (p.pfxSnt !== undefined) peer.prefixesSent = p.pfxSnt;
      if (p.desc !== undefined && p.desc !== 'N/A') peer.description = p.desc;
      summary.peers.push(peer);
    }
    out.push(summary);
  }
  return out;
}

// z.object (not looseObject): zebra prints a dozen fields per entry we never read (table,
// internalFlags, nexthopGroupId...), and dropping them keeps the parsed table small.
const routeNexthopSchema = once(() =>
  z.object({
    fib: z.boolean().optional(),
    ip: z.string().optional(),
    interfaceName: z.string().optional(),
    active: z.boolean().optional(),
    directlyConnected: z.boolean().optional(),
    weight: count().optional(),
  }),
);
const routeSchema = once(() =>
  z.object({
    prefix: z.string(),
    protocol: z.string(),
    selected: z.boolean().optional(),
    installed: z.boolean().optional(),
    queued: z.boolean().optional(),
    failed: z.boolean().optional(),
    distance: count().optional(),
    metric: count().optional(),
    uptime: z.string(),
    nexthops: z.array(routeNexthopSchema()),
  }),
);
const routeListSchema = once(() => z.array(routeSchema()));

type RawRoute = z.output<ReturnType<typeof routeSchema>>;
type RawRouteNexthop = z.output<ReturnType<typeof routeNexthopSchema>>;

/**
 * `show ip route [bgp] json` / `show ipv6 route json` (FRR), one prefix at a time: the entries of
 * a prefix are checked as a whole before any of them becomes a record, so the first structural
 * problem is reported before a protocol or age problem, as a single schema pass would.
 */
export function parseRouteJson(text: string): RouteEntry[] {
  const WHAT = 'show ip route json';
  const out: RouteEntry[] = [];
  visitObjectMembers(WHAT, text, (prefix, value) => addRoutes(WHAT, out, prefix, value));
  return out;
}

function addRoutes(what: string, out: RouteEntry[], prefix: string, value: unknown): void {
  const entries = validate(what, [prefix], value, routeListSchema());
  for (let i = 0; i < entries.length; i += 1) {
    const r = entries[i] as RawRoute;
    const code = PROTOCOL_CODES[r.protocol];
    if (code === undefined) {
      throw new RouterJsonParseError(
        what,
        `${prefix}.${i}.protocol`,
        `unknown protocol ${JSON.stringify(r.protocol)}`,
      );
    }
    const sec = uptimeOf(what, () => `${prefix}.${i}.uptime`, r.uptime);
    const hops = r.nexthops;
    const nextHops: RouteNextHop[] = new Array<RouteNextHop>(hops.length);
    for (let h = 0; h < hops.length; h += 1) nextHops[h] = nextHopOf(hops[h] as RawRouteNexthop);
    const route: RouteEntry = {
      prefix: r.prefix,
      family: r.prefix.includes(':') ? 6 : 4,
      protocolCode: code,
      selected: r.selected === true,
      fib: r.installed === true,
      queued: r.queued === true,
      rejected: r.failed === true,
      nextHops,
      uptimeText: r.uptime,
      uptimeSec: sec ?? 0,
    };
    if (r.distance !== undefined) route.distance = r.distance;
    if (r.metric !== undefined) route.metric = r.metric;
    out.push(route);
  }
}

function nextHopOf(n: RawRouteNexthop): RouteNextHop {
  const hop: RouteNextHop = {
    fib: n.fib === true,
    directlyConnected: n.directlyConnected === true,
    active: n.active === true,
  };
  if (n.ip !== undefined) hop.address = n.ip;
  if (n.interfaceName !== undefined) hop.interface = n.interfaceName;
  if (n.weight !== undefined) hop.weight = n.weight;
  return hop;
}

const addPathFlags = once(() =>
  z.looseObject({
    txAdvertisedAndReceived: z.boolean().optional(),
    txAdvertised: z.boolean().optional(),
    txReceived: z.boolean().optional(),
    rxAdvertisedAndReceived: z.boolean().optional(),
    rxAdvertised: z.boolean().optional(),
    rxReceived: z.boolean().optional(),
  }),
);
const neighborSchema = once(() =>
  z.looseObject({
    remoteAs: count(),
    localAs: count(),
    nbrExternalLink: z.boolean().optional(),
    nbrInternalLink: z.boolean().optional(),
    hostname: z.string().optional(),
    nbrDesc: z.string().optional(),
    remoteRouterId: z.string(),
    bgpState: z.string(),
    bgpTimerUpString: z.string().optional(),
    bgpTimerHoldTimeMsecs: count(),
    bgpTimerKeepAliveIntervalMsecs: count(),
    bgpTimerConfiguredHoldTimeMsecs: count().optional(),
    bgpTimerConfiguredKeepAliveIntervalMsecs: count().optional(),
    neighborCapabilities: z
      .looseObject({
        '4byteAs': z.string().optional(),
        routeRefresh: z.string().optional(),
        addPath: z.record(z.string(), addPathFlags()).optional(),
        multiprotocolExtensions: z.record(z.string(), z.record(z.string(), z.boolean())).optional(),
      })
      .optional(),
    messageStats: z.looseObject({
      opensSent: count(),
      opensRecv: count(),
      notificationsSent: count(),
      notificationsRecv: count(),
      updatesSent: count(),
      updatesRecv: count(),
      keepalivesSent: count(),
      keepalivesRecv: count(),
      routeRefreshSent: count(),
      routeRefreshRecv: count(),
      capabilitySent: count(),
      capabilityRecv: count(),
      totalSent: count(),
      totalRecv: count(),
    }),
    addressFamilyInfo: z
      .record(z.string(), z.looseObject({ acceptedPrefixCounter: count().optional() }))
      .optional(),
    gracefulRestartInfo: z.record(z.string(), z.unknown()).optional(),
  }),
);
const neighborsSchema = once(() => z.record(z.string(), neighborSchema()));

/**
 * FRR 7.5.1, 8.4.4 and 10.3 put one object per address family in graceful restart beside the
 * neighbor-wide fields of `gracefulRestartInfo`: `"ipv4Unicast":{"fBit":true,"endOfRibStatus":
 * {"endOfRibSend":true,"endOfRibSentAfterUpdate":true,"endOfRibRecv":false},...}`, present only
 * while both sides negotiated graceful restart for it (fixtures/frr-graceful-restart).
 */
const gracefulRestartFamilySchema = once(() =>
  z.looseObject({
    endOfRibStatus: z.looseObject({ endOfRibRecv: z.boolean() }),
  }),
);

function gracefulRestartFamilies(
  what: string,
  at: string[],
  info: Record<string, unknown>,
): NonNullable<BgpNeighborDetail['gracefulRestart']> {
  return Object.entries(info).flatMap(([key, value]) => {
    const addressFamily = addressFamilyName(key);
    // The neighbor-wide fields beside the families (`timers`, `rBit`, ...) keep their names.
    if (addressFamily === key) return [];
    const family = validate(what, [...at, key], value, gracefulRestartFamilySchema());
    return [{ addressFamily, endOfRibReceived: family.endOfRibStatus.endOfRibRecv }];
  });
}

/** `show bgp neighbors json` (FRR). */
export function parseBgpNeighborsJson(text: string): BgpNeighborDetail[] {
  const WHAT = 'show bgp neighbors json';
  const data = parseJson(WHAT, text, neighborsSchema());
  return Object.entries(data).map(([address, n]) => {
    const caps = n.neighborCapabilities;
    const m = n.messageStats;
    const counts = (dir: 'Sent' | 'Recv'): BgpMessageCounts => ({
      opens: m[`opens${dir}`],
      notifications: m[`notifications${dir}`],
      updates: m[`updates${dir}`],
      keepalives: m[`keepalives${dir}`],
      routeRefresh: m[`routeRefresh${dir}`],
      capability: m[`capability${dir}`],
      total: m[`total${dir}`],
    });
    const detail: BgpNeighborDetail = {
      address,
      remoteAs: n.remoteAs,
      localAs: n.localAs,
      external: n.nbrExternalLink === true,
      remoteRouterId: n.remoteRouterId,
      state: n.bgpState,
      holdTimeSec: n.bgpTimerHoldTimeMsecs / 1000,
      keepaliveSec: n.bgpTimerKeepAliveIntervalMsecs / 1000,
      capabilities: {
        addPath: Object.entries(caps?.addPath ?? {}).map(([key, f]): AddPathCapability => ({
          addressFamily: addressFamilyName(key),
          txAdvertised: f.txAdvertised === true || f.txAdvertisedAndReceived === true,
          txReceived: f.txReceived === true || f.txAdvertisedAndReceived === true,
          rxAdvertised: f.rxAdvertised === true || f.rxAdvertisedAndReceived === true,
          rxReceived: f.rxReceived === true || f.rxAdvertisedAndReceived === true,
        })),
        multiprotocol: Object.entries(caps?.multiprotocolExtensions ?? {}).map(([key, flags]) => ({
          addressFamily: addressFamilyName(key),
          status: Object.keys(flags)
            .filter((k) => flags[k] === true)
            .map(capabilityWords)
            .join(', '),
        })),
      },
      messages: { sent: counts('Sent'), received: counts('Recv') },
    };
    const restarting = gracefulRestartFamilies(
      WHAT,
      [address, 'gracefulRestartInfo'],
      n.gracefulRestartInfo ?? {},
    );
    if (restarting.length > 0) detail.gracefulRestart = restarting;
    if (n.hostname !== undefined) detail.hostname = n.hostname;
    if (n.nbrDesc !== undefined) detail.description = n.nbrDesc;
    if (caps?.['4byteAs'] !== undefined) detail.capabilities.fourByteAs = capabilityWords(caps['4byteAs']);
    if (caps?.routeRefresh !== undefined)
      detail.capabilities.routeRefresh = capabilityWords(caps.routeRefresh);
    if (n.bgpState === 'Established' && n.bgpTimerUpString !== undefined) {
      const sec = uptimeOf(WHAT, `${address}.bgpTimerUpString`, n.bgpTimerUpString);
      detail.upTimeText = n.bgpTimerUpString;
      detail.upTimeSec = sec ?? 0;
    }
    if (n.bgpTimerConfiguredHoldTimeMsecs !== undefined)
      detail.configuredHoldTimeSec = n.bgpTimerConfiguredHoldTimeMsecs / 1000;
    if (n.bgpTimerConfiguredKeepAliveIntervalMsecs !== undefined) {
      detail.configuredKeepaliveSec = n.bgpTimerConfiguredKeepAliveIntervalMsecs / 1000;
    }
    const accepted = Object.values(n.addressFamilyInfo ?? {}).map((a) => a.acceptedPrefixCounter);
    if (accepted.some((a) => a !== undefined))
      detail.acceptedPrefixes = accepted.reduce<number>((s, a) => s + (a ?? 0), 0);
    return detail;
  });
}

const ribPathSchema = once(() =>
  z.looseObject({
    valid: z.boolean().optional(),
    bestpath: z.boolean().optional(),
    multipath: z.boolean().optional(),
    peerId: z.string(),
    path: z.string(),
    origin: z.string(),
    weight: count(),
    metric: count().optional(),
    locPrf: count().optional(),
    nexthops: z.array(z.looseObject({ ip: z.string() })),
  }),
);
const ribSchema = once(() => z.looseObject({ routes: z.record(z.string(), z.array(ribPathSchema())) }));

/** `show bgp ipv4 unicast json`: bgpd's own table, every path of every prefix. */
export function parseBgpRibJson(text: string): BgpRibPath[] {
  const data = parseJson('show bgp ipv4 unicast json', text, ribSchema());
  const out: BgpRibPath[] = [];
  for (const [prefix, paths] of Object.entries(data.routes)) {
    for (const p of paths) {
      const path: BgpRibPath = {
        prefix,
        valid: p.valid === true,
        best: p.bestpath === true,
        multipath: p.multipath === true,
        nextHops: p.nexthops.map((h) => h.ip),
        peerId: p.peerId,
        asPath: p.path,
        origin: p.origin,
        weight: p.weight,
      };
      if (p.metric !== undefined) path.metric = p.metric;
      if (p.locPrf !== undefined) path.localPref = p.locPrf;
      out.push(path);
    }
  }
  return out;
}
