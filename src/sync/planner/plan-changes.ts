import { maxOf } from '../../util/arrays.js';
import { diffPlans, type PlanDiff } from './diff.js';
import type { Plan } from '../plan-types.js';
import { changedPart } from './list-changes.js';

/**
 * diffPlans over only the changed part of each list (the entries the planner
 * recorded as changed, else the changed middle): the same answer, at the size of the change. With `limit`, a middle longer than that gives up (undefined) instead of diffing it: a
 * caller that only logs the changes does not pay for a full diff of a re-planned table.
 */
export function planChanges(before: Plan, after: Plan): PlanDiff;
export function planChanges(before: Plan, after: Plan, limit: number): PlanDiff | undefined;
export function planChanges(before: Plan, after: Plan, limit = Infinity): PlanDiff | undefined {
  const [oldAlloc, newAlloc] = changedPart(before.allocations, after.allocations);
  const oldPeers = new Map(before.peers.map((p) => [p.peer, p.routes]));
  const reduced = after.peers.map((p) => {
    const [a, b] = changedPart(oldPeers.get(p.peer) ?? [], p.routes);
    return { old: { ...p, routes: a }, now: { ...p, routes: b } };
  });
  const size = maxOf(
    Math.max(oldAlloc.length, newAlloc.length),
    reduced.map((r) => Math.max(r.old.routes.length, r.now.routes.length)),
  );
  if (size > limit) return undefined;
  const newPeers = new Set(after.peers.map((p) => p.peer));
  const gone = before.peers.filter((p) => !newPeers.has(p.peer));
  return diffPlans(
    { allocations: oldAlloc, peers: [...reduced.map((r) => r.old), ...gone], issues: [] },
    { allocations: newAlloc, peers: reduced.map((r) => r.now), issues: [] },
  );
}
