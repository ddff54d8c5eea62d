export {
  Planner,
  planCluster,
  nodeCanAnnounce,
  EXCLUDE_FROM_LB_LABEL,
  type SnapshotDelta,
} from './planner.js';
export { diffPlans, type PlanDiff, type AllocationChange, type PeerRouteChanges } from './diff.js';
export { DEFAULT_ADVERTISEMENT } from './advertise.js';
export { isHandledService } from './service-request.js';
