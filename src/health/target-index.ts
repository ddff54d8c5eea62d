/**
 * The probe targets of the routes in force, kept up to date route by route: each route adds one
 * count to every target deciding one of its next hops and to its prefix under that target, so a
 * change costs the routes it touches, and a target's state change finds its prefixes without
 * walking every route. The same prefix planned for several peers counts once per peer, and a
 * next hop's targets there are the union over the peers, as when all routes are read together.
 */
import type { PlannedRoute } from '../sync/plan-types.js';
import type { HopTargets } from './next-hop-filter.js';
import { byText } from '../util/sorted-map.js';
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
  decides: ReadonlyArray<readonly [nextHop: string, service: string, key: string]>;
}

export class TargetIndex {
  /** By prefix, then next hop: the target keys deciding it. */
  private readonly hops = new Map<string, Map<string, Counts>>();
  /** By target key: the services it decides. */
  private readonly servicesOf = new Map<string, Counts>();
  /** By target key: the prefixes it decides. */
  private readonly prefixesOf = new Map<string, Counts>();
  /** By service: the prefixes carrying it, so a change of its ports finds its routes. */
  private readonly prefixesOfService = new Map<string, Counts>();
  /** Targets whose existence or services changed since `takeChanges`. */
  private touched = new Set<string>();

  /** `portOf` is the probe port of a service (kube-proxy's for one unknown or Cluster). */
  constructor(private readonly portOf: (service: string) => number) {}

  /** Counts `route`; what it counted is handed back, to take out the same however ports change. */
  add(route: PlannedRoute): Counted {
    const decides: Array<[string, string, string]> = [];
    for (const { text: nextHop } of route.nextHops)
      for (const name of route.services) decides.push([nextHop, name, targetKey(nextHop, this.portOf(name))]);
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

  /** The targets added or changed, and the keys of those gone, since the last call. */
  takeChanges(): { changed: ProbeTarget[]; gone: string[] } {
    const changed: ProbeTarget[] = [];
    const gone: string[] = [];
    for (const key of [...this.touched].sort(byText)) {
      const services = this.servicesOf.get(key);
      if (services === undefined) {
        gone.push(key);
        continue;
      }
      const bar = key.lastIndexOf('|');
      changed.push({
        key,
        address: key.slice(0, bar),
        port: Number(key.slice(bar + 1)),
        services: [...services.keys()].sort(byText),
      });
    }
    this.touched = new Set();
    return { changed, gone };
  }

  private count({ prefix, services, decides }: Counted, by: 1 | -1): void {
    for (const name of services) bumpIn(this.prefixesOfService, name, prefix, by);
    let hops = this.hops.get(prefix);
    if (hops === undefined) this.hops.set(prefix, (hops = new Map()));
    for (const [nextHop, name, key] of decides) {
      bumpIn(hops, nextHop, key, by);
      const before = this.servicesOf.get(key)?.get(name);
      bumpIn(this.servicesOf, key, name, by);
      if (before === undefined || (by === -1 && before === 1)) this.touched.add(key);
      bumpIn(this.prefixesOf, key, prefix, by);
    }
    if (hops.size === 0) this.hops.delete(prefix);
  }
}
