import { expect } from 'chai';
import { BgpSpeaker, type SpeakerPeer } from '../../../src/bgp/index.js';
import { waitFor } from '../../support/wait-for.js';
import { tcpCounter } from './support/tcp-counter.js';

const KEY = 'passive-md5-key';

const peer = (extra: Partial<SpeakerPeer>): SpeakerPeer => ({
  name: 'p',
  peerAddress: '127.0.0.1',
  peerAsn: 64500,
  myAsn: 64501,
  peerPort: 179,
  holdTimeSec: 90,
  keepaliveTimeSec: 30,
  connectTimeSec: 5,
  ...extra,
});

describe('bgp security: passive side (MD5 key on our listening socket) over loopback', function () {
  this.timeout(60_000);
  let listening: BgpSpeaker | undefined;
  let dialling: BgpSpeaker | undefined;

  beforeEach(function () {
    if (process.platform !== 'linux') this.skip();
  });
  afterEach(async () => {
    await dialling?.stop();
    await listening?.stop();
  });

  /** A passive speaker (router role) with our key for 127.0.0.1; a key added after listen() counts too. */
  async function listener(addPeerFirst: boolean): Promise<number> {
    listening = new BgpSpeaker({ routerId: '192.0.2.1', listen: { address: '127.0.0.1', port: 0 } });
    const passive = peer({ name: 'dialler', mode: 'passive', password: KEY });
    if (addPeerFirst) listening.addPeer(passive);
    const { port } = await listening.listen();
    if (!addPeerFirst) listening.addPeer(passive);
    return port;
  }

  function dial(port: number, password: string | undefined): BgpSpeaker {
    dialling = new BgpSpeaker({
      routerId: '192.0.2.2',
      backoff: { initialMs: 100, maxMs: 500, jitter: 0.1 },
    });
    dialling.addPeer(
      peer({
        name: 'listener',
        peerAsn: 64501,
        myAsn: 64500,
        peerPort: port,
        ...(password ? { password } : {}),
      }),
    );
    return dialling;
  }

  for (const order of ['before', 'after'] as const) {
    it(`accepts a session signed with the key set ${order} listen()`, async () => {
      const port = await listener(order === 'before');
      const d = dial(port, KEY);
      await waitFor(
        'Established on both sides',
        () =>
          d.peer('listener').state === 'Established' && listening!.peer('dialler').state === 'Established',
      );
    });
  }

  it('the kernel drops a wrongly signed connection before it reaches the speaker', async () => {
    const port = await listener(true);
    const before = tcpCounter('TCPMD5Failure');
    const d = dial(port, `${KEY}-wrong`);
    await waitFor('a bad-signature drop', () => tcpCounter('TCPMD5Failure') > before);
    expect(d.peer('listener').state).to.be.oneOf(['Idle', 'Connect', 'Active']);
    expect(listening!.peer('dialler').stats.establishedCount).to.equal(0);
  });
});
