import pino, { type Level, type Logger } from 'pino';
import { formatTextLine, type LogFormat, type LogRecord } from './log-text.js';

export type { Logger };

/** What pino writes lines to; `flushSync` when it buffers them. */
interface Destination {
  write(line: string): unknown;
  isTTY?: boolean;
  flushSync?: () => void;
}

interface LoggerOptions {
  level?: Level | 'silent';
  /** Where log lines go; stderr by default so stdout stays free for reports. */
  destination?: Destination;
  /** text: one line per event (log-text.ts); json: one object per line. Default: text on a terminal. */
  format?: LogFormat;
}

let stderrSink: ReturnType<typeof pino.destination> | undefined;

/**
 * Standard error written without blocking: Node writes a pipe synchronously, one write(2) per
 * line, and `run`'s plan-change lines (about three per cluster change) were a tenth of its CPU
 * per change on the cluster path, waiting on the pipe of a busy reader (docs/benchmarks.md).
 * pino's asynchronous destination writes whatever has gathered in one write, and what is left
 * synchronously when the process exits, by process.exit() or an uncaught error alike (pino
 * registers that on `exit`; test/engine/logger.test.ts counts the lines). One per process.
 */
function asyncStderr(): Destination {
  stderrSink ??= pino.destination({ fd: 2, sync: false });
  return stderrSink;
}

/**
 * Structured JSON logs for machines (one object per line, ISO time) and one line per event for
 * people at a terminal. The text form is made in-process from pino's JSON line (no worker thread),
 * so a log line written just before exit is never lost.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? asyncStderr();
  const color = (opts.destination ?? process.stderr).isTTY === true;
  const format = opts.format ?? (color ? 'text' : 'json');
  const stream =
    format === 'text'
      ? {
          write: (line: string) =>
            destination.write(formatTextLine(JSON.parse(line) as LogRecord, { color })),
          // pino flushes a fatal line at once through its stream.
          flushSync: () => destination.flushSync?.(),
        }
      : destination;
  return pino(
    {
      level: opts.level ?? 'info',
      base: { name: 'cluster-router-sync' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}

/** A logger that drops everything, for unit tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
