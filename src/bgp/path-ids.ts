import { byText, RouteAddress } from '../ip/address.js';

/**
 * ADD-PATH path identifiers, stable per (prefix, next hop): a next hop keeps its id for as long as
 * it stays in the prefix's set, so adding or removing another node never re-announces it under a
 * new id. Ids freed by a withdrawn next hop are reused (smallest free first) to keep them small.
 * Per prefix the table is one small array (slot i holds the next hop with id i + 1), since a large
 * table has one entry per announced prefix.
 */
export class PathIdAllocator {
  /** A lone next hop with id 1 (by far the most common case) is stored as the bare address. */
  private readonly byPrefix = new Map<string, RouteAddress | (RouteAddress | undefined)[]>();

  /** [next hop, id] for exactly `nextHops` of `prefix`; ids of next hops no longer listed are freed. */
  assign(prefix: string, nextHops: readonly RouteAddress[]): [RouteAddress, number][] {
    const stored = this.byPrefix.get(prefix);
    // A lone next hop that is new or already holds id 1 keeps id 1: skip the general bookkeeping.
    if (
      nextHops.length === 1 &&
      (stored === undefined || (stored instanceof RouteAddress && stored.text === nextHops[0]!.text))
    ) {
      const hop = nextHops[0]!;
      this.byPrefix.set(prefix, hop);
      return [[hop, 1]];
    }
    // Addresses are the same next hop when their (canonical) texts are: the route's own values are
    // kept, so what is returned is what the caller passed.
    const wanted = new Map(nextHops.map((hop) => [hop.text, hop]));
    const previous = Array.isArray(stored) ? stored : stored === undefined ? undefined : [stored];
    const slots: (RouteAddress | undefined)[] = previous
      ? previous.map((hop) => (hop === undefined ? undefined : wanted.get(hop.text)))
      : [];
    const placed = new Set(slots.map((hop) => hop?.text));
    const fresh = [...wanted.values()].filter((hop) => !placed.has(hop.text)).sort(byText);
    let free = 0;
    for (const hop of fresh) {
      while (slots[free] !== undefined) free++;
      slots[free] = hop;
    }
    while (slots.length > 0 && slots[slots.length - 1] === undefined) slots.pop();
    if (slots.length === 0) this.byPrefix.delete(prefix);
    else this.byPrefix.set(prefix, slots.length === 1 ? slots[0]! : slots);
    const out: [RouteAddress, number][] = [];
    slots.forEach((hop, i) => {
      if (hop !== undefined) out.push([hop, i + 1]);
    });
    return out;
  }

  /** An independent copy, to assign ids speculatively without touching this table. */
  clone(): PathIdAllocator {
    const copy = new PathIdAllocator();
    for (const [prefix, hops] of this.byPrefix)
      copy.byPrefix.set(prefix, Array.isArray(hops) ? [...hops] : hops);
    return copy;
  }

  /** Forgets prefixes not in `keep`, so the table does not grow with routes that are gone. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const prefix of this.byPrefix.keys()) if (!keep.has(prefix)) this.byPrefix.delete(prefix);
  }
}
