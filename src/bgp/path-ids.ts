/**
 * ADD-PATH path identifiers, stable per (prefix, next hop): a next hop keeps its id for as long as
 * it stays in the prefix's set, so adding or removing another node never re-announces it under a
 * new id. Ids freed by a withdrawn next hop are reused (smallest free first) to keep them small.
 */
export class PathIdAllocator {
  private readonly byPrefix = new Map<string, Map<string, number>>();

  /** Ids for exactly `nextHops` of `prefix`; ids of next hops no longer listed are released. */
  assign(prefix: string, nextHops: readonly string[]): Map<string, number> {
    const previous = this.byPrefix.get(prefix) ?? new Map<string, number>();
    const wanted = new Set(nextHops);
    const next = new Map<string, number>();
    for (const [hop, id] of previous) if (wanted.has(hop)) next.set(hop, id);
    const used = new Set(next.values());
    let candidate = 1;
    for (const hop of [...wanted].sort()) {
      if (next.has(hop)) continue;
      while (used.has(candidate)) candidate++;
      next.set(hop, candidate);
      used.add(candidate);
    }
    if (next.size === 0) this.byPrefix.delete(prefix);
    else this.byPrefix.set(prefix, next);
    return next;
  }

  /** Forgets prefixes not in `keep`, so the table does not grow with routes that are gone. */
  retainOnly(keep: ReadonlySet<string>): void {
    for (const prefix of this.byPrefix.keys()) if (!keep.has(prefix)) this.byPrefix.delete(prefix);
  }
}
