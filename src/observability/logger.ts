import pino, { type Level, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: Level | 'silent';
  /** Where log lines go; stderr by default so stdout stays free for reports. */
  destination?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Human-readable lines; defaults to "the destination is a terminal". */
  pretty?: boolean;
}

/**
 * Structured JSON logs for machines (one object per line, ISO time) and pino-pretty for people at a
 * terminal. pino-pretty runs in-process (no worker thread) so a log line written just before exit is
 * never lost.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? process.stderr;
  const usePretty = opts.pretty ?? destination.isTTY === true;
  const stream = usePretty
    ? pretty({
        destination,
        colorize: destination.isTTY === true,
        sync: true,
        translateTime: 'SYS:HH:MM:ss.l',
      })
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
