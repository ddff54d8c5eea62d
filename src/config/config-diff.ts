/**
 * What changed between the resolved config a running `run` has and a newly loaded one, in the
 * terms `run` applies it by: a re-plan, a peer added or removed, one peer's session reset, or a
 * restart of the process for the parts that cannot change under a running speaker or router link.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AddressPool, Config, PeerConfig } from './model.js';

/**
 * Peer fields a BGP session is made of: the OPEN (ASNs, hold time, router id), the TCP connection
 * (addresses, port, TCP-MD5 key of RFC 2385, TTL) and the path slot sessions. A change to any of
 * them only takes effect on a new session.
 */
const SESSION_FIELDS = [
  'peerAddress',
  'peerAsn',
  'myAsn',
  'peerPort',
  'holdTimeSec',
  'keepaliveTimeSec',
  'connectTimeSec',
  'routerId',
  'sourceAddress',
  'sourceAddresses',
  'password',
  'passwordSecret',
  'ebgpMultiHop',
  'ttlSecurity',
] as const satisfies ReadonlyArray<keyof PeerConfig>;

export type PeerField = keyof PeerConfig;

export interface PeerChange {
  name: string;
  /** Every field that differs, in PeerConfig order. */
  fields: PeerField[];
  /** Whether a session field is among them: the peer's sessions must be reset. */
  resetSession: boolean;
}

/**
 * Parts wired into the process at start (the router link, the speaker, the cluster source...):
 * every top-level key not applied live, and the address families our OPENs offer.
 */
export type RestartPart = Exclude<keyof Config, LiveKey> | 'address families';

/** Top-level keys a running `run` applies: re-planned, peers changed, or read at each use. */
const LIVE_KEYS = [
  'peers',
  'pools',
  'loadBalancerClass',
  'manageNeighbors',
  'neighborDescription',
  'verifyIntervalSec',
] as const satisfies ReadonlyArray<keyof Config>;
type LiveKey = (typeof LIVE_KEYS)[number];

export interface ConfigDiff {
  /** A pool added, removed, or changed apart from its advertisements. */
  poolsChanged: boolean;
  /** A pool's BGP advertisements (communities, local preference, aggregation, selectors). */
  advertisementsChanged: boolean;
  peersAdded: PeerConfig[];
  peersRemoved: string[];
  /** Peers in both configs that differ. */
  peersChanged: PeerChange[];
  /** Names of peers whose TCP-MD5 password (as resolved from passwordSecret) changed. */
  passwordChanged: string[];
  /** What the planner reads changed: allocations and routes are planned again. */
  replan: boolean;
  /** Settings read on each use (manageNeighbors, neighborDescription, verifyIntervalSec). */
  settingsChanged: boolean;
  /** Parts that only a restart applies; empty when the new config can be applied live. */
  restartNeeded: RestartPart[];
}

function poolWithoutAdvertisements(p: AddressPool): AddressPool {
  return { ...p, bgpAdvertisements: [] };
}

/** The families our OPENs offer are fixed when the speaker starts (see speaker-setup.ts). */
function families(config: Config): number[] {
  return [...new Set(config.pools.flatMap((p) => p.addresses.map((a) => a.family)))].sort();
}

function peerChange(before: PeerConfig, after: PeerConfig): PeerChange | undefined {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as PeerField[]);
  const fields = [...keys].filter((k) => !isDeepStrictEqual(before[k], after[k]));
  if (fields.length === 0) return undefined;
  const session: ReadonlySet<PeerField> = new Set(SESSION_FIELDS);
  return { name: after.name, fields, resetSession: fields.some((f) => session.has(f)) };
}

/** Compares two resolved configs (passwordSecret already read into `password`). Pure. */
export function diffConfig(before: Config, after: Config): ConfigDiff {
  const oldPools = new Map(before.pools.map((p) => [p.name, p]));
  const poolNames = (c: Config) => c.pools.map((p) => p.name).sort();
  const poolsChanged =
    !isDeepStrictEqual(poolNames(before), poolNames(after)) ||
    after.pools.some((p) => {
      const old = oldPools.get(p.name);
      return (
        old === undefined || !isDeepStrictEqual(poolWithoutAdvertisements(old), poolWithoutAdvertisements(p))
      );
    });
  const advertisementsChanged = after.pools.some((p) => {
    const old = oldPools.get(p.name);
    return old !== undefined && !isDeepStrictEqual(old.bgpAdvertisements, p.bgpAdvertisements);
  });

  const oldPeers = new Map(before.peers.map((p) => [p.name, p]));
  const newNames = new Set(after.peers.map((p) => p.name));
  const peersAdded = after.peers.filter((p) => !oldPeers.has(p.name));
  const peersRemoved = before.peers.filter((p) => !newNames.has(p.name)).map((p) => p.name);
  const peersChanged = after.peers.flatMap((p) => {
    const old = oldPeers.get(p.name);
    const change = old === undefined ? undefined : peerChange(old, p);
    return change ? [change] : [];
  });
  const passwordChanged = peersChanged.filter((c) => c.fields.includes('password')).map((c) => c.name);

  const restartNeeded: RestartPart[] = [];
  const live: ReadonlySet<string> = new Set(LIVE_KEYS);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)] as Array<keyof Config>);
  for (const key of [...keys].sort()) {
    if (!live.has(key) && !isDeepStrictEqual(before[key], after[key])) restartNeeded.push(key as RestartPart);
  }
  if (!isDeepStrictEqual(families(before), families(after))) restartNeeded.push('address families');

  // Any peer change re-plans: node selectors, families and even the peer's address family decide
  // which routes it gets, and a re-plan of unchanged inputs sends nothing.
  const replan =
    poolsChanged ||
    advertisementsChanged ||
    peersAdded.length + peersRemoved.length + peersChanged.length > 0 ||
    before.loadBalancerClass !== after.loadBalancerClass;
  const settingsChanged =
    before.manageNeighbors !== after.manageNeighbors ||
    before.neighborDescription !== after.neighborDescription ||
    before.verifyIntervalSec !== after.verifyIntervalSec;

  return {
    poolsChanged,
    advertisementsChanged,
    peersAdded,
    peersRemoved,
    peersChanged,
    passwordChanged,
    replan,
    settingsChanged,
    restartNeeded,
  };
}

/** Whether applying the diff changes anything at all. */
export function isConfigUnchanged(diff: ConfigDiff): boolean {
  return (
    !diff.replan && !diff.settingsChanged && diff.peersChanged.length === 0 && diff.restartNeeded.length === 0
  );
}
