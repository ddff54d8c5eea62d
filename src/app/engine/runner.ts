import type { Logger } from 'pino';
import { startHealthServer, type HealthServer } from '../../observability/health-server.js';
import type { Metrics } from '../../observability/metrics.js';
import { CrsError, ExitCode } from '../../util/errors.js';
import type { SyncEngine } from './engine.js';
import type { ShutdownMode, VerificationReason, VerifierResult } from './ports.js';
import { SHUTDOWN_DEADLINE_MS, shutdownWithin } from './shutdown-deadline.js';

export interface RunOptions<R> {
  engine: SyncEngine<R>;
  metrics: Metrics;
  logger: Logger;
  render: (report: R) => string;
  /** Where reports go (stdout in the CLI). */
  write: (text: string) => void;
  /** `host:port` for /metrics, /healthz, /readyz; undefined serves nothing. */
  metricsAddress?: string;
  /** Added to every `/readyz` answer (announce-only mode says so there). */
  readyzNote?: string;
  /** Print the report after the first full sync and exit: 0 when it is ok, 1 on drift. */
  once?: boolean;
  /** How long `once` waits for a clean verification before reporting the drift it sees. */
  onceTimeoutMs?: number;
  shutdownMode: ShutdownMode;
  /** Called after the engine stopped (the collector, drivers, anything else to close). */
  cleanup?: () => Promise<void>;
  /** How long stopping may take (default SHUTDOWN_DEADLINE_MS); past it `abort` runs. */
  shutdownDeadlineMs?: number;
  /** Closes everything still open at once; returns what that was, for the log. */
  abort?: () => string[];
  /** Resolves when the run should end (tests); SIGTERM/SIGINT end it too. */
  stopSignal?: Promise<void>;
}

/**
 * Runs the engine until a signal (or, with `once`, until the first full sync is verified) and
 * returns the exit code. Reports go to `write`; a periodic verification that finds nothing new is
 * only logged, so a quiet system prints one report and then only what changes. Stopping has a
 * deadline: past it everything is closed and the exit code is 3 (something did not let go).
 */
export async function runEngine<R>(opts: RunOptions<R>): Promise<number> {
  let outcome: { code: number } | { error: unknown };
  let health: HealthServer | undefined;
  try {
    outcome = { code: await runUntilEnd(opts, (h) => (health = h)) };
  } catch (err) {
    outcome = { error: err };
  }
  const stopped = await shutdownWithin(
    [
      { name: 'the engine and the BGP sessions to stop', run: () => opts.engine.stop(opts.shutdownMode) },
      { name: 'the health server to close', run: async () => health?.close() },
      { name: 'cleanup (router connection, Lease)', run: async () => opts.cleanup?.() },
    ],
    {
      deadlineMs: opts.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS,
      logger: opts.logger,
      abort: opts.abort ?? (() => []),
    },
  );
  if ('error' in outcome) throw outcome.error;
  return stopped ? outcome.code : ExitCode.Unreachable;
}

async function runUntilEnd<R>(opts: RunOptions<R>, served: (health: HealthServer) => void): Promise<number> {
  const { engine, logger } = opts;
  let lastPrinted: { verdict: string } | undefined;
  const print = (v: VerifierResult<R>, reason: VerificationReason) => {
    const quiet = reason === 'periodic' && v.verdict === 'ok' && lastPrinted?.verdict === 'ok';
    if (opts.once || quiet) return;
    lastPrinted = { verdict: v.verdict };
    opts.write(`${opts.render(v.report)}\n`);
  };
  let resolveEnd!: (code: number) => void;
  const ended = new Promise<number>((resolve) => (resolveEnd = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down');
    resolveEnd(ExitCode.Ok);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  void opts.stopSignal?.then(() => resolveEnd(ExitCode.Ok));

  let timer: NodeJS.Timeout | undefined;
  const offReports = engine.on((e) => {
    if (e.type === 'verified') print(e.verification, e.reason);
  });
  try {
    if (opts.metricsAddress !== undefined) {
      const health = await startHealthServer({
        address: opts.metricsAddress,
        metrics: opts.metrics,
        readiness: () => engine.readiness(),
        readyzDetail: () => engine.healthDetail(),
        ...(opts.readyzNote !== undefined ? { readyzNote: opts.readyzNote } : {}),
      });
      served(health);
      logger.info({ address: health.address }, 'serving /metrics, /healthz and /readyz');
    }
    let last: VerifierResult<R> | undefined;
    let unreadable: CrsError | undefined;
    const offOnce = opts.once
      ? engine.on((e) => {
          // The router answered but its output could not be read: waiting will not change that,
          // and it is bad input (exit 2), not an unreachable router.
          if (
            e.type === 'verify-failed' &&
            e.error instanceof CrsError &&
            e.error.exitCode === ExitCode.BadInput
          ) {
            unreadable = e.error;
            resolveEnd(ExitCode.BadInput);
          }
          if (e.type !== 'verified') return;
          last = e.verification;
          if (e.verification.verdict === 'ok') resolveEnd(ExitCode.Ok);
        })
      : undefined;
    if (opts.once) timer = setTimeout(() => resolveEnd(ExitCode.Drift), opts.onceTimeoutMs ?? 20_000);
    await engine.start();
    const code = await ended;
    offOnce?.();
    if (opts.once) {
      if (unreadable !== undefined) {
        logger.error({ err: unreadable }, `the router's answer could not be read: ${unreadable.message}`);
        return ExitCode.BadInput;
      }
      if (last === undefined) {
        logger.error('no verification finished before the timeout (initial sync or router not reachable)');
        return ExitCode.Unreachable;
      }
      opts.write(`${opts.render(last.report)}\n`);
      return last.verdict === 'ok' ? ExitCode.Ok : ExitCode.Drift;
    }
    return code;
  } finally {
    clearTimeout(timer);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    offReports();
  }
}
