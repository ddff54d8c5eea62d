import { expect } from 'chai';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { BgpSpeaker } from '../../src/bgp/index.js';
import { BgpFramer, createContext, decodeMessage, type BgpMessage } from '../../src/bgp/wire/index.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { waitFor } from '../support/wait-for.js';

describe('speaker against a real TCP peer on loopback that accepts and never answers', function () {
  this.timeout(60_000);
  let server: Server | undefined;
  let speaker: BgpSpeaker | undefined;
  const accepted: Array<{ socket: Socket; messages: BgpMessage[]; closed: boolean }> = [];

  afterEach(async () => {
    await speaker?.stop();
    for (const a of accepted) a.socket.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  it('gives up on the unanswered OPEN (4/0) within the restart time and dials again', async () => {
    server = createServer((socket) => {
      const entry = { socket, messages: [] as BgpMessage[], closed: false };
      const framer = new BgpFramer();
      socket.on('data', (chunk) => {
        for (const frame of framer.push(chunk)) entry.messages.push(decodeMessage(frame, createContext()));
      });
      socket.on('close', () => (entry.closed = true));
      accepted.push(entry);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // Restart time 4 s: a router would drop our routes after it, so no wait may be that long;
    // RFC 4271's OpenSent hold time alone would be 240 s.
    speaker = new BgpSpeaker({ routerId: '192.0.2.1', gracefulRestartTimeSec: 4 });
    speaker.addPeer(labRouterPeer({ peerAddress: '127.0.0.1', peerPort: port, holdTimeSec: 90 }));
    await waitFor('a second connection', () => accepted.length >= 2, { timeoutMs: 20_000 });
    const first = accepted[0]!;
    expect(first.messages.map((m) => m.type)).to.deep.equal(['open', 'notification']);
    expect(first.messages[1]).to.deep.include({ code: 4, subcode: 0 });
    await waitFor('the first connection to be closed', () => first.closed, { timeoutMs: 10_000 });
  });
});
