/**
 * The logging calls the BGP speaker and the router drivers make: the slice of a pino logger they
 * use, so those layers do not depend on pino (src/observability/logger.ts makes the real one).
 */
export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const ignore = (): void => undefined;
export const silentLog: Log = { debug: ignore, info: ignore, warn: ignore, error: ignore };
