import pino, { type Level, type Logger } from 'pino';
import { formatTextLine, type LogFormat, type LogRecord } from './log-text.js';

export type { Logger };

interface LoggerOptions {
  level?: Level | 'silent';
  /** Where log lines go; stderr by default so stdout stays free for reports. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** text: one line per event (log-text.ts); json: one object per line. Default: text on a terminal. */
  format?: LogFormat;
}

/**
 * Structured JSON logs for machines (one object per line, ISO time) and one line per event for
 * people at a terminal. The text form is made in-process from pino's JSON line (no worker thread),
 * so a log line written just before exit is never lost. Standard error stays Node's synchronous
 * pipe: pino's asynchronous destination (sonic-boom) took 1.5 to 2 times the CPU per line in
 * bursts of three lines, the shape of `run`'s plan-change lines (measured on the bench machine,
 * 3,000 lines, process.cpuUsage), and CPU per change is what the cluster path is short of.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr;
  const format = opts.format ?? (destination.isTTY === true ? 'text' : 'json');
  const color = destination.isTTY === true;
  const stream =
    format === 'text'
      ? {
          write: (line: string) =>
            destination.write(formatTextLine(JSON.parse(line) as LogRecord, { color })),
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
