import {
  communityLiteral,
  parseCommunity,
  parseCommunityLiteral,
  RouteCommunity,
  RouteLargeCommunity,
} from '../ip/community.js';
import { rangeToPrefixes } from '../ip/prefix.js';
import { rangesOverlap } from './addresses.js';
import { DEFAULTS } from './defaults.js';
import type {
  AdvertisementDraft,
  Fragment,
  PeerDraft,
  PoolDraft,
  SettingDraft,
  SettingKey,
} from './drafts.js';
import { formatGoDuration } from './duration.js';
import { valueAt } from './field-path.js';
import { childSite, describeSite, type IssueCollector, type Site } from './issues.js';
import { selectorMatches } from './label-selector.js';
import type { AddressPool, BgpAdvertisement, Config, PeerConfig } from './model.js';

/**
 * Merges what every document contributed into one Config and runs the checks that need more
 * than one field or document: timers, duplicate names, overlapping pools, advertisement
 * references, aggregation lengths, community aliases. Problems go to `issues`.
 */
export function resolveConfig(fragments: readonly Fragment[], issues: IssueCollector): Config {
  const aliases = resolveAliases(fragments, issues);
  const peers = uniqueByName(
    fragments.flatMap((f) => f.peers),
    'peer',
    issues,
  ).map((d) => resolvePeer(d, issues));
  const poolDrafts = uniqueByName(
    fragments.flatMap((f) => f.pools),
    'pool',
    issues,
  );
  checkOverlaps(poolDrafts, issues);
  const advertisements = uniqueByName(
    fragments.flatMap((f) => f.advertisements),
    'advertisement',
    issues,
  );
  const peerNames = new Set(peers.map((p) => p.name));
  const poolNames = new Set(poolDrafts.map((p) => p.name));
  const l2 = fragments.flatMap((f) => f.l2Advertisements);
  for (const adv of [...advertisements, ...l2]) checkPoolNames(adv, poolNames, issues);
  for (const adv of advertisements) checkPeerNames(adv, peerNames, issues);

  const pools = resolvePools(poolDrafts, advertisements, l2, aliases, issues);

  const setting = <K extends SettingKey>(key: K) => singleSetting(fragments, key, issues);
  const config: Config = {
    speaker: setting('speaker') ?? {
      listenPort: DEFAULTS.listenPort,
      gracefulRestartTimeSec: DEFAULTS.gracefulRestartTimeSec,
    },
    peers,
    pools,
    kubernetes: setting('kubernetes') ?? { mode: 'cluster', metallbNamespace: DEFAULTS.metallbNamespace },
    manageNeighbors: setting('manageNeighbors') ?? false,
    neighborDescription: setting('neighborDescription') ?? DEFAULTS.neighborDescription,
    verifyIntervalSec: setting('verifyIntervalSec') ?? DEFAULTS.verifyIntervalSec,
  };
  const router = setting('router');
  if (router) config.router = router;
  checkBirdNeighbors(fragments, config, issues);
  if (setting('announceOnly') === true) {
    checkAnnounceOnly(fragments, config, issues);
    config.announceOnly = true;
  }
  const healthChecks = setting('healthChecks');
  if (healthChecks !== undefined) config.healthChecks = healthChecks;
  const lbClass = setting('loadBalancerClass');
  if (lbClass !== undefined) config.loadBalancerClass = lbClass;
  return config;
}

/** Each pool with the advertisements that apply to it, and its protocol (CRDs: by selection). */
function resolvePools(
  poolDrafts: readonly PoolDraft[],
  advertisements: readonly AdvertisementDraft[],
  l2: Fragment['l2Advertisements'],
  aliases: ReadonlyMap<string, string>,
  issues: IssueCollector,
): AddressPool[] {
  const resolvedShared = new Map(advertisements.map((a) => [a, resolveAdvertisement(a, aliases, issues)]));

  return poolDrafts.map((pool): AddressPool => {
    const selecting = advertisements.filter((a) => selects(a, pool));
    const inline = pool.ownAdvertisements ?? [];
    // A ConfigMap-style bgp pool without advertisements gets MetalLB's implicit default one.
    const implicit = pool.ownAdvertisements !== undefined && inline.length === 0 && pool.protocol === 'bgp';
    const resolved = [
      ...(implicit ? [implicitAdvertisement(pool)] : []),
      ...inline.map((a) => resolveAdvertisement(a, aliases, issues)),
      ...selecting.map((a) => resolvedShared.get(a) as BgpAdvertisement),
    ];
    for (const a of [...inline, ...selecting]) checkAggregation(a, pool, issues);
    const protocol = pool.protocol ?? protocolBySelection(pool, selecting.length > 0, l2);
    if (protocol === 'none') {
      issues.warn(
        pool.site,
        `no BGPAdvertisement selects pool "${pool.name}": its addresses are allocated but not announced`,
      );
    }
    if (protocol === 'layer2') {
      issues.warn(
        pool.site,
        `pool "${pool.name}" is layer2, which is not supported: its addresses are allocated but not announced`,
      );
    }
    return {
      name: pool.name,
      protocol,
      addresses: pool.addresses.map((a) => a.range),
      autoAssign: pool.autoAssign,
      avoidBuggyIps: pool.avoidBuggyIps,
      bgpAdvertisements: protocol === 'bgp' ? resolved : [],
      ...(pool.serviceAllocation ? { serviceAllocation: pool.serviceAllocation } : {}),
    };
  });
}

/**
 * Announce-only never reads or writes the router, so a router: section or manageNeighbors next to
 * it is a contradiction the user should resolve, not a setting to ignore.
 */
function checkAnnounceOnly(fragments: readonly Fragment[], config: Config, issues: IssueCollector): void {
  const site = fragments.find((f) => f.announceOnly !== undefined)?.announceOnly?.site;
  if (site === undefined) return;
  if (config.router !== undefined) {
    issues.error(
      site,
      'cannot be used with a router: section: announce-only never reads the router; remove one of them',
      true,
    );
  }
  if (config.manageNeighbors) {
    issues.error(
      site,
      'cannot be used with manageNeighbors: true: announce-only never changes the router',
      true,
    );
  }
}

/**
 * BIRD's neighbors are an include file that `neighbors --apply` writes on the machine it runs on;
 * `run` has no way to change them (the BIRD driver takes no configuration commands).
 */
function checkBirdNeighbors(fragments: readonly Fragment[], config: Config, issues: IssueCollector): void {
  if (!config.manageNeighbors || config.router?.dialect !== 'bird') return;
  const site = fragments.find((f) => f.manageNeighbors !== undefined)?.manageNeighbors?.site;
  if (site === undefined) return;
  issues.error(
    site,
    'cannot be used with router.dialect bird: BIRD neighbors are an include file written by `neighbors --apply` (docs/openwrt.md), not by run',
    true,
  );
}

function singleSetting<K extends SettingKey>(
  fragments: readonly Fragment[],
  key: K,
  issues: IssueCollector,
): Config[K] | undefined {
  const given = fragments
    .map((f) => f[key] as SettingDraft<Config[K]> | undefined)
    .filter((s): s is SettingDraft<Config[K]> => s !== undefined);
  const [first, ...rest] = given;
  for (const again of rest) {
    issues.error(
      again.site,
      `is already set at ${describeSite((first as SettingDraft<unknown>).site)}; set it in one document only`,
    );
  }
  return first?.value;
}

function uniqueByName<T extends { name: string; site: Site; fieldSite: (f: 'name') => Site }>(
  drafts: readonly T[],
  what: string,
  issues: IssueCollector,
): T[] {
  const seen = new Map<string, T>();
  const out: T[] = [];
  for (const d of drafts) {
    const prior = seen.get(d.name);
    if (prior) {
      issues.error(
        d.fieldSite('name'),
        `duplicates the ${what} name "${d.name}" already used at ${describeSite(prior.site)}`,
        rawAt(d.fieldSite('name')),
      );
      continue;
    }
    seen.set(d.name, d);
    out.push(d);
  }
  return out;
}

function resolveAliases(fragments: readonly Fragment[], issues: IssueCollector): Map<string, string> {
  const aliases = new Map<string, { value: string; site: Site }>();
  for (const alias of fragments.flatMap((f) => f.aliases)) {
    const parsed = parseCommunityLiteral(alias.value);
    if (!parsed.ok) {
      issues.error(alias.site, parsed.reason, alias.value);
      continue;
    }
    const literal = communityLiteral(parsed.community);
    const prior = aliases.get(alias.name);
    // MetalLB refuses an alias defined twice, even with the same value ("duplicate definition of
    // community"): two Community objects owning one name cannot both be edited safely.
    if (prior) {
      issues.error(
        alias.site,
        `redefines the community alias "${alias.name}" (${prior.value} at ${describeSite(prior.site)})`,
        alias.value,
      );
      continue;
    }
    aliases.set(alias.name, { value: literal, site: alias.site });
  }
  return new Map([...aliases].map(([name, a]) => [name, a.value]));
}

/** MetalLB's timer rules: hold 0 or >= 3s, keepalive <= hold, the missing one derived. */
function resolvePeer(d: PeerDraft, issues: IssueCollector): PeerConfig {
  const hold = wholeSeconds(d.holdTimeMs, d.fieldSite('holdTime'), issues);
  const keepalive = wholeSeconds(d.keepaliveTimeMs, d.fieldSite('keepaliveTime'), issues);
  let holdSec: number = DEFAULTS.holdTimeSec;
  let keepaliveSec: number = DEFAULTS.keepaliveTimeSec;
  if (hold !== undefined && keepalive !== undefined) {
    holdSec = hold;
    keepaliveSec = keepalive;
  } else if (hold !== undefined) {
    holdSec = hold;
    keepaliveSec = Math.floor(hold / 3);
  } else if (keepalive !== undefined) {
    keepaliveSec = keepalive;
    holdSec = keepalive * 3;
  }
  if (hold !== undefined && hold !== 0 && hold < 3) {
    issues.error(
      d.fieldSite('holdTime'),
      'is too short: a hold time is 0 (no keepalives) or at least 3s',
      rawAt(d.fieldSite('holdTime')),
    );
  } else if (holdSec > 65535) {
    const site = hold !== undefined ? d.fieldSite('holdTime') : d.fieldSite('keepaliveTime');
    issues.error(site, 'gives a hold time over 65535s, the most BGP can carry', rawAt(site));
  } else if (keepaliveSec > holdSec) {
    issues.error(
      d.fieldSite('keepaliveTime'),
      `is longer than the hold time (${formatGoDuration(holdSec * 1000)})`,
      rawAt(d.fieldSite('keepaliveTime')),
    );
  }
  if (d.password !== undefined && d.passwordSecret !== undefined) {
    issues.error(
      d.fieldSite('password'),
      'cannot be used together with passwordSecret: give the password one way only',
    );
  }
  if (d.bfdProfile !== undefined) {
    issues.warn(d.fieldSite('bfdProfile'), 'BFD is not supported yet: the session runs without BFD');
  }
  // Multi-hop is an eBGP notion (RFC 4271 section 5.1.3: iBGP peers need not be adjacent), and
  // MetalLB refuses it on a peer whose ASN is its own.
  if (d.ebgpMultiHop === true && d.peerAsn === d.myAsn) {
    issues.error(
      d.fieldSite('ebgpMultiHop'),
      `cannot be set on an iBGP peer (peer ASN ${d.peerAsn} is our own ASN)`,
      true,
    );
  }
  const peer: PeerConfig = {
    name: d.name,
    peerAddress: d.peerAddress,
    peerAsn: d.peerAsn,
    myAsn: d.myAsn,
    peerPort: d.peerPort ?? DEFAULTS.peerPort,
    holdTimeSec: holdSec,
    keepaliveTimeSec: keepaliveSec,
    connectTimeSec:
      d.connectTimeMs === undefined ? DEFAULTS.connectTimeSec : Math.ceil(d.connectTimeMs / 1000),
    ebgpMultiHop: d.ebgpMultiHop ?? false,
    ttlSecurity: d.ttlSecurity ?? false,
    nodeSelectors: d.nodeSelectors,
  };
  if (d.dualStackAddressFamily !== undefined) peer.dualStackAddressFamily = d.dualStackAddressFamily;
  if (d.routerId !== undefined) peer.routerId = d.routerId;
  if (d.sourceAddress !== undefined) peer.sourceAddress = d.sourceAddress;
  if (d.sourceAddresses !== undefined) {
    peer.sourceAddresses = d.sourceAddresses;
    peer.sourceAddress = d.sourceAddresses[0];
  }
  if (d.password !== undefined) peer.password = d.password;
  if (d.passwordSecret !== undefined) peer.passwordSecret = d.passwordSecret;
  if (d.bfdProfile !== undefined) peer.bfdProfile = d.bfdProfile;
  return peer;
}

function wholeSeconds(ms: number | undefined, site: Site, issues: IssueCollector): number | undefined {
  if (ms === undefined) return undefined;
  if (ms % 1000 !== 0) {
    issues.error(site, 'is not a whole number of seconds: BGP timers count in seconds', rawAt(site));
    return Math.round(ms / 1000);
  }
  return ms / 1000;
}

function checkOverlaps(pools: readonly PoolDraft[], issues: IssueCollector): void {
  const all = pools.flatMap((pool) => pool.addresses.map((a) => ({ pool, ...a })));
  all.forEach((b, j) => {
    const a = all.slice(0, j).find((x) => rangesOverlap(x.range, b.range));
    if (!a) return;
    const other =
      a.pool === b.pool
        ? `"${a.range.text}" of the same pool`
        : `"${a.range.text}" of pool "${a.pool.name}" (${describeSite(a.site)}): pools "${a.pool.name}" and "${b.pool.name}" must not share addresses`;
    issues.error(b.site, `overlaps ${other}`, b.range.text);
  });
}

/** MetalLB CRD semantics: a pool is announced the ways its advertisements select it. */
function protocolBySelection(
  pool: PoolDraft,
  bgpSelected: boolean,
  l2: ReadonlyArray<Pick<AdvertisementDraft, 'poolNames' | 'poolSelectors'>>,
): AddressPool['protocol'] {
  if (bgpSelected) return 'bgp';
  return l2.some((a) => selects(a, pool)) ? 'layer2' : 'none';
}

function selects(adv: Pick<AdvertisementDraft, 'poolNames' | 'poolSelectors'>, pool: PoolDraft): boolean {
  if (adv.poolNames.length === 0 && adv.poolSelectors.length === 0) return true;
  return adv.poolNames.includes(pool.name) || adv.poolSelectors.some((s) => selectorMatches(s, pool.labels));
}

function checkPoolNames(
  adv: Pick<AdvertisementDraft, 'site' | 'poolNames'> & { fieldSite?: AdvertisementDraft['fieldSite'] },
  known: ReadonlySet<string>,
  issues: IssueCollector,
): void {
  const list = adv.fieldSite
    ? adv.fieldSite('ipAddressPools')
    : childSite(adv.site, 'spec', 'ipAddressPools');
  adv.poolNames.forEach((name, i) => {
    // MetalLB selects no pool by such a name and carries on; so do we, but say so.
    if (!known.has(name))
      issues.warn(childSite(list, i), `"${name}" is not the name of any address pool; ignored`);
  });
}

function checkPeerNames(adv: AdvertisementDraft, known: ReadonlySet<string>, issues: IssueCollector): void {
  adv.peers.forEach((name, i) => {
    // MetalLB matches no peer by such a name and carries on; so do we, but say so.
    if (!known.has(name))
      issues.warn(childSite(adv.fieldSite('peers'), i), `"${name}" is not the name of any BGP peer; ignored`);
  });
}

function implicitAdvertisement(pool: PoolDraft): BgpAdvertisement {
  return {
    name: pool.name,
    aggregationLength: DEFAULTS.aggregationLength,
    aggregationLengthV6: DEFAULTS.aggregationLengthV6,
    communities: [],
    largeCommunities: [],
    peers: [],
    nodeSelectors: [],
  };
}

function resolveAdvertisement(
  d: AdvertisementDraft,
  aliases: ReadonlyMap<string, string>,
  issues: IssueCollector,
): BgpAdvertisement {
  const communities: RouteCommunity[] = [];
  const large: RouteLargeCommunity[] = [];
  d.communities.forEach((c, i) => {
    const first = d.communities.findIndex((o) => o.text === c.text);
    // MetalLB refuses a community listed twice in one advertisement (validateDuplicateCommunities).
    if (first < i) issues.error(c.site, `is listed twice in this advertisement (also item ${first})`, c.text);
  });
  for (const c of d.communities) {
    const parsed = parseCommunity(c.text, aliases);
    if (!parsed.ok) {
      issues.error(c.site, parsed.reason, c.text);
      continue;
    }
    // Parsed here, once: the planner and the speaker carry these values to the wire encoder. Two
    // spellings of one community (a name and its number) are one, as the canonical text says.
    const community = parsed.community;
    if (community.kind === 'large') {
      const value = new RouteLargeCommunity(community.value);
      if (!large.some((c) => c.text === value.text)) large.push(value);
    } else {
      const value = new RouteCommunity(community.value);
      if (!communities.some((c) => c.text === value.text)) communities.push(value);
    }
  }
  const adv: BgpAdvertisement = {
    name: d.name,
    aggregationLength: d.aggregationLength ?? DEFAULTS.aggregationLength,
    aggregationLengthV6: d.aggregationLengthV6 ?? DEFAULTS.aggregationLengthV6,
    communities,
    largeCommunities: large,
    peers: d.peers,
    nodeSelectors: d.nodeSelectors,
  };
  if (d.localPref !== undefined) adv.localPref = d.localPref;
  if (d.serviceSelectors !== undefined) adv.serviceSelectors = d.serviceSelectors;
  return adv;
}

/**
 * MetalLB's rule (internal/config parseBGPAdvertisements): every address entry of the pool must
 * have a block at least as wide as the aggregate. A CIDR is one block; a range is split into
 * CIDRs and its widest one counts, so `3.3.3.2-3.3.3.254` may aggregate to /26 (its .64/26)
 * although its edges are narrower: the aggregate then covers a few addresses outside the pool,
 * as it does under MetalLB.
 */
function checkAggregation(adv: AdvertisementDraft, pool: PoolDraft, issues: IssueCollector): void {
  const checks: Array<[4 | 6, number | undefined, 'aggregationLength' | 'aggregationLengthV6']> = [
    [4, adv.aggregationLength, 'aggregationLength'],
    [6, adv.aggregationLengthV6, 'aggregationLengthV6'],
  ];
  for (const [family, length, field] of checks) {
    if (length === undefined) continue;
    const widest = (a: PoolDraft['addresses'][number]): number =>
      Math.min(...rangeToPrefixes(a.range.family, a.range.first, a.range.last).map((c) => c.length));
    const entry = pool.addresses.find((a) => a.range.family === family && widest(a) > length);
    if (!entry) continue;
    issues.error(
      adv.fieldSite(field),
      `is shorter than /${widest(entry)}, the widest block of "${entry.range.text}" in pool "${pool.name}": an aggregate may not be wider than the widest CIDR of each pool entry`,
      length,
    );
  }
}

/** The value the user wrote at `site`, for messages about derived checks. */
function rawAt(site: Site): unknown {
  return valueAt(site.doc.value, site.path);
}
