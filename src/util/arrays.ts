/**
 * Array helpers for inputs of any size. Spreading an array into a call (`Math.max(...xs)`,
 * `out.push(...xs)`) passes every element as an argument on the stack, and V8 throws
 * `RangeError: Maximum call stack size exceeded` past roughly 120,000 of them; a router's
 * routing table or a large cluster easily has more. These loop instead.
 */

/** Appends every item to `target` in order; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** `Math.max(floor, ...values)` for any number of values. */
export function maxOf(floor: number, values: Iterable<number>): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Code-unit order of strings, the order of `namespace/name` keys everywhere in the cluster. */
export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first element of the ascending `list` that does not compare below `key` (binary search). */
export function lowerBound<T, K>(list: readonly T[], key: K, compare: (item: T, key: K) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid] as T, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The element of the ascending `list` whose key is `key`, by binary search. */
export function findSorted<T>(list: readonly T[], key: string, keyOf: (item: T) => string): T | undefined {
  const item = list[lowerBound(list, key, (x: T, k: string) => byText(keyOf(x), k))];
  return item !== undefined && keyOf(item) === key ? item : undefined;
}
