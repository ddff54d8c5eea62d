export { poolStatuses, poolCapacity, type PoolStatus } from './pool-status.js';
export { serviceStatuses, allVerified, type ServiceStatus, type CarriedRoute } from './service-status.js';
