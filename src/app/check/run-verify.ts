import type { Config } from '../../config/model.js';
import type { RouterDriver } from '../../router-drivers/index.js';
import { driverObserver } from '../engine/router-verifier.js';
import { readLiveCluster, routerAccess, type LiveSources } from './live-cluster.js';
import {
  asCheckResult,
  reportOutcome,
  verifyCluster,
  type CheckResult,
  type ReportOptions,
} from './outcome.js';

/** How to reach the router named in the config; the CLI passes createRouterDriver. */
export type OpenRouter = (access: NonNullable<Config['router']>) => RouterDriver;

/**
 * `verify`: the same plan-and-compare as `check`, with the cluster (manifests or API) and the
 * router (ssh, local vtysh or recorded) read live. Exit codes as `check`, plus 3 when the
 * router or the cluster cannot be reached.
 */
export function runVerify(
  sources: LiveSources,
  openRouter: OpenRouter,
  opts: ReportOptions,
): Promise<CheckResult> {
  return asCheckResult(async () => {
    const live = await readLiveCluster(sources);
    const driver = openRouter(routerAccess(live, 'verify'));
    let observed;
    try {
      observed = await driverObserver(driver, live.config).observe();
    } finally {
      await driver.close();
    }
    return reportOutcome(verifyCluster(live.config, live.snapshot, observed, live.configWarnings), opts);
  });
}
