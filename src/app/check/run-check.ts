import { observedFromRecords } from '../../sync/verify/from-records.js';
import { readCheckDir } from './check-dir.js';
import {
  asCheckResult,
  reportOutcome,
  verifyCluster,
  type CheckResult,
  type ReportOptions,
} from './outcome.js';

export type CheckOptions = ReportOptions;

/**
 * `check DIR`: the offline verification of a recorded cluster and router. Never throws for bad
 * input; the result carries the exit code (0 match, 1 drift, 2 bad input) and what to print.
 */
export function runCheck(dir: string, opts: CheckOptions): Promise<CheckResult> {
  return asCheckResult(async () => {
    const inputs = await readCheckDir(dir);
    const verification = verifyCluster(
      inputs.config,
      inputs.snapshot,
      observedFromRecords(inputs.records),
      inputs.configWarnings,
    );
    return reportOutcome(verification, opts);
  });
}
