import { AdjRibOut, type PathSlot, type RibChanges } from './adj-rib-out.js';
import type { Negotiated } from './capabilities.js';
import type { PathIdAllocator } from './path-ids.js';
import { type AddressFamily, type DesiredRoute } from './routes.js';
import { encodeRibChanges } from './update-builder.js';
import type { CodecContext } from './wire/index.js';

/** What decides a session's first UPDATEs besides the routes: the negotiated families and codec. */
type Expectation = Pick<Negotiated, 'families' | 'addPathSend' | 'codec'>;

/** UPDATE messages back to back, as one buffer for one write, and how many they are. */
export interface EncodedUpdates {
  bytes: Buffer;
  count: number;
}

export function joinUpdates(messages: readonly Buffer[]): EncodedUpdates {
  return { bytes: Buffer.concat(messages), count: messages.length };
}

/**
 * The first UPDATEs of the next session, encoded while no session is up, so a large table goes out
 * the moment the session is Established instead of after building and encoding it then.
 */
export interface PreparedTable {
  routes: readonly DesiredRoute[];
  /** Families the routes are of: only these have to match the negotiation. */
  routeFamilies: ReadonlySet<AddressFamily>;
  expected: Expectation;
  /** A copy of the session's path ids with this table's assignments. */
  pathIds: PathIdAllocator;
  rib: AdjRibOut;
  changes: RibChanges;
  updates: EncodedUpdates;
}

interface PrepareOptions {
  peer: string;
  localAsn: number;
  slot?: PathSlot;
  /** The negotiation we expect: the last session's, else the peer taking everything we offer. */
  expected: Expectation;
  /** The session's path ids; the table assigns into a copy, kept only if the table is used. */
  pathIds: PathIdAllocator;
}

/** The negotiation of a peer that takes every family and ADD-PATH we offer (no session yet). */
export function offeredExpectation(o: {
  families: readonly AddressFamily[];
  addPathSend: boolean;
  codec: CodecContext;
}): Expectation {
  const families = new Set(o.families);
  return { families, addPathSend: o.addPathSend ? families : new Set(), codec: o.codec };
}

export function prepareTable(routes: readonly DesiredRoute[], o: PrepareOptions): PreparedTable {
  const pathIds = o.pathIds.clone();
  const rib = new AdjRibOut({
    families: o.expected.families,
    addPathFamilies: o.expected.addPathSend,
    pathIds,
    peer: o.peer,
    ...(o.slot ? { slot: o.slot } : {}),
  });
  rib.setDesiredRoutes(routes, { alreadyValidated: true });
  const changes = rib.takeChanges();
  // Joined now, so the Established session only writes: no 1 MB copy for a 100k-route table then.
  const updates = joinUpdates(encodeRibChanges(changes, { ctx: o.expected.codec, localAsn: o.localAsn }));
  const routeFamilies = new Set(routes.map((r) => r.prefix.family));
  return { routes, routeFamilies, expected: o.expected, pathIds, rib, changes, updates };
}

/** The prepared table, if it is of `routes` and what the negotiation `got` would produce. */
export function usablePrepared(
  p: PreparedTable | undefined,
  routes: readonly DesiredRoute[],
  got: Expectation,
): PreparedTable | undefined {
  if (!p || p.routes !== routes) return undefined;
  return sameOutcome(p.expected, got, p.routeFamilies) ? p : undefined;
}

/** Whether a table built for `expected` is exactly the one `got` gives for routes of `families`. */
function sameOutcome(expected: Expectation, got: Expectation, families: ReadonlySet<AddressFamily>): boolean {
  const e = expected.codec;
  const g = got.codec;
  if (e.fourOctetAs !== g.fourOctetAs || e.extendedMessage !== g.extendedMessage || e.ibgp !== g.ibgp)
    return false;
  for (const f of families) {
    if (expected.families.has(f) !== got.families.has(f)) return false;
    if (expected.addPathSend.has(f) !== got.addPathSend.has(f)) return false;
    const key = f === 4 ? 'ipv4' : 'ipv6';
    if (e.addPath.send[key] !== g.addPath.send[key]) return false;
  }
  return true;
}
