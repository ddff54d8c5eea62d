import { diffPlans, type PlanDiff } from '../planner/index.js';
import type { Plan } from '../plan-types.js';
import { changedMiddle } from './changed-middle.js';

/** diffPlans (H3) over only the changed middle of each list: the same answer, at the size of the change. */
export function planChanges(before: Plan, after: Plan): PlanDiff {
  const [oldAlloc, newAlloc] = changedMiddle(before.allocations, after.allocations);
  const oldPeers = new Map(before.peers.map((p) => [p.peer, p.routes]));
  const reduced = after.peers.map((p) => {
    const [a, b] = changedMiddle(oldPeers.get(p.peer) ?? [], p.routes);
    return { old: { ...p, routes: a }, now: { ...p, routes: b } };
  });
  const newPeers = new Set(after.peers.map((p) => p.peer));
  const gone = before.peers.filter((p) => !newPeers.has(p.peer));
  return diffPlans(
    { allocations: oldAlloc, peers: [...reduced.map((r) => r.old), ...gone], issues: [] },
    { allocations: newAlloc, peers: reduced.map((r) => r.now), issues: [] },
  );
}
