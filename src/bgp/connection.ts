import type { Negotiated } from './capabilities.js';
import type { ConnDirection } from './collision.js';
import type { ConnState } from './fsm/state.js';
import type { BgpConnection } from './transport.js';
import { Timer, type Clock } from '../util/clock.js';
import { BgpFramer, createContext, type CodecContext, type OpenMessage } from './wire/index.js';

/**
 * One TCP connection of a session and its per-connection timers (HoldTimer, KeepaliveTimer); two
 * exist only while a collision is being resolved. The session's FSM decides its state.
 */
export class Connection {
  state: ConnState = 'Connect';
  readonly framer = new BgpFramer();
  ctx: CodecContext = createContext();
  remoteOpen?: OpenMessage;
  negotiated?: Negotiated;
  closed = false;
  private readonly hold: Timer;
  private readonly keepalive: Timer;

  constructor(
    readonly id: number,
    readonly direction: ConnDirection,
    readonly socket: BgpConnection,
    clock: Clock,
    on: { holdExpired(): void; keepaliveDue(): void },
    /** The bound of a wait for the peer's OPEN or KEEPALIVE (see restartBoundTimers). */
    private readonly openHoldMs: number,
  ) {
    this.hold = new Timer(clock, on.holdExpired);
    this.keepalive = new Timer(clock, () => {
      on.keepaliveDue();
      const n = this.negotiated;
      if (n && n.keepaliveSec > 0) this.keepalive.start(n.keepaliveSec * 1000);
    });
  }

  /** RFC 4271 §8.2.2: a large hold time while waiting for the peer's OPEN. */
  waitForOpen(): void {
    this.state = 'OpenSent';
    this.hold.start(this.openHoldMs);
  }

  /** The peer's OPEN was accepted: its negotiation applies, and its hold time if not zero. */
  confirm(open: OpenMessage, negotiated: Negotiated): void {
    this.state = 'OpenConfirm';
    this.remoteOpen = open;
    this.negotiated = negotiated;
    this.ctx = negotiated.codec;
    if (negotiated.holdTimeSec > 0) {
      this.hold.start(this.holdMs(negotiated));
      this.keepalive.start(negotiated.keepaliveSec * 1000);
    } else this.hold.stop();
  }

  establish(): void {
    this.state = 'Established';
    // The OpenConfirm wait was bounded by the restart time; from now on the negotiated hold applies.
    this.restartHold();
  }

  /** A message arrived: the peer is alive (RFC 4271 §8.2.2, "restarts its HoldTimer"). */
  restartHold(): void {
    const n = this.negotiated;
    if (n && n.holdTimeSec > 0 && (this.state === 'OpenConfirm' || this.state === 'Established')) {
      this.hold.start(this.holdMs(n));
    }
  }

  stopTimers(): void {
    this.hold.stop();
    this.keepalive.stop();
  }

  /** The negotiated hold time; in OpenConfirm, still re-establishing, bounded like OpenSent's. */
  private holdMs(n: Negotiated): number {
    const ms = n.holdTimeSec * 1000;
    return this.state === 'OpenConfirm' ? Math.min(ms, this.openHoldMs) : ms;
  }
}
