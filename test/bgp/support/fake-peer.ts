import { EventEmitter } from 'node:events';
import sinon from 'sinon';
import type { Clock } from '../../../src/util/clock.js';
import type { BgpConnection, Connector } from '../../../src/bgp/transport.js';
import {
  BgpFramer,
  createContext,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';

/**
 * One end of an in-memory TCP connection, as the session sees it. The test plays the remote peer:
 * it reads what the session wrote (decoded with the real codec) and injects bytes back.
 */
export class FakeConnection extends EventEmitter implements BgpConnection {
  readonly remoteAddress = '192.168.201.1';
  readonly remotePort = 179;
  readonly written: Buffer[] = [];
  ended = false;
  destroyed = false;
  private closed = false;
  private readonly framer = new BgpFramer(65535);
  private readIndex = 0;
  ctx: CodecContext = createContext({ extendedMessage: true });

  write(data: Uint8Array, cb?: (err?: Error | null) => void): boolean {
    if (this.closed) throw new Error('write after close');
    this.written.push(Buffer.from(data));
    cb?.();
    return true;
  }

  /**
   * A peer that never closes its side: our half-close (end) leaves the connection open, as a
   * router does whose OPEN we did not read.
   */
  peerKeepsOpen = false;

  end(): void {
    this.ended = true;
    if (!this.peerKeepsOpen) this.close();
  }

  destroy(): void {
    this.destroyed = true;
    this.close();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** TCP handshake completed (outgoing connections). */
  connected(): void {
    this.emit('connect');
  }

  /** The peer closes or resets the connection. */
  peerCloses(): void {
    this.close();
  }

  /** Everything the session wrote, decoded. */
  messages(): BgpMessage[] {
    const out: BgpMessage[] = [];
    for (const chunk of this.written)
      for (const frame of new BgpFramer(65535).push(chunk)) out.push(decodeMessage(frame, this.ctx));
    return out;
  }

  /** Messages written since the last call. */
  newMessages(): BgpMessage[] {
    const chunks = this.written.slice(this.readIndex);
    this.readIndex = this.written.length;
    return chunks.flatMap((c) => this.framer.push(c).map((f) => decodeMessage(f, this.ctx)));
  }

  send(msg: BgpMessage): void {
    this.emit('data', encodeMessage(msg, this.ctx));
  }

  sendBytes(bytes: Uint8Array): void {
    this.emit('data', Buffer.from(bytes));
  }
}

/** A connector handing out FakeConnections and remembering them and when they were asked for. */
export function fakeConnector(clock: { now: () => number }): {
  connector: Connector;
  connections: FakeConnection[];
  times: number[];
} {
  const connections: FakeConnection[] = [];
  const times: number[] = [];
  return {
    connections,
    times,
    connector: () => {
      const c = new FakeConnection();
      connections.push(c);
      times.push(clock.now());
      return c;
    },
  };
}

/** sinon's fake clock as the session's Clock. */
export function fakeClock(): { clock: Clock; fake: sinon.SinonFakeTimers } {
  const fake = sinon.useFakeTimers();
  return {
    fake,
    clock: {
      setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
      clearTimeout: (h) => fake.clearTimeout(h as ReturnType<typeof fake.setTimeout>),
      now: () => fake.now,
    },
  };
}
