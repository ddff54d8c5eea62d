import { expect } from 'chai';
import { encodeMessage, type NotificationMessage, type UpdateMessage } from '../../src/bgp/wire/index.js';
import { waitFor } from '../support/wait-for.js';
import type { RawPeer } from './support/raw-peer.js';
import { useRawPeerCollector } from './support/raw-peer-collector.js';

const GOOD_UPDATE: UpdateMessage = {
  type: 'update',
  withdrawn: [],
  nlri: [{ family: 4, addr: Uint8Array.from([192, 168, 197, 0]), len: 32 }],
  attributes: { origin: 0, asPath: [{ type: 2, asns: [64500] }], nextHop: '192.168.201.11' },
};

/** Byte surgery on a well-formed message, each breaking one rule with a known NOTIFICATION. */
const CASES: { name: string; bytes: (ctx: RawPeer['ctx']) => Buffer; expect: string }[] = [
  {
    name: 'a header marker that is not all ones',
    bytes: () => Buffer.from([...Array(15).fill(0xff), 0, 0, 19, 4]),
    expect: '1/1',
  },
  {
    name: 'an unknown message type',
    bytes: () => Buffer.from([...Array(16).fill(0xff), 0, 19, 9]),
    expect: '1/3',
  },
  {
    name: 'an UPDATE whose withdrawn-routes length runs past the message',
    bytes: (ctx) => {
      const b = encodeMessage(GOOD_UPDATE, ctx);
      b.writeUInt16BE(200, 19);
      return b;
    },
    expect: '3/1',
  },
];

describe('malformed input from a raw peer (collector side)', function () {
  const collector = useRawPeerCollector();

  async function connected(): Promise<RawPeer> {
    const p = await collector.connect();
    await p.establish(64500, '192.168.201.2');
    return p;
  }

  for (const c of CASES) {
    it(`answers ${c.name} with NOTIFICATION ${c.expect}, closes, and accepts the peer again`, async () => {
      const p = await connected();
      p.send(GOOD_UPDATE);
      await waitFor(
        'the route at the collector',
        () => collector.speaker.receivedRoutes('dynamic-127.0.0.1').length === 1,
      );
      p.sendBytes(c.bytes(p.ctx));
      const n = (await p.waitFor((m) => m.type === 'notification')) as NotificationMessage;
      expect(`${n.code}/${n.subcode}`).to.equal(c.expect);
      await p.waitClosed();
      expect(collector.speaker.receivedRoutes('dynamic-127.0.0.1')).to.deep.equal([]);

      const again = await connected();
      again.send(GOOD_UPDATE);
      await waitFor(
        'the route back',
        () => collector.speaker.receivedRoutes('dynamic-127.0.0.1').length === 1,
      );
      expect(collector.speaker.peer('dynamic-127.0.0.1').state).to.equal('Established');
    });
  }

  it('treats an UPDATE with a bad ORIGIN as a withdrawal and keeps the session (RFC 7606)', async () => {
    const p = await connected();
    p.send(GOOD_UPDATE);
    await waitFor(
      'the route at the collector',
      () => collector.speaker.receivedRoutes('dynamic-127.0.0.1').length === 1,
    );
    const bad = encodeMessage(GOOD_UPDATE, p.ctx);
    bad[bad.indexOf(Buffer.from([0x40, 0x01, 0x01, 0x00])) + 3] = 7;
    p.sendBytes(bad);
    await waitFor(
      'the route withdrawn',
      () => collector.speaker.receivedRoutes('dynamic-127.0.0.1').length === 0,
    );
    p.send({ type: 'keepalive' });
    p.send(GOOD_UPDATE);
    await waitFor(
      'the route back on the same session',
      () => collector.speaker.receivedRoutes('dynamic-127.0.0.1').length === 1,
    );
    expect(p.received.filter((m) => m.type === 'notification')).to.deep.equal([]);
    expect(p.closed).to.equal(false);
  });

  it('refuses an OPEN with an unacceptable hold time (2/6)', async () => {
    const p = await collector.connect();
    p.send({
      type: 'open',
      version: 4,
      myAs: 64500,
      holdTime: 2,
      bgpId: '192.168.201.2',
      capabilities: [],
      extendedParameters: false,
    });
    const n = (await p.waitFor((m) => m.type === 'notification')) as NotificationMessage;
    expect(`${n.code}/${n.subcode}`).to.equal('2/6');
  });
});
