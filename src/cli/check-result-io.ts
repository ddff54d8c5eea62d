import type { CheckResult } from '../app/check/outcome.js';
import type { CliIo } from './io.js';

/** Prints a `check`/`verify`/`record` result: the report on stdout, any error on stderr. */
export function printCheckResult(result: CheckResult, io: CliIo): number {
  io.out(result.output);
  if (result.error !== undefined) io.err(result.error.endsWith('\n') ? result.error : `${result.error}\n`);
  return result.exitCode;
}
