import { connect, type Socket } from 'node:net';
import {
  BgpFramer,
  buildOpen,
  createContext,
  decodeMessage,
  encodeMessage,
  type BgpMessage,
  type Capability,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';

/**
 * A hand-driven BGP peer over real TCP: it sends whatever bytes a test wants (well formed or not)
 * and collects what our speaker answers.
 */
export class RawPeer {
  readonly received: BgpMessage[] = [];
  closed = false;
  private readonly framer = new BgpFramer(65535);
  private waiters: Array<() => void> = [];
  ctx: CodecContext = createContext({ fourOctetAs: true, extendedMessage: true });

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const f of this.framer.push(chunk)) this.received.push(decodeMessage(f, this.ctx));
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters) w();
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawPeer> {
    const socket = connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  /** OPEN as AS `asn`, then KEEPALIVE once the speaker's OPEN arrived: ends Established. */
  async establish(asn: number, bgpId: string, caps: Capability[] = []): Promise<void> {
    this.send(
      buildOpen({
        asn,
        holdTime: 90,
        bgpId,
        capabilities: [{ kind: 'four-octet-as', asn }, { kind: 'extended-message' }, ...caps],
      }),
    );
    await this.waitFor((m) => m.type === 'open');
    this.send({ type: 'keepalive' });
    await this.waitFor((m) => m.type === 'keepalive');
  }

  send(msg: BgpMessage): void {
    this.socket.write(encodeMessage(msg, this.ctx));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  waitFor(pred: (m: BgpMessage) => boolean, timeoutMs = 10_000): Promise<BgpMessage> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.received.find(pred);
        if (hit) done(() => resolve(hit));
        else if (this.closed) done(() => reject(new Error('connection closed')));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error('timed out waiting for a message'))),
        timeoutMs,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        f();
      };
      this.waiters.push(check);
      check();
    });
  }

  waitClosed(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      const check = () => {
        if (this.closed) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.waiters.push(check);
      check();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
