/**
 * ECMP path slots for routers without ADD-PATH receive (RFC 7911): such a router keeps one path
 * per prefix and session, so a peer with several source addresses opens one session per address
 * (a "slot") and each slot session carries at most one next hop of each prefix. The router then
 * sees one path per slot and, with `maximum-paths`, installs them as one ECMP route.
 *
 * Stability is what keeps the router's FIB still: a next hop that stays in a prefix's set keeps
 * its slot, so its session never withdraws or replaces it; a newcomer takes the lowest free slot.
 * A slot that is not usable (its session went down) carries nothing; its next hops move to free
 * usable slots, and those that find none are recorded as not carried.
 */

import { byText, type RouteAddress } from '../ip/address.js';
import type { RoutePrefix } from '../ip/prefix.js';

/** Which next hop each slot carries for one prefix (undefined: none), and what found no slot. */
export interface SlotAssignment {
  /** Index = slot; always as long as the number of slots. */
  slots: (RouteAddress | undefined)[];
  /** Next hops of the prefix that no slot carries (more next hops than usable slots), sorted. */
  uncarried: RouteAddress[];
}

/**
 * Spreads `nextHops` over the slots whose `usable` entry is true. `previous` is the prefix's last
 * assignment (undefined for a new prefix): a next hop it placed in a slot that is still usable
 * stays there. The other next hops, sorted, fill the lowest free usable slots in turn. Addresses
 * are the same next hop when their (canonical) texts are; the slots hold `nextHops`' own values.
 */
export function assignSlots(
  previous: readonly (RouteAddress | undefined)[] | undefined,
  nextHops: readonly RouteAddress[],
  usable: readonly boolean[],
): SlotAssignment {
  const wanted = new Map(nextHops.map((hop) => [hop.text, hop]));
  const slots: (RouteAddress | undefined)[] = usable.map((ok, i) => {
    const hop = previous?.[i];
    return ok && hop !== undefined ? wanted.get(hop.text) : undefined;
  });
  const placed = new Set(slots.map((hop) => hop?.text));
  const uncarried: RouteAddress[] = [];
  let free = 0;
  for (const hop of [...wanted.values()].filter((h) => !placed.has(h.text)).sort(byText)) {
    while (free < slots.length && (!usable[free] || slots[free] !== undefined)) free++;
    if (free < slots.length) slots[free] = hop;
    else uncarried.push(hop);
  }
  return { slots, uncarried };
}

/**
 * The slot assignment of every prefix of one peer, kept between changes so each change is made
 * relative to the last one. All slot sessions of the peer read the same table.
 */
export class PathSlotTable {
  private readonly byPrefix = new Map<string, SlotAssignment>();
  private usable: boolean[];

  constructor(readonly slotCount: number) {
    if (!Number.isInteger(slotCount) || slotCount < 1)
      throw new RangeError(`a peer has at least one path slot, not ${slotCount}`);
    this.usable = new Array<boolean>(slotCount).fill(true);
  }

  /** Assigns one prefix's next hops (an empty list takes the prefix out). */
  assign(prefix: string, nextHops: readonly RouteAddress[]): SlotAssignment | undefined {
    if (nextHops.length === 0) {
      this.byPrefix.delete(prefix);
      return undefined;
    }
    const next = assignSlots(this.byPrefix.get(prefix)?.slots, nextHops, this.usable);
    this.byPrefix.set(prefix, next);
    return next;
  }

  /** Assigns a whole set of routes: prefixes missing from it are forgotten. */
  assignAll(routes: ReadonlyArray<{ prefix: RoutePrefix; nextHops: readonly RouteAddress[] }>): void {
    const keep = new Set<string>();
    for (const r of routes) {
      keep.add(r.prefix.text);
      this.assign(r.prefix.text, r.nextHops);
    }
    for (const prefix of this.byPrefix.keys()) if (!keep.has(prefix)) this.byPrefix.delete(prefix);
  }

  /**
   * Marks a slot usable or not and re-assigns every prefix: next hops of a slot that became
   * unusable move to free slots; a slot that is usable again takes next hops no slot carried.
   * Returns whether the usable set changed.
   */
  setUsable(slot: number, usable: boolean): boolean {
    if (this.usable[slot] === usable || slot < 0 || slot >= this.slotCount) return false;
    this.usable = this.usable.map((u, i) => (i === slot ? usable : u));
    for (const [prefix, a] of this.byPrefix) {
      const hops = [...a.slots.filter((h): h is RouteAddress => h !== undefined), ...a.uncarried];
      this.byPrefix.set(prefix, assignSlots(a.slots, hops, this.usable));
    }
    return true;
  }

  isUsable(slot: number): boolean {
    return this.usable[slot] ?? false;
  }

  /** The next hop `slot` carries for `prefix`, if any. */
  nextHopOf(prefix: string, slot: number): RouteAddress | undefined {
    return this.byPrefix.get(prefix)?.slots[slot];
  }

  assignment(prefix: string): SlotAssignment | undefined {
    return this.byPrefix.get(prefix);
  }

  /** Prefixes with next hops that no slot carries, and those next hops' text (for status reports). */
  uncarried(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [prefix, a] of this.byPrefix)
      if (a.uncarried.length > 0)
        out.set(
          prefix,
          a.uncarried.map((hop) => hop.text),
        );
    return out;
  }
}
