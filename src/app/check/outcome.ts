import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { formatConfigWarning } from '../../config/index.js';
import type { Config, ConfigWarning } from '../../config/model.js';
import { renderReport, type ReportFormat } from '../../reports/index.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import { planCluster } from '../../sync/planner/index.js';
import type { ObservedRouterState } from '../../sync/verify/observed.js';
import type { Verification } from '../../sync/verify/verification.js';
import { verify } from '../../sync/verify/verify.js';
import { CrsError, ExitCode } from '../../util/errors.js';
import { CheckInputError } from './errors.js';
import { lineDiff, sameReport } from './line-diff.js';

export interface ReportOptions {
  format: ReportFormat;
  /** Text only; set it when the output goes to a TTY. */
  color?: boolean;
  /** A golden report (JSON or text, told apart by content) the report must equal. */
  expectFile?: string;
}

export interface CheckResult {
  /** 0 everything matches, 1 drift (or a golden mismatch), 2 bad input, 3 unreachable. */
  exitCode: ExitCode;
  /** The report, for stdout. */
  output: string;
  /** What went wrong, for stderr (bad input, unreachable router, golden diff). */
  error?: string;
}

/**
 * Plan the cluster and compare the router with the plan: the heart of both `check` and `verify`.
 * Config warnings (unknown fields, accepted-but-unsupported keys) ride along as notes.
 */
export function verifyCluster(
  config: Config,
  snapshot: ClusterSnapshot,
  observed: ObservedRouterState,
  configWarnings: readonly ConfigWarning[] = [],
): Verification {
  const v = verify({ plan: planCluster(config, snapshot), config, observed });
  if (configWarnings.length === 0) return v;
  const warnings = configWarnings.map((w) => ({ subject: 'config', message: formatConfigWarning(w) }));
  const notes = [...v.notes, ...warnings].sort((a, b) =>
    a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0,
  );
  return { ...v, notes };
}

/**
 * Renders the report and decides the exit code. Without `expectFile` drift is exit 1; with it
 * the golden file is the judge: equal is 0 (even for a drifting state, which is the point of a
 * drift fixture), different is 1 with a diff.
 */
export async function reportOutcome(v: Verification, opts: ReportOptions): Promise<CheckResult> {
  const output = renderReport(v, { format: opts.format, color: opts.color ?? false });
  if (opts.expectFile === undefined) {
    return { exitCode: v.summary.status === 'ok' ? ExitCode.Ok : ExitCode.Drift, output };
  }
  const golden = await readGolden(opts.expectFile);
  const goldenFormat: ReportFormat = isJsonGolden(opts.expectFile, golden) ? 'json' : 'text';
  const actual =
    goldenFormat === opts.format && !opts.color ? output : renderReport(v, { format: goldenFormat });
  if (sameReport(golden, actual)) return { exitCode: ExitCode.Ok, output };
  const diff = lineDiff(golden, actual, { expected: opts.expectFile, actual: `${goldenFormat} report` });
  return {
    exitCode: ExitCode.Drift,
    output,
    error: `the ${goldenFormat} report differs from ${opts.expectFile}:\n${diff}`,
  };
}

/** Runs a step that reads user input; typed errors become an exit code and a message. */
export async function asCheckResult(step: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof CrsError) return { exitCode: err.exitCode, output: '', error: err.message };
    throw err;
  }
}

async function readGolden(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CheckInputError(file, `cannot read the expected report: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

function isJsonGolden(file: string, text: string): boolean {
  return extname(file) === '.json' || /^\s*\{/.test(text);
}
