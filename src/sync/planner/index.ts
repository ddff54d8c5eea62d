export { Planner, planCluster, type SnapshotDelta } from './planner.js';
export { diffPlans, type PlanDiff } from './diff.js';
