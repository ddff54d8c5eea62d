/**
 * Idle and Active without a connection (RFC 4271 §8.2.2): ManualStart or the end of the back-off
 * (IdleHoldTimer) either dials the peer (Connect) or, in passive mode, waits for it (Active).
 * An incoming connection in Active goes to OpenSent; the session accepts it in any state.
 */
export function idle(mode: 'active' | 'passive'): 'Connect' | 'Active' {
  return mode === 'passive' ? 'Active' : 'Connect';
}
