/**
 * What a sorted list handed out by the planner (a peer's routes, the allocations) changed from
 * a list it handed out before. The planner knows which entries it touched, so it records them
 * beside the new list; consumers (the speaker announcer, the log, the controller's plan index)
 * then look at those entries only, whatever the list's length and however far apart the changed
 * entries lie. Unrecorded versions of one persistent map (src/util/sorted-map.ts) are diffed by
 * skipping the subtrees they share; other lists nobody recorded (a whole re-plan, health checks
 * applied, a source that built its lists anew) fall back to the changed middle found by pointer
 * comparisons.
 */
import { mapOf, valuesOf, type Listed } from '../../util/listed.js';
import { attached } from '../../util/attached.js';
import { objectId } from '../../util/object-ids.js';

interface Carried {
  /** The previous list's id (objectId), not the list: held, every list would keep all before it. */
  previous: number;
  before: readonly unknown[];
  after: readonly unknown[];
  compare: (a: never, b: never) => number;
  /** The previous list's record, so a consumer that skipped lists still gets the change. */
  older: Carried | undefined;
}

/**
 * How many recorded steps a consumer may be behind: the engine plans the newest snapshot of a
 * burst while the Kubernetes controller plans each; further behind, the changed middle serves.
 */
const MAX_STEPS = 16;

/** On the lists as hidden records (util/attached.ts), so a plan stays a plain value. */
const carried = attached<Carried>('changes carried');

/** What a list is known by: the map behind it when there is one, so its array and it are one list. */
function identity(list: Listed<unknown>): object {
  return mapOf(list) ?? list;
}

/**
 * Records that `next` is `previous` with the entries `before` (in `previous`) replaced by `after`
 * (in `next`), both sorted by `compare`, the lists' order; every other entry is the same object
 * in both lists.
 */
export function carryChanges<T>(
  previous: Listed<T>,
  next: Listed<T>,
  before: readonly T[],
  after: readonly T[],
  compare: (a: T, b: T) => number,
): void {
  const older = carried.get(identity(previous));
  let last = older;
  for (let depth = 2; last !== undefined && depth < MAX_STEPS; depth++) last = last.older;
  if (last !== undefined) last.older = undefined;
  carried.set(identity(next), { previous: objectId(identity(previous)), before, after, compare, older });
}

/**
 * The part of `after` that differs from `before` in position: identical (same object) runs at
 * both ends are cut off. Sources and the planner hand out the same objects for what they did not
 * touch, so one change among 10,000 leaves a middle of one or two entries, found with pointer
 * comparisons only (but linear in the list, and as wide as the distance between two changes).
 */
function changedMiddle<T>(before: readonly T[], after: readonly T[]): [T[], T[]] {
  if (before === after) return [[], []];
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before[start] === after[start]) start++;
  let end = 0;
  while (end < max - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [before.slice(start, before.length - end), after.slice(start, after.length - end)];
}

/** The recorded steps from `before` to the list `record` belongs to, oldest first. */
function stepsFrom(before: object, record: Carried | undefined): Carried[] | undefined {
  const steps: Carried[] = [];
  const beforeId = objectId(before);
  for (let step = record; step !== undefined; step = step.older) {
    steps.push(step);
    if (step.previous === beforeId) return steps.reverse();
  }
  return undefined;
}

/**
 * The entries of `before` and of `after` that are not shared, each in list order: the recorded
 * change when `after` was made from `before` by the planner, in one step or several (at the size
 * of the change), else the difference of two map versions, else the changed middle. Either way every entry outside the two results is the
 * same object in both lists; from a record, no entry is in both results, so an entry that left
 * and came back between the two lists is neither announced again nor counted twice.
 */
export function changedPart<T>(beforeList: Listed<T>, afterList: Listed<T>): [T[], T[]] {
  const before = identity(beforeList);
  const after = identity(afterList);
  if (before === after) return [[], []];
  const steps = stepsFrom(before, carried.get(after));
  if (steps === undefined) {
    const [from, to] = [mapOf(beforeList), mapOf(afterList)];
    if (from !== undefined && to !== undefined) return to.changedFrom(from);
    return changedMiddle(valuesOf(beforeList), valuesOf(afterList));
  }
  const gone = new Set<unknown>();
  const added = new Set<unknown>();
  for (const step of steps) {
    // An entry added by an earlier step and dropped by this one was never in `before`; one
    // dropped and put back (by a later step, or recorded on both sides of one) is in both lists.
    for (const x of step.before) if (!added.delete(x)) gone.add(x);
    for (const x of step.after) if (!gone.delete(x)) added.add(x);
  }
  const compare = (steps[0] as Carried).compare as (a: T, b: T) => number;
  return [[...(gone as Set<T>)].sort(compare), [...(added as Set<T>)].sort(compare)];
}
