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
