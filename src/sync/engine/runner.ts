import type { Logger } from 'pino';
import { startHealthServer, type HealthServer } from '../../observability/health-server.js';
import type { Metrics } from '../../observability/metrics.js';
import { ExitCode } from '../../util/errors.js';
import type { SyncEngine } from './engine.js';
import type { ShutdownMode, Verification, VerificationReason } from './ports.js';

export interface RunOptions<R> {
  engine: SyncEngine<R>;
  metrics: Metrics;
  logger: Logger;
  render: (report: R) => string;
  /** Where reports go (stdout in the CLI). */
  write: (text: string) => void;
  /** `host:port` for /metrics, /healthz, /readyz; undefined serves nothing. */
  metricsAddress?: string;
  /** Print the report after the first full sync and exit: 0 when it is ok, 1 on drift. */
  once?: boolean;
  /** How long `once` waits for a clean verification before reporting the drift it sees. */
  onceTimeoutMs?: number;
  shutdownMode: ShutdownMode;
  /** Called after the engine stopped (the collector, drivers, anything else to close). */
  cleanup?: () => Promise<void>;
  /** Resolves when the run should end (tests); SIGTERM/SIGINT end it too. */
  stopSignal?: Promise<void>;
}

/**
 * Runs the engine until a signal (or, with `once`, until the first full sync is verified) and
 * returns the exit code. Reports go to `write`; a periodic verification that finds nothing new is
 * only logged, so a quiet system prints one report and then only what changes.
 */
export async function runEngine<R>(opts: RunOptions<R>): Promise<number> {
  const { engine, logger } = opts;
  let health: HealthServer | undefined;
  let lastPrinted: { verdict: string } | undefined;
  const print = (v: Verification<R>, reason: VerificationReason) => {
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
      health = await startHealthServer({
        address: opts.metricsAddress,
        metrics: opts.metrics,
        readiness: () => engine.readiness(),
      });
      logger.info({ address: health.address }, 'serving /metrics, /healthz and /readyz');
    }
    let last: Verification<R> | undefined;
    const offOnce = opts.once
      ? engine.on((e) => {
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
    await engine.stop(opts.shutdownMode);
    await health?.close();
    await opts.cleanup?.();
  }
}
