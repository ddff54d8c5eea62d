import { readFileSync } from 'node:fs';
import {
  BgpFramer,
  BgpWireError,
  createContext,
  decodeMessage,
  maxMessageSize,
  type BgpMessage,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';

/** What a receiver does with a message (the vectors' `expect` vocabulary). */
export type Action = 'accept' | 'attribute-discard' | 'treat-as-withdraw' | 'session-reset';

/** An expectation: one action, or several the clause allows, with the NOTIFICATION code if fixed. */
export interface Expectation {
  expect: string;
  code?: number;
  subcode?: number;
  clause?: string;
}

export interface Vector {
  id: string;
  source?: string;
  hex: string;
  stream?: boolean;
  ctx: {
    fourOctetAs: boolean;
    addPath: { ipv4: boolean; ipv6: boolean };
    ibgp: boolean;
    extendedMessage?: boolean;
  };
  ref?: Expectation & { who: string; data?: string };
  rfc?: Expectation;
  note?: string;
  /** GoBGP / FRR: decoded fields to compare. */
  check?: Record<string, unknown>;
  /** ExaBGP: decoded fields to compare (null for messages it only encodes). */
  expected?: Record<string, unknown> | null;
  options?: string[];
}

const FILES = ['gobgp-vectors.json', 'frr-vectors.json', 'exabgp-vectors.json'];

/** Every vector in fixtures/bgp-vectors, in file order. */
export function loadVectors(): Vector[] {
  return FILES.flatMap(
    (f) =>
      JSON.parse(
        readFileSync(new URL(`../../../fixtures/bgp-vectors/${f}`, import.meta.url), 'utf8'),
      ) as Vector[],
  );
}

/** The codec context a vector was taken with (ADD-PATH in both directions, as the sources do). */
export function vectorContext(v: Vector): CodecContext {
  return createContext({
    fourOctetAs: v.ctx.fourOctetAs,
    extendedMessage: v.ctx.extendedMessage ?? false,
    addPath: { receive: { ...v.ctx.addPath }, send: { ...v.ctx.addPath } },
    ibgp: v.ctx.ibgp,
  });
}

export interface Outcome {
  action: Action;
  code?: number;
  subcode?: number;
  messages: BgpMessage[];
  error?: BgpWireError;
}

function fromError(e: unknown, messages: BgpMessage[]): Outcome {
  // Anything but a BgpWireError is a crash: let it fail the test as it is.
  if (!(e instanceof BgpWireError)) throw e;
  // The decoders return attribute-discard errors in the UPDATE; a thrown one is never that.
  return { action: e.action, code: e.code, subcode: e.subcode, messages, error: e };
}

/**
 * Runs a vector through the codec as the speaker does: a stream through the framer then each
 * message through decodeMessage, a single message straight through decodeMessage.
 */
export function runVector(v: Vector): Outcome {
  const bytes = Buffer.from(v.hex, 'hex');
  const ctx = vectorContext(v);
  const messages: BgpMessage[] = [];
  try {
    const frames = v.stream ? new BgpFramer(maxMessageSize(ctx)).push(bytes) : [bytes];
    for (const f of frames) messages.push(decodeMessage(f, ctx));
  } catch (e) {
    return fromError(e, messages);
  }
  const discarded = messages.flatMap((m) => (m.type === 'update' ? (m.discarded ?? []) : []));
  const first = discarded[0];
  if (first !== undefined)
    return { action: 'attribute-discard', code: first.code, subcode: first.subcode, messages };
  return { action: 'accept', messages };
}

/**
 * `error`: the reference implementation refuses the message (a NOTIFICATION, session reset).
 * `afisafi-disable`: RFC 7606 §7.11 allows disabling the AFI/SAFI; the codec has no per-family
 * disable, so it resets the session, which the same clause allows.
 */
const ACTION_OF: Record<string, Action> = { error: 'session-reset', 'afisafi-disable': 'session-reset' };

/**
 * Whether an outcome meets an expectation. Compound expectations list what the clause allows:
 * `accept-or-ignore-route` (RFC 4271 §6.3: a semantically wrong NEXT_HOP is ignored with no
 * NOTIFICATION; the codec ignores such routes by treat-as-withdraw 3/8), `session-reset-or-
 * afisafi-disable`, `treat-as-withdraw-or-attribute-discard`; `not-crash` is met by any outcome.
 */
export function meets(o: Outcome, e: Expectation): boolean {
  if (e.expect === 'not-crash') return true;
  const allowed =
    e.expect === 'accept-or-ignore-route'
      ? ['accept', 'treat-as-withdraw']
      : e.expect.split('-or-').map((a) => ACTION_OF[a] ?? a);
  if (!allowed.includes(o.action)) return false;
  if (e.expect === 'accept-or-ignore-route' && o.action === 'treat-as-withdraw') return o.subcode === 8;
  if (e.code !== undefined && o.code !== e.code) return false;
  if (e.subcode !== undefined && o.subcode !== e.subcode) return false;
  return true;
}
