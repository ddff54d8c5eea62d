/**
 * The engine's port onto health checks: "the plan after health". It keeps the checker's targets
 * in step with the plan's next hops, takes out next hops whose probes fail (failing open when a
 * prefix would lose them all) and says when a transition changed what should be announced, so the
 * engine re-applies it to the plan it already has instead of re-planning the cluster.
 *
 * Per change it looks at the changed routes only (the planner's recorded changes, or the
 * difference of two versions of a persistent map), the routes of Services whose probe ports
 * changed, and the routes of targets that changed state: each peer's routes after health are one
 * persistent map, updated at those prefixes.
 */
import type { RouteAddress } from '../ip/address.js';
import { comparePrefix, type IpPrefix } from '../ip/prefix.js';
import { serviceKey, type ServiceInfo } from '../sync/cluster.js';
import type { PeerRoutes, Plan, PlannedRoute } from '../sync/plan-types.js';
import { changedPart } from '../sync/planner/list-changes.js';
import { backList, copyBacked, findListed, listOf, mapOf, valuesOf, type Listed } from '../util/listed.js';
import { SortedMap } from '../util/sorted-map.js';
import type { HealthChecker, TargetStatus, Transition } from './health-checker.js';
import { filterRoute, type FailedOpen, type FilteredRoute } from './next-hop-filter.js';
import { TargetIndex, type Counted } from './target-index.js';
import { probePort } from './targets.js';

interface AppliedHealth {
  plan: Plan;
  /** Prefixes announced with next hops that all fail their probes (fail open), by prefix. */
  failedOpen: ReadonlyMap<string, FailedOpen>;
  /** Prefixes that failed open with this call, and those that stopped failing open. */
  opened: FailedOpen[];
  closed: string[];
  /** By prefix, the next hops taken out. */
  removed: ReadonlyMap<string, readonly RouteAddress[]>;
}

/** What the engine needs; a fake in engine unit tests. */
export interface NextHopHealth {
  apply(plan: Plan, services: Listed<ServiceInfo>): AppliedHealth;
  /** A target changed state: the plan after health may differ now. */
  onTransition(listener: (t: Transition) => void): () => void;
  statuses(): TargetStatus[];
  stop(): void;
}

/** What of the checker health needs: a fake in property tests. */
export type TargetChecker = Pick<
  HealthChecker,
  'onTransition' | 'updateTargets' | 'stateOf' | 'lastErrorOf' | 'statuses' | 'stop'
>;

interface PeerState {
  /** The routes last planned for the peer. */
  input: Listed<PlannedRoute>;
  /** By prefix: the route planned and the targets it counted. */
  routes: Map<string, { route: PlannedRoute; counted: Counted }>;
  /** The routes after health; the same keys as the planned ones. */
  out: SortedMap<IpPrefix, PlannedRoute>;
  /** By prefix, the routes health changed. */
  altered: Map<string, FilteredRoute>;
  /** The peer last handed out with `out` as its routes. */
  handed: { out: SortedMap<IpPrefix, PlannedRoute>; peer: PeerRoutes } | undefined;
}

/** A copy of `plan` with other peers; its allocations stay the map behind them, unmade. */
function withPeers(plan: Plan, peers: PeerRoutes[]): Plan {
  const copy = copyBacked(plan);
  copy.peers = peers;
  return copy;
}

export class CheckedNextHops implements NextHopHealth {
  private readonly index: TargetIndex;
  private readonly peers = new Map<string, PeerState>();
  private services: Listed<ServiceInfo> = [];
  /** For services in plain arrays (not a map's), a lookup made once per array. */
  private servicesByKey: { list: readonly ServiceInfo[]; byKey: Map<string, ServiceInfo> } | undefined;
  /** Targets that changed state since the last `apply`. */
  private transitioned = new Set<string>();
  private readonly unsubscribe: () => void;
  private readonly failedOpen = new Map<string, FailedOpen>();
  private readonly removed = new Map<string, readonly RouteAddress[]>();
  private last: { input: Plan; peers: readonly PeerRoutes[]; plan: Plan } | undefined;

  constructor(
    private readonly checker: TargetChecker,
    nodeHealthPort: number,
  ) {
    this.index = new TargetIndex((name) => probePort(this.serviceNamed(name), nodeHealthPort));
    this.unsubscribe = checker.onTransition((t) => this.transitioned.add(t.target.key));
  }

  apply(plan: Plan, services: Listed<ServiceInfo>): AppliedHealth {
    const affected = new Map<PeerState, Map<string, IpPrefix>>();
    const mark = (state: PeerState, prefix: IpPrefix & { text: string }) => {
      let prefixes = affected.get(state);
      if (prefixes === undefined) affected.set(state, (prefixes = new Map()));
      prefixes.set(prefix.text, prefix);
    };
    const touched = new Set<string>();
    // Prefixes to filter again on every peer carrying them: a next hop's targets are the union
    // over those peers, so what one peer's route counts changes how the others' are filtered.
    const everywhere = new Set<string>();
    this.takeRoutes(plan, mark, touched, everywhere);
    this.takeServices(services, everywhere);
    for (const key of this.transitioned)
      for (const prefix of this.index.prefixesOfTarget(key)) everywhere.add(prefix);
    for (const prefix of everywhere) this.markEverywhere(prefix, mark);
    this.transitioned = new Set();
    const { added, gone } = this.index.takeChanges();
    this.checker.updateTargets(added, gone);
    for (const [state, prefixes] of affected) this.filter(state, prefixes, touched);
    const { opened, closed } = this.gather(plan, touched);
    return { plan: this.after(plan), failedOpen: this.failedOpen, opened, closed, removed: this.removed };
  }

  onTransition(listener: (t: Transition) => void): () => void {
    return this.checker.onTransition(listener);
  }

  statuses(): TargetStatus[] {
    return this.checker.statuses();
  }

  stop(): void {
    this.unsubscribe();
    this.checker.stop();
  }

  private serviceNamed(name: string): ServiceInfo | undefined {
    const services = this.services;
    if (mapOf(services) !== undefined) return findListed(services, name, serviceKey);
    const list = valuesOf(services);
    if (this.servicesByKey?.list !== list)
      this.servicesByKey = { list, byKey: new Map(list.map((s) => [serviceKey(s), s])) };
    return this.servicesByKey.byKey.get(name);
  }

  /** Counts each peer's changed routes (a new or a gone peer wholesale). */
  private takeRoutes(
    plan: Plan,
    mark: (state: PeerState, prefix: PlannedRoute['prefix']) => void,
    touched: Set<string>,
    everywhere: Set<string>,
  ): void {
    const planned = new Set<string>();
    for (const p of plan.peers) {
      planned.add(p.peer);
      const input = listOf(p, 'routes');
      let state = this.peers.get(p.peer);
      let gone: readonly PlannedRoute[] = [];
      let added: readonly PlannedRoute[];
      if (state === undefined) {
        added = valuesOf(input);
        const out = SortedMap.fromSorted<IpPrefix, PlannedRoute>(
          comparePrefix,
          added.map((r) => r.prefix),
          added,
        );
        state = { input, routes: new Map(), out, altered: new Map(), handed: undefined };
        this.peers.set(p.peer, state);
      } else {
        [gone, added] = changedPart(state.input, input);
        state.input = input;
      }
      for (const r of gone) {
        const entry = state.routes.get(r.prefix.text);
        if (entry === undefined) continue;
        this.index.remove(entry.counted);
        state.routes.delete(r.prefix.text);
        mark(state, r.prefix);
        everywhere.add(r.prefix.text);
      }
      for (const r of added) {
        const entry = state.routes.get(r.prefix.text);
        if (entry !== undefined) this.index.remove(entry.counted);
        state.routes.set(r.prefix.text, { route: r, counted: this.index.add(r) });
        everywhere.add(r.prefix.text);
      }
    }
    for (const [name, state] of this.peers) {
      if (planned.has(name)) continue;
      for (const [prefix, { counted }] of state.routes) {
        this.index.remove(counted);
        everywhere.add(prefix);
      }
      for (const prefix of state.altered.keys()) touched.add(prefix);
      this.peers.delete(name);
    }
  }

  /** Counts again the routes of Services that changed (their probe port may have). */
  private takeServices(services: Listed<ServiceInfo>, everywhere: Set<string>): void {
    const [before, after] = changedPart(this.services, services);
    this.services = services;
    const names = new Set([...before, ...after].map(serviceKey));
    for (const name of names)
      for (const prefix of this.index.prefixesOfServiceNamed(name))
        for (const state of this.peers.values()) {
          const entry = state.routes.get(prefix);
          if (entry === undefined) continue;
          this.index.remove(entry.counted);
          entry.counted = this.index.add(entry.route);
          everywhere.add(prefix);
        }
  }

  private markEverywhere(prefix: string, mark: (state: PeerState, prefix: PlannedRoute['prefix']) => void) {
    for (const state of this.peers.values()) {
      const entry = state.routes.get(prefix);
      if (entry !== undefined) mark(state, entry.route.prefix);
    }
  }

  /** Filters the routes of `prefixes` again into the peer's routes after health. */
  private filter(state: PeerState, prefixes: ReadonlyMap<string, IpPrefix>, touched: Set<string>): void {
    const stateOf = (key: string) => this.checker.stateOf(key);
    const lastErrorOf = (key: string) => this.checker.lastErrorOf(key);
    for (const [text, prefix] of prefixes) {
      touched.add(text);
      const entry = state.routes.get(text);
      if (entry === undefined) {
        state.out = state.out.delete(prefix);
        state.altered.delete(text);
        continue;
      }
      const filtered = filterRoute(entry.route, this.index.hopTargets(text), stateOf, lastErrorOf);
      state.out = state.out.set(prefix, filtered.route);
      if (filtered.route === entry.route) state.altered.delete(text);
      else state.altered.set(text, filtered);
    }
  }

  /**
   * The fail-open and removed next hops of the prefixes `touched`: as when every peer's routes
   * are filtered in turn, the last peer's say wins.
   */
  private gather(plan: Plan, touched: ReadonlySet<string>): { opened: FailedOpen[]; closed: string[] } {
    const opened: FailedOpen[] = [];
    const closed: string[] = [];
    for (const prefix of touched) {
      let failedOpen: FailedOpen | undefined;
      let removed: readonly RouteAddress[] | undefined;
      for (const p of plan.peers) {
        const filtered = this.peers.get(p.peer)?.altered.get(prefix);
        failedOpen = filtered?.failedOpen ?? failedOpen;
        removed = filtered?.removed ?? removed;
      }
      const was = this.failedOpen.has(prefix);
      if (failedOpen === undefined) this.failedOpen.delete(prefix);
      else this.failedOpen.set(prefix, failedOpen);
      if (failedOpen !== undefined && !was) opened.push(failedOpen);
      if (failedOpen === undefined && was) closed.push(prefix);
      if (removed === undefined) this.removed.delete(prefix);
      else this.removed.set(prefix, removed);
    }
    return { opened, closed };
  }

  /** The plan itself while health changed none of its routes. */
  private after(plan: Plan): Plan {
    let changed = false;
    const peers = plan.peers.map((p) => {
      const state = this.peers.get(p.peer) as PeerState;
      if (state.altered.size === 0) return p;
      changed = true;
      if (state.handed?.out !== state.out) {
        const peer = backList(copyBacked(p), 'routes', state.out);
        state.handed = { out: state.out, peer };
      }
      return state.handed.peer;
    });
    if (!changed) return plan;
    const last = this.last;
    if (last?.input === plan && last.peers.every((p, i) => p === peers[i])) return last.plan;
    const out = withPeers(plan, peers);
    this.last = { input: plan, peers, plan: out };
    return out;
  }
}
