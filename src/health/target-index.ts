/**
 * The probe targets of the routes in force, kept up to date route by route: each route adds one
 * count to every target deciding one of its next hops and to its prefix under that target, so a
 * change costs the routes it touches, and a target's state change finds its prefixes without
 * walking every route. The same prefix planned for several peers counts once per peer, and a
 * next hop's targets there are the union over the peers, as when all routes are read together.
 */
import type { PlannedRoute } from '../sync/plan-types.js';
import type { HopTargets } from './next-hop-filter.js';
import { byText } from '../util/arrays.js';
import { targetKey, type ProbeTarget } from './targets.js';

/** A multiset: how many routes hold each value. */
type Counts = Map<string, number>;

function bump(counts: Counts, value: string, by: 1 | -1): void {
  const n = (counts.get(value) ?? 0) + by;
  if (n === 0) counts.delete(value);
  else counts.set(value, n);
}

function bumpIn(outer: Map<string, Counts>, key: string, value: string, by: 1 | -1): void {
  let inner = outer.get(key);
  if (inner === undefined) outer.set(key, (inner = new Map()));
  bump(inner, value, by);
  if (inner.size === 0) outer.delete(key);
}

/** What one route counted: its services, and per next hop and service the target deciding it. */
export interface Counted {
  prefix: string;
  services: readonly string[];
  decides: ReadonlyArray<readonly [nextHop: string, service: string, key: string, port: number]>;
}

export class TargetIndex {
  /** By prefix, then next hop: the target keys deciding it. */
  private readonly hops = new Map<string, Map<string, Counts>>();
  /** By key, the targets counted, and the services each decides. */
  private readonly targets = new Map<string, { target: ProbeTarget; services: Counts }>();
  /** By target key: the prefixes it decides. */
  private readonly prefixesOf = new Map<string, Counts>();
  /** By service: the prefixes carrying it, so a change of its ports finds its routes. */
  private readonly prefixesOfService = new Map<string, Counts>();
  /** Targets that came or went since `takeChanges`. */
  private touched = new Set<string>();

  /** `portOf` is the probe port of a service (kube-proxy's for one unknown or Cluster). */
  constructor(private readonly portOf: (service: string) => number) {}

  /** Counts `route`; what it counted is handed back, to take out the same however ports change. */
  add(route: PlannedRoute): Counted {
    const decides: Array<[string, string, string, number]> = [];
    for (const { text: nextHop } of route.nextHops)
      for (const name of route.services) {
        const port = this.portOf(name);
        decides.push([nextHop, name, targetKey(nextHop, port), port]);
      }
    const counted = { prefix: route.prefix.text, services: route.services, decides };
    this.count(counted, 1);
    return counted;
  }

  remove(counted: Counted): void {
    this.count(counted, -1);
  }

  /** The targets deciding each next hop of `prefix`. */
  hopTargets(prefix: string): HopTargets | undefined {
    const hops = this.hops.get(prefix);
    if (hops === undefined) return undefined;
    return new Map([...hops].map(([nextHop, keys]) => [nextHop, [...keys.keys()].sort(byText)]));
  }

  prefixesOfTarget(key: string): Iterable<string> {
    return this.prefixesOf.get(key)?.keys() ?? [];
  }

  prefixesOfServiceNamed(service: string): string[] {
    return [...(this.prefixesOfService.get(service)?.keys() ?? [])];
  }

  /** The targets added, and the keys of those gone, since the last call. */
  takeChanges(): { added: ProbeTarget[]; gone: string[] } {
    const added: ProbeTarget[] = [];
    const gone: string[] = [];
    for (const key of [...this.touched].sort(byText)) {
      const counted = this.targets.get(key);
      if (counted === undefined) gone.push(key);
      else added.push(counted.target);
    }
    this.touched = new Set();
    return { added, gone };
  }

  /**
   * A target whose services are read when asked for (a transition's log line and Events, the
   * status report): kept as a list, a kube-proxy port's would be every Service on the node,
   * rewritten on every change of any of them.
   */
  private targetOf(key: string, address: string, port: number): { target: ProbeTarget; services: Counts } {
    let counted = this.targets.get(key);
    if (counted !== undefined) return counted;
    const services: Counts = new Map();
    const target = Object.defineProperty({ key, address, port }, 'services', {
      enumerable: true,
      get: () => [...services.keys()].sort(byText),
    }) as ProbeTarget;
    this.targets.set(key, (counted = { target, services }));
    this.touched.add(key);
    return counted;
  }

  private count({ prefix, services, decides }: Counted, by: 1 | -1): void {
    for (const name of services) bumpIn(this.prefixesOfService, name, prefix, by);
    let hops = this.hops.get(prefix);
    if (hops === undefined) this.hops.set(prefix, (hops = new Map()));
    for (const [nextHop, name, key, port] of decides) {
      bumpIn(hops, nextHop, key, by);
      const target = this.targetOf(key, nextHop, port);
      bump(target.services, name, by);
      if (target.services.size === 0) {
        this.targets.delete(key);
        this.touched.add(key);
      }
      bumpIn(this.prefixesOf, key, prefix, by);
    }
    if (hops.size === 0) this.hops.delete(prefix);
  }
}
