import { maxOf } from '../../util/arrays.js';
import { listOf } from '../../util/listed.js';
import { diffPlans, type PlanDiff } from './diff.js';
import type { Plan } from '../plan-types.js';
import { changedPart } from './list-changes.js';

/** The lists of a plan a change is looked for in. */
type PlanLists = Pick<Plan, 'allocations' | 'peers'>;

/** The allocations' changed part, read without making the plans' arrays (src/util/listed.ts). */
function changedAllocations(before: PlanLists, after: PlanLists) {
  return changedPart(listOf(before, 'allocations'), listOf(after, 'allocations'));
}

/**
 * diffPlans over only the changed part of each list (the entries the planner
 * recorded as changed, else the changed middle): the same answer, at the size of the change. With `limit`, a middle longer than that gives up (undefined) instead of diffing it: a
 * caller that only logs the changes does not pay for a full diff of a re-planned table.
 */
export function planChanges(before: PlanLists, after: PlanLists): PlanDiff;
export function planChanges(before: PlanLists, after: PlanLists, limit: number): PlanDiff | undefined;
export function planChanges(before: PlanLists, after: PlanLists, limit = Infinity): PlanDiff | undefined {
  const [oldAlloc, newAlloc] = changedAllocations(before, after);
  const oldPeers = new Map(before.peers.map((p) => [p.peer, listOf(p, 'routes')]));
  const reduced = after.peers.map((p) => {
    const [a, b] = changedPart(oldPeers.get(p.peer) ?? [], listOf(p, 'routes'));
    const { peer, peerAddress } = p;
    return { old: { peer, peerAddress, routes: a }, now: { peer, peerAddress, routes: b } };
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

/** planChanges(before, after).allocations, without looking at the routes. */
export function allocationChanges(before: PlanLists, after: PlanLists): PlanDiff['allocations'] {
  const [oldAlloc, newAlloc] = changedAllocations(before, after);
  return diffPlans(
    { allocations: oldAlloc, peers: [], issues: [] },
    { allocations: newAlloc, peers: [], issues: [] },
  ).allocations;
}
