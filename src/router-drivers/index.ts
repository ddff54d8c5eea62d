/** The router-drivers package: what the CLI, the verifier and the sync loop import. */
export * from './errors.js';
export type * from './records.js';
export { createRouterDriver, createRouterTransport, createDriverOn } from './driver.js';
export type { RouterDriver } from './router-driver.js';
export type { RouterTransport } from './transport.js';
export { createSshTransport } from './transport-ssh.js';
export { createRecordedTransport, recordedFileName } from './transport-recorded.js';
export { parseRouteText } from './parse-route-text.js';
export { parseBgpSummaryText } from './parse-summary-text.js';
export { parseRunningConfig } from './parse-running-config.js';
export { parseBgpNeighborsText } from './parse-neighbors-text.js';
export { parseBgpNeighborsJson, parseBgpSummaryJson, parseRouteJson } from './parse-json.js';
export { formatUptime } from './uptime.js';
export { commandErrorFor } from './vtysh-errors.js';
export {
  planNeighborChanges,
  renderNeighborPlan,
  type DesiredNeighbor,
  type NeighborPlan,
  type NeighborPolicy,
} from './neighbor-plan.js';
export { applyNeighborPlan, type NeighborApplyResult } from './neighbor-apply.js';
