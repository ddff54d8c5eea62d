/** The logging calls the speaker makes; a pino logger fits this shape. */
export interface BgpLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

const ignore = (): void => undefined;
export const silentLogger: BgpLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
