import type { ConnState } from './fsm/state.js';

/** Which connection a collision decision is about (RFC 4271 §6.8). */
export type ConnDirection = 'outgoing' | 'incoming';

interface CollisionConn {
  direction: ConnDirection;
  state: ConnState;
}

type CollisionOutcome =
  /** The other connection is Established: the new one is closed. */
  | { close: 'new'; reason: string }
  /** Both reached OpenConfirm/OpenSent: the one the higher BGP identifier initiated survives. */
  | { close: 'new' | 'other'; keep: ConnDirection; reason: string };

function idNumber(dotted: string): number {
  return dotted.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/**
 * RFC 4271 §6.8 collision detection, when an OPEN arrives on `newConn` while `other` already got
 * the peer's OPEN (OpenConfirm) or is Established. The BGP identifiers compare as unsigned 32-bit
 * integers; the connection initiated by the side with the higher one is kept.
 */
export function resolveCollision(
  newConn: ConnDirection,
  other: { state: 'OpenConfirm' | 'Established' },
  ids: { local: string; remote: string },
): CollisionOutcome {
  if (other.state === 'Established') return { close: 'new', reason: 'collision with Established' };
  const keep: ConnDirection = idNumber(ids.local) > idNumber(ids.remote) ? 'outgoing' : 'incoming';
  return {
    close: newConn === keep ? 'other' : 'new',
    keep,
    reason: `collision resolution (kept the ${keep} connection)`,
  };
}

/**
 * The connection to close when an OPEN from `remoteId` arrives on `conn`, if another of `conns`
 * already got the peer's OPEN; undefined when there is no collision.
 */
export function collisionLoser<C extends CollisionConn>(
  conn: C,
  conns: readonly C[],
  ids: { local: string; remote: string },
): { loser: C; outcome: CollisionOutcome } | undefined {
  const other = conns.find(
    (c): c is C & { state: 'OpenConfirm' | 'Established' } =>
      c !== conn && (c.state === 'OpenConfirm' || c.state === 'Established'),
  );
  if (!other) return undefined;
  const outcome = resolveCollision(conn.direction, other, ids);
  return { loser: outcome.close === 'new' ? conn : other, outcome };
}
