/**
 * A number per object, given on first ask, for records that must name an earlier version of
 * something without keeping it. A WeakRef would do that for the mark-compact collector, but V8's
 * young-generation collector treats WeakRef targets as strong: a chain of versions each naming the
 * one before (cluster snapshots, plan lists) then survived and was promoted on every scavenge, which
 * made scavenges ten times longer (15 to 24 ms instead of 1 to 4 ms per change with 10,000
 * Services; `--trace-gc-nvp`, bench/engine.bench.ts).
 */
const ids = new WeakMap<object, number>();
let lastId = 0;

export function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++lastId));
  return id;
}
