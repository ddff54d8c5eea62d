/**
 * The part of `after` that differs from `before` in position: identical (same object) runs at
 * both ends are cut off. Sources and the planner hand out the same objects for what they did not
 * touch, so one change among 10,000 leaves a middle of one or two entries, found with pointer
 * comparisons only.
 */
export function changedMiddle<T>(before: readonly T[], after: readonly T[]): [T[], T[]] {
  if (before === after) return [[], []];
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [before.slice(start, before.length - end), after.slice(start, after.length - end)];
}
