import { MAX_EXTENDED_MESSAGE_SIZE, MAX_MESSAGE_SIZE } from './constants.js';
import type { AddPathCapability, Capability, CodecContext, OpenMessage } from './types.js';

/** A context for a session before (or without) negotiation: 2-octet AS, 4096 octets, no ADD-PATH. */
export function createContext(overrides: Partial<CodecContext> = {}): CodecContext {
  return {
    fourOctetAs: false,
    extendedMessage: false,
    addPath: { receive: { ipv4: false, ipv6: false }, send: { ipv4: false, ipv6: false } },
    ibgp: false,
    ...overrides,
  };
}

export function maxMessageSize(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_SIZE : MAX_MESSAGE_SIZE;
}

function has(caps: Capability[], kind: Capability['kind']): boolean {
  return caps.some((c) => c.kind === kind);
}

function addPathMode(caps: Capability[], afi: number, safi: number): { send: boolean; receive: boolean } {
  const cap = caps.find((c): c is AddPathCapability => c.kind === 'add-path');
  const fam = cap?.families.find((f) => f.afi === afi && f.safi === safi);
  return { send: fam?.send ?? false, receive: fam?.receive ?? false };
}

/**
 * The context a session uses once both OPENs are known (RFC 6793 §3, RFC 8654 §3, RFC 7911 §4:
 * we send path ids for a family when we can send and the peer can receive, and vice versa).
 */
export function negotiateContext(
  local: OpenMessage,
  remote: OpenMessage,
  opts: { ibgp?: boolean } = {},
): CodecContext {
  const lc = local.capabilities;
  const rc = remote.capabilities;
  const l4 = addPathMode(lc, 1, 1);
  const r4 = addPathMode(rc, 1, 1);
  const l6 = addPathMode(lc, 2, 1);
  const r6 = addPathMode(rc, 2, 1);
  return {
    fourOctetAs: has(lc, 'four-octet-as') && has(rc, 'four-octet-as'),
    extendedMessage: has(lc, 'extended-message') && has(rc, 'extended-message'),
    addPath: {
      send: { ipv4: l4.send && r4.receive, ipv6: l6.send && r6.receive },
      receive: { ipv4: l4.receive && r4.send, ipv6: l6.receive && r6.send },
    },
    ibgp: opts.ibgp ?? false,
  };
}
