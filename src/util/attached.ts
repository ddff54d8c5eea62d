/**
 * A record kept on an object under a symbol key that is neither enumerable nor copied by spread
 * or JSON, for records of short-lived versions (a plan's lists, a cluster snapshot, one version of
 * a sorted map). Not a WeakMap: V8's young-generation collector counts the values of a WeakMap in
 * the old generation as live whatever becomes of their keys, so every version's record, and all
 * it names, survived each scavenge until the next full collection. Measured on the planner, 20,000
 * re-planned changes at 10,000 Services: 92 MB promoted through WeakMaps, 17 MB this way
 * (`--trace-gc-nvp`; docs/benchmarks.md).
 */
export interface Attached<T> {
  get(o: object): T | undefined;
  /** Replaces the record; `o` must not be frozen. */
  set(o: object, value: T): void;
}

export function attached<T>(name: string): Attached<T> {
  const key = Symbol(name);
  return {
    get: (o) => (o as { [key]?: T })[key],
    set: (o, value) => {
      Object.defineProperty(o, key, { value, configurable: true, writable: true, enumerable: false });
    },
  };
}
