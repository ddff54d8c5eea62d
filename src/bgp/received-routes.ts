import { AdjRibIn, type ReceivedRoute, type RibInChange } from './adj-rib-in.js';
import type { EmitSessionEvent, SessionStats } from './session-events.js';
import type { BgpWireError, UpdateMessage } from './wire/index.js';

/**
 * What the peer's UPDATEs do on our side: counted and checked always, kept in the Adj-RIB-In only
 * with `keep` (the collector); a router's UPDATEs to a pure announcer are validated and dropped.
 */
export class ReceivedRoutes {
  private readonly ribIn = new AdjRibIn();

  constructor(
    private readonly peer: string,
    private readonly keep: boolean,
    private readonly deps: { stats: SessionStats; emit: EmitSessionEvent },
  ) {}

  list(): ReceivedRoute[] {
    return this.ribIn.list();
  }

  /** The session went down: nothing the peer sent stands (we are no graceful-restart helper). */
  clear(): void {
    this.ribIn.clear();
  }

  update(msg: UpdateMessage): void {
    this.deps.stats.updatesReceived++;
    if (msg.discarded && msg.discarded.length > 0) {
      this.deps.emit('warning', {
        peer: this.peer,
        message: `attributes discarded: ${msg.discarded.map((e) => e.message).join('; ')}`,
      });
    }
    if (this.keep) this.changed(this.ribIn.apply(msg));
  }

  /** RFC 7606: a malformed UPDATE the session survives; its prefixes count as withdrawn. */
  malformedUpdate(err: BgpWireError): void {
    this.deps.emit('warning', { peer: this.peer, message: `${err.action}: ${err.message}` });
    if (err.action === 'treat-as-withdraw' && this.keep)
      this.changed(this.ribIn.withdrawPrefixes(err.withdrawn));
  }

  private changed(change: RibInChange): void {
    if (change.announced.length + change.withdrawn.length + change.endOfRib.length === 0) return;
    this.deps.emit('routes-received', { peer: this.peer, ...change });
  }
}
