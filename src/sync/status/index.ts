export { poolStatuses, poolCapacity, type PoolStatus } from './pool-status.js';
export { serviceStatuses, allVerified, type ServiceStatus } from './service-status.js';
