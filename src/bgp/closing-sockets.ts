import type { BgpConnection } from './transport.js';
import type { Clock } from '../util/clock.js';
import type { Log } from '../util/log.js';

/** How long a socket that got our NOTIFICATION may wait for the peer to close before we cut it. */
export const CLOSE_GRACE_MS = 2000;

/** Sockets we gave up (NOTIFICATION written, half-closed) until they are closed. */
export class ClosingSockets {
  private readonly sockets = new Set<BgpConnection>();

  constructor(private readonly deps: { clock: Clock; logger: Log; peer: string }) {}

  get size(): number {
    return this.sockets.size;
  }

  /**
   * Ends a socket that is no longer a connection of ours (anything to send already written): a
   * half-close so a NOTIFICATION is delivered, and destroy after CLOSE_GRACE_MS, because a peer
   * may never close its side (a router whose OPEN we did not read keeps the socket open) and a
   * socket left open would hold up the process forever.
   */
  release(socket: BgpConnection): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    // A reset of a socket we are done with is expected (the peer's unread OPEN), not a failure;
    // unhandled, the 'error' event would end the process.
    socket.on('error', (err) =>
      this.deps.logger.debug(
        { peer: this.deps.peer, err: err.message },
        'error on a connection being closed',
      ),
    );
    socket.end();
    this.deps.clock.setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  }

  /** Resolves once every socket given (and every one being released) closed. */
  allClosed(more: readonly BgpConnection[]): Promise<void> {
    const all = [...more, ...this.sockets];
    return Promise.all(all.map((s) => new Promise<void>((resolve) => s.on('close', () => resolve())))).then(
      () => undefined,
    );
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}
