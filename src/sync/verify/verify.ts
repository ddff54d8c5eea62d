import type { AddressPool, PeerConfig, SpeakerConfig } from '../../config/model.js';
import type { Plan } from '../plan-types.js';
import { speakerAddresses } from '../peer-slots.js';
import { compareIp, compareIpText, parseIp } from '../../ip/address.js';
import type { ObservedRoute, ObservedRouterState, ObservedSession } from './observed.js';
import {
  canonicalPrefix,
  comparePrefix,
  parsePrefix,
  prefixLast,
  type IpPrefix,
  type RoutePrefix,
} from '../../ip/prefix.js';
import {
  ROUTE_VERDICTS,
  SESSION_VERDICTS,
  type RouteCheck,
  type SessionCheck,
  type Verification,
  type VerificationNote,
  type VerificationSummary,
} from './verification.js';

/** The parts of the configuration the verifier reads. */
export interface VerifyConfig {
  peers: PeerConfig[];
  pools: AddressPool[];
  speaker: Pick<SpeakerConfig, 'listenAddress'>;
}

export interface VerifyInput {
  plan: Plan;
  config: VerifyConfig;
  observed: ObservedRouterState;
  /**
   * Names of the configured peers this router is; by default the peers whose peer ASN is the
   * router's local AS (all peers when the router's AS is unknown or matches none).
   */
  peers?: string[];
}

interface ExpectedRoute {
  /** The plan's prefix value: its text is the key router records are matched by. */
  prefix: RoutePrefix;
  family: 4 | 6;
  nextHops: Set<string>;
  services: Set<string>;
  /** Next hops failing their health probes, with the last error (PlannedRoute.health). */
  unhealthy: Map<string, string>;
  failedOpen: boolean;
}

/**
 * Compares what the plan wants a router to carry with what the router shows. Pure: the same
 * input always gives the same, stably ordered Verification.
 */
export function verify(input: VerifyInput): Verification {
  const notes: VerificationNote[] = [];
  const peers = selectPeers(input, notes);
  const sessions = checkSessions(peers, input.config.speaker, input.observed);
  const routes = checkRoutes(input, peers, sessions);
  addCapacityNotes(routes, notes);
  addPlanNotes(input.plan, notes);
  const router: Verification['router'] = {};
  if (input.observed.routerId !== undefined) router.routerId = input.observed.routerId;
  if (input.observed.localAs !== undefined) router.localAs = input.observed.localAs;
  return {
    router,
    peers: peers.map((p) => p.name).sort(),
    sessions,
    routes,
    notes,
    summary: summarize(sessions, routes),
  };
}

function selectPeers(input: VerifyInput, notes: VerificationNote[]): PeerConfig[] {
  const all = input.config.peers;
  if (input.peers !== undefined) {
    const wanted = new Set(input.peers);
    return all.filter((p) => wanted.has(p.name));
  }
  const localAs = input.observed.localAs;
  if (localAs === undefined) return all;
  const matching = all.filter((p) => p.peerAsn === localAs);
  if (matching.length > 0 || all.length === 0) return matching;
  notes.push({
    subject: 'router',
    message: `the router's AS ${localAs} is no configured peer's peer ASN (${[...new Set(all.map((p) => p.peerAsn))].join(', ')}); checking against every peer`,
  });
  return all;
}

// ---------------------------------------------------------------------------------------------
// Sessions

function checkSessions(
  peers: PeerConfig[],
  speaker: VerifyConfig['speaker'],
  observed: ObservedRouterState,
): SessionCheck[] {
  const byNeighbor = new Map<string, ObservedSession>();
  for (const s of observed.sessions) byNeighbor.set(s.neighbor, s);
  // Several peers can expect the same router neighbor; one row per neighbor and AS.
  const rows = new Map<string, SessionCheck>();
  const addRow = (peer: PeerConfig, row: Omit<SessionCheck, 'peers'>): void => {
    const key = `${row.neighbor} ${row.expectedAs}`;
    const existing = rows.get(key);
    if (existing) {
      if (!existing.peers.includes(peer.name)) existing.peers.push(peer.name);
      return;
    }
    rows.set(key, { peers: [peer.name], ...row });
  };
  for (const peer of peers) {
    // One row per path slot: each source address is a session of its own on the router.
    const sources = speakerAddresses(peer, speaker);
    for (const source of sources) {
      addRow(peer, sessionRow(source, peer.myAsn, byNeighbor.get(source), observed));
    }
    if (sources.length > 0) continue;
    // Without a known source address any router neighbor in our AS is one of our speakers.
    const ours = observed.sessions.filter((s) => s.remoteAs === peer.myAsn);
    if (ours.length === 0) addRow(peer, sessionRow('*', peer.myAsn, undefined, observed));
    for (const s of ours) addRow(peer, sessionRow(s.neighbor, peer.myAsn, s, observed));
  }
  const list = [...rows.values()];
  for (const row of list) row.peers.sort();
  return list.sort(
    (a, b) =>
      Number(a.neighbor === '*') - Number(b.neighbor === '*') ||
      compareIpText(a.neighbor, b.neighbor) ||
      a.expectedAs - b.expectedAs,
  );
}

function sessionRow(
  neighbor: string,
  expectedAs: number,
  session: ObservedSession | undefined,
  observed: ObservedRouterState,
): Omit<SessionCheck, 'peers'> {
  if (session === undefined) {
    const row: Omit<SessionCheck, 'peers'> = { neighbor, expectedAs, verdict: 'missing' };
    row.detail = missingSessionDetail(neighbor, expectedAs, observed);
    return row;
  }
  const row: Omit<SessionCheck, 'peers'> = {
    neighbor,
    expectedAs,
    actualAs: session.remoteAs,
    state: session.state,
    upDown: session.upDownText,
    verdict: 'ok',
  };
  if (session.prefixesReceived !== undefined) row.prefixesReceived = session.prefixesReceived;
  if (session.remoteAs !== expectedAs) {
    row.verdict = 'missing';
    row.detail = `the router expects AS ${session.remoteAs} from ${neighbor}, not ${expectedAs}`;
  } else if (session.state !== 'Established') {
    row.verdict = 'down';
    row.detail = `session is ${session.state}`;
  } else if (session.endOfRibAwaited !== undefined && session.endOfRibAwaited.length > 0) {
    row.verdict = 'restarting';
    const families = session.endOfRibAwaited.map((f) => `IPv${f}`).join(' and ');
    row.detail = `graceful restart: the router has not yet received our ${families} End-of-RIB on this session and still holds our previous session's routes as stale (RFC 4724 section 4.2)`;
  }
  return row;
}

function missingSessionDetail(neighbor: string, expectedAs: number, observed: ObservedRouterState): string {
  const what = neighbor === '*' ? `no neighbor in AS ${expectedAs}` : `no neighbor ${neighbor}`;
  const configured = observed.configuredNeighbors;
  if (configured === undefined) return `${what} in show bgp summary`;
  const statement = configured.find((c) =>
    neighbor === '*' ? c.remoteAs === expectedAs : c.neighbor === neighbor,
  );
  if (statement === undefined) return `${what} in show bgp summary, nor in the running config`;
  return `${what} in show bgp summary, though the running config has "neighbor ${statement.neighbor} remote-as ${String(statement.remoteAs)}"`;
}

// ---------------------------------------------------------------------------------------------
// Routes

function checkRoutes(input: VerifyInput, peers: PeerConfig[], sessions: SessionCheck[]): RouteCheck[] {
  const expected = expectedRoutes(input.plan, peers);
  const observedByPrefix = new Map<string, ObservedRoute>();
  for (const r of input.observed.routes) {
    const prev = observedByPrefix.get(r.prefix);
    // A prefix can show several BGP entries; the selected one is what forwards traffic.
    if (prev === undefined || (!prev.selected && r.selected)) observedByPrefix.set(r.prefix, r);
  }
  const rows: Array<{ key: IpPrefix | undefined; row: RouteCheck }> = [];
  const capacity = pathCapacity(input.observed, sessions, slotCount(peers, input.config.speaker));
  for (const exp of expected.values()) {
    rows.push({
      key: exp.prefix,
      row: checkExpectedRoute(exp, observedByPrefix.get(exp.prefix.text), capacity(exp.family)),
    });
  }
  const ours = ownershipTest(input.config.pools, sessions);
  const owners = allocationOwners(input.plan);
  for (const route of observedByPrefix.values()) {
    if (expected.has(route.prefix)) continue;
    const key = parsePrefix(route.prefix);
    if (!ours(key, route)) continue;
    rows.push({ key, row: unexpectedRow(route, key, owners) });
  }
  rows.sort((a, b) => comparePrefixKeys(a.key, b.key) || (a.row.prefix < b.row.prefix ? -1 : 1));
  return rows.map((r) => r.row);
}

function expectedRoutes(plan: Plan, peers: PeerConfig[]): Map<string, ExpectedRoute> {
  const wanted = new Set(peers.map((p) => p.name));
  const routes = new Map<string, ExpectedRoute>();
  for (const peerRoutes of plan.peers) {
    if (!wanted.has(peerRoutes.peer)) continue;
    for (const r of peerRoutes.routes) {
      let e = routes.get(r.prefix.text);
      if (e === undefined) {
        e = {
          prefix: r.prefix,
          family: r.family,
          nextHops: new Set(),
          services: new Set(),
          unhealthy: new Map(),
          failedOpen: false,
        };
        routes.set(r.prefix.text, e);
      }
      // The router's output is text: the comparison with it is by text.
      for (const nh of r.nextHops) e.nextHops.add(nh.text);
      for (const s of r.services) e.services.add(s);
      for (const u of r.health?.unhealthy ?? []) e.unhealthy.set(u.nextHop.text, u.error);
      if (r.health?.failedOpen === true) e.failedOpen = true;
    }
  }
  return routes;
}

/** How many next hops per prefix the router can hold from our sessions, and why no more. */
interface PathCapacity {
  paths: number;
  /** The design limit, named in the report: `single path: the session has no ADD-PATH`. */
  reason: string;
}

/** The most slot sessions one of the peers has (path slots: `sourceAddresses`); 1 without slots. */
function slotCount(peers: PeerConfig[], speaker: VerifyConfig['speaker']): number {
  return Math.max(1, ...peers.map((p) => speakerAddresses(p, speaker).length));
}

/**
 * How many next hops per prefix our sessions can bring the router, by family: unlimited when any
 * of our sessions negotiated ADD-PATH for it (or when the router's neighbor details were not
 * read), else one per established session (at least one: paths kept through a graceful restart
 * are still one per session). Those sessions are the peer's path slots (one per source address,
 * each carrying one of a prefix's next hops) or, as with MetalLB, one per node. Quagga has no
 * ADD-PATH, so one session carries one of a service's next hops; that is not drift.
 */
function pathCapacity(
  observed: ObservedRouterState,
  sessions: SessionCheck[],
  slots: number,
): (family: 4 | 6) => PathCapacity {
  const ours = new Set(sessions.map((s) => s.neighbor));
  const mine = observed.sessions.filter((s) => ours.has(s.neighbor));
  return (family) => {
    if (mine.some((s) => s.multiPathFamilies === undefined || s.multiPathFamilies.includes(family)))
      return { paths: Infinity, reason: '' };
    const established = mine.filter((s) => s.state === 'Established').length;
    const paths = Math.max(1, established);
    if (slots > 1) {
      const up = established === slots ? `${slots} slots` : `${established} of ${slots} slots up`;
      return { paths, reason: `${up}, no ADD-PATH` };
    }
    return {
      paths,
      reason:
        paths === 1
          ? 'single path: the session has no ADD-PATH'
          : `${paths} sessions without ADD-PATH, one path each`,
    };
  };
}

function checkExpectedRoute(
  exp: ExpectedRoute,
  route: ObservedRoute | undefined,
  capacity: PathCapacity,
): RouteCheck {
  const row: RouteCheck = {
    prefix: exp.prefix.text,
    family: exp.family,
    codes: route?.codes ?? '',
    expectedNextHops: sortedAddresses(exp.nextHops),
    actualNextHops: route === undefined ? [] : nextHopTexts(route),
    services: [...exp.services].sort(),
    verdict: 'ok',
  };
  if (route?.ageText !== undefined) row.age = route.ageText;
  if (exp.unhealthy.size > 0)
    row.unhealthy = sortedAddresses(exp.unhealthy.keys()).map((nextHop) => ({
      nextHop,
      error: exp.unhealthy.get(nextHop)!,
    }));
  if (route === undefined) {
    row.verdict = 'missing';
    row.detail = 'the router has no BGP route for this prefix';
    return row;
  }
  const actual = new Set(row.actualNextHops);
  const present = row.expectedNextHops.filter((nh) => actual.has(nh));
  const extra = row.actualNextHops.filter((nh) => !exp.nextHops.has(nh));
  const absent = row.expectedNextHops.filter((nh) => !actual.has(nh));
  if (present.length === 0 || extra.length > 0) {
    row.verdict = 'wrong-nexthop';
    row.detail =
      extra.length > 0
        ? `unexpected next hop ${extra.join(', ')}${absent.length > 0 ? `; missing ${absent.join(', ')}` : ''}`
        : 'no next hop at all';
    return row;
  }
  // Fewer paths than next hops by design: the router holds as many as it can, no more.
  const limited =
    absent.length > 0 && present.length >= Math.min(capacity.paths, row.expectedNextHops.length);
  if (absent.length > 0 && !limited) {
    row.verdict = 'ecmp-incomplete';
    row.detail = `${present.length} of ${row.expectedNextHops.length} next hops; missing ${absent.join(', ')}`;
    return row;
  }
  const notInFib = route.nextHops.filter((nh) => nh.address !== undefined && !nh.fib).map((nh) => nh.address);
  if (!route.selected || !route.installed || notInFib.length > 0) {
    row.verdict = 'not-in-fib';
    row.detail = !route.selected
      ? 'route is not selected (another route wins)'
      : !route.installed
        ? `route is not installed in the FIB (codes ${route.codes})`
        : `next hop ${notInFib.join(', ')} not installed in the FIB`;
  }
  if (limited) {
    row.notCarried = absent;
    row.detail ??= `${capacity.reason}; ${present.length} of ${row.expectedNextHops.length} next hops (${absent.join(', ')} not carried)`;
  }
  if (row.unhealthy !== undefined) {
    const failing = row.unhealthy.map((u) => `${u.nextHop} (${u.error})`).join(', ');
    row.detail ??= exp.failedOpen
      ? `every next hop fails its health check, all announced (fail open): ${failing}`
      : `unhealthy, withdrawn by health check: ${failing}`;
  }
  return row;
}

/** Numeric order, each address parsed once (ECMP sets are sorted for every route). */
function sortedAddresses(addresses: Iterable<string>): string[] {
  const list = [...addresses];
  if (list.length < 2) return list;
  return list
    .map((text) => ({ text, ip: parseIp(text) }))
    .sort((a, b) => (a.ip && b.ip ? compareIp(a.ip, b.ip) : compareIpText(a.text, b.text)))
    .map((e) => e.text);
}

function nextHopTexts(route: ObservedRoute): string[] {
  const out: string[] = [];
  for (const nh of route.nextHops) {
    const text =
      nh.address ?? (nh.interface !== undefined ? `is directly connected, ${nh.interface}` : 'none');
    if (!out.includes(text)) out.push(text);
  }
  return out;
}

type OwnershipTest = (prefix: IpPrefix | undefined, route: ObservedRoute) => boolean;

/** A route is ours to judge when it lies in one of our pools or arrived from one of our sessions. */
function ownershipTest(pools: AddressPool[], sessions: SessionCheck[]): OwnershipTest {
  const ranges = pools.flatMap((p) => p.addresses);
  const neighbors = new Set(sessions.filter((s) => s.neighbor !== '*').map((s) => s.neighbor));
  return (prefix, route) => {
    if (prefix !== undefined) {
      const last = prefixLast(prefix);
      for (const r of ranges) {
        if (r.family === prefix.family && prefix.network <= r.last && last >= r.first) return true;
      }
    }
    return route.nextHops.some((nh) => nh.address !== undefined && neighbors.has(nh.address));
  };
}

/** Which services hold each allocated IP, keyed by its host prefix. */
function allocationOwners(plan: Plan): Map<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const a of plan.allocations) {
    for (const ip of a.ips) {
      const prefix = canonicalPrefix(`${ip}/${ip.includes(':') ? 128 : 32}`);
      const list = owners.get(prefix);
      if (list === undefined) owners.set(prefix, [a.service]);
      else list.push(a.service);
    }
  }
  return owners;
}

function unexpectedRow(
  route: ObservedRoute,
  key: IpPrefix | undefined,
  owners: Map<string, string[]>,
): RouteCheck {
  const services = [...(owners.get(route.prefix) ?? [])].sort();
  const row: RouteCheck = {
    prefix: route.prefix,
    family: key?.family ?? route.family,
    codes: route.codes,
    expectedNextHops: [],
    actualNextHops: nextHopTexts(route),
    services,
    verdict: 'unexpected',
    detail:
      services.length === 0
        ? 'the plan announces no such prefix'
        : `allocated to ${services.join(', ')} but the plan does not announce it`,
  };
  if (route.ageText !== undefined) row.age = route.ageText;
  return row;
}

function comparePrefixKeys(a: IpPrefix | undefined, b: IpPrefix | undefined): number {
  if (a === undefined || b === undefined) return Number(a === undefined) - Number(b === undefined);
  return comparePrefix(a, b);
}

// ---------------------------------------------------------------------------------------------

/**
 * One line for the routes that are ok with fewer next hops than planned, so a report that shows
 * no row details (JUnit) still says why.
 */
function addCapacityNotes(routes: RouteCheck[], notes: VerificationNote[]): void {
  const limited = routes.filter((r) => r.verdict === 'ok' && r.notCarried !== undefined);
  if (limited.length === 0) return;
  const list = limited.map((r) => r.prefix);
  notes.push({
    subject: 'router',
    message: `${list.length} route(s) carry fewer next hops than planned, as the sessions allow (see each route's detail): ${list.join(', ')}`,
  });
}

function addPlanNotes(plan: Plan, notes: VerificationNote[]): void {
  for (const a of plan.allocations) {
    if (a.failure !== undefined)
      notes.push({ subject: a.service, message: `${a.failure.reason}: ${a.failure.message}` });
  }
  for (const issue of plan.issues) {
    notes.push({
      subject: issue.service,
      message: issue.peer === undefined ? issue.message : `${issue.peer}: ${issue.message}`,
    });
  }
  notes.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
}

function summarize(sessions: SessionCheck[], routes: RouteCheck[]): VerificationSummary {
  const s = Object.fromEntries(SESSION_VERDICTS.map((v) => [v, 0])) as VerificationSummary['sessions'];
  s.total = sessions.length;
  for (const row of sessions) s[row.verdict] += 1;
  const r = Object.fromEntries(ROUTE_VERDICTS.map((v) => [v, 0])) as VerificationSummary['routes'];
  r.total = routes.length;
  for (const row of routes) r[row.verdict] += 1;
  const drift = s.ok !== s.total || r.ok !== r.total;
  return { status: drift ? 'drift' : 'ok', sessions: s, routes: r };
}
