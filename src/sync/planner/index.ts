export { Planner, planCluster, type SnapshotDelta } from './planner.js';
export { diffPlans } from './diff.js';
