import type { RouterAccess } from '../../config/model.js';
import type { RouterTransport } from '../../router-drivers/index.js';
import type { Log } from '../../util/log.js';
import { ExitCode } from '../../util/errors.js';
import { readLiveCluster, routerAccess, type LiveSources } from './live-cluster.js';
import { asCheckResult, type CheckResult } from './outcome.js';
import { recordCluster, recordRouter } from './record.js';

/** How to reach the router named in the config, as a raw transport (record keeps the bytes). */
export type OpenTransport = (access: RouterAccess) => RouterTransport;

/**
 * `record DIR`: reads the cluster and the router once, read-only, and writes a check directory
 * that `check DIR` replays offline. The router is recorded before anything is written, so a
 * router that cannot be read leaves no half-written directory behind it.
 */
export function runRecord(
  sources: LiveSources,
  openTransport: OpenTransport,
  dir: string,
  log: Log,
): Promise<CheckResult> {
  return asCheckResult(async () => {
    const live = await readLiveCluster(sources);
    const access = routerAccess(live, 'record');
    const families = [...new Set(live.config.pools.flatMap((p) => p.addresses.map((a) => a.family)))].sort();
    const routerFiles = await recordRouter(openTransport(access), dir, {
      families: families.length > 0 ? families : [4],
      ...(access.dialect === 'auto' ? {} : { dialect: access.dialect }),
      log,
    });
    const clusterFiles = await recordCluster(live, dir);
    const files = [...clusterFiles, ...routerFiles];
    return {
      exitCode: ExitCode.Ok,
      output: `recorded ${files.length} files in ${dir}:\n${files.map((f) => `  ${f}\n`).join('')}`,
    };
  });
}
