import { access, rm, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { RoutesSentEvent } from '../../bgp/index.js';
import { BadInputError } from '../../util/errors.js';

export class StateFileError extends BadInputError {
  constructor(path: string, what: string, options: { cause: unknown }) {
    super(`speaker.stateFile: cannot ${what} ${path}: ${(options.cause as Error).message}`, options);
  }
}

/** The speaker's routes-sent events, all the marker listens to. */
export interface RoutesSentSource {
  on(event: 'routes-sent', fn: (e: RoutesSentEvent) => void): unknown;
  off(event: 'routes-sent', fn: (e: RoutesSentEvent) => void): unknown;
}

/**
 * The file that tells a starting process it follows a run of ours that announced routes, so its
 * OPENs carry the graceful-restart R bit (RFC 4724 §3: set only after a restart, which a process
 * cannot know without state). Written when a session first sent routes, removed by a shutdown
 * that withdrew them; a kill or a keep-routes shutdown leaves it, and in the Kubernetes Deployment
 * an emptyDir keeps it across container restarts.
 */
export class RestartMarker {
  private written = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /** Whether a run of ours announced routes and did not withdraw them. */
  async present(): Promise<boolean> {
    try {
      await access(this.path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new StateFileError(this.path, 'read', { cause: err });
    }
  }

  /** Writes the marker once a session has sent its first routes; returns the unsubscribe. */
  watch(speaker: RoutesSentSource): () => void {
    const onSent = (e: RoutesSentEvent) => {
      if (this.written || e.cause !== 'initial' || e.announced === 0) return;
      this.written = true;
      speaker.off('routes-sent', onSent);
      // Without the marker the only loss is the R bit after the next restart: log, keep running.
      this.writing = writeFile(
        this.path,
        `${new Date().toISOString()} routes announced to ${e.peer}\n`,
      ).catch((err: unknown) =>
        this.log.error({ err, path: this.path }, 'could not write speaker.stateFile'),
      );
    };
    speaker.on('routes-sent', onSent);
    return () => speaker.off('routes-sent', onSent);
  }

  /** After our routes were withdrawn: the next start is a first start again. */
  async remove(): Promise<void> {
    await this.writing;
    try {
      await rm(this.path, { force: true });
    } catch (err) {
      throw new StateFileError(this.path, 'remove', { cause: err });
    }
  }
}
