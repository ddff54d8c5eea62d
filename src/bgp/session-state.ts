import type { EmitSessionEvent, SessionState, SessionStats } from './session-events.js';
import type { Log } from '../util/log.js';

/** The state a session reports, the reason of every decision, and a log line and event per change. */
export class SessionStateReport {
  private current: SessionState = 'Idle';

  constructor(
    private readonly deps: { peer: string; logger: Log; emit: EmitSessionEvent; stats: SessionStats },
  ) {}

  get state(): SessionState {
    return this.current;
  }

  /**
   * Records `reason` also when the state stays (a session that keeps failing to connect stays in
   * Connect with 'connect retry timer expired'), and reports a change to `to`.
   */
  decided(to: SessionState, reason: string): void {
    const { peer, logger, emit, stats } = this.deps;
    stats.lastStateReason = reason;
    if (to === this.current) return;
    const from = this.current;
    this.current = to;
    logger.info({ peer, from, to, reason }, `BGP ${peer}: ${from} -> ${to}`);
    emit('state', { peer, from, to, reason });
  }
}
