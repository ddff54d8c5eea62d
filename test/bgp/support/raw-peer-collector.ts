import { BgpSpeaker } from '../../../src/bgp/index.js';
import { RawPeer } from './raw-peer.js';

export interface RawPeerCollector {
  /** The collector of the running test (a fresh one per test). */
  readonly speaker: BgpSpeaker;
  /** A raw peer connected over TCP to the collector, closed after the test. */
  connect(): Promise<RawPeer>;
}

/**
 * Registers mocha hooks that give each test of the calling `describe` a real collector-mode
 * speaker (AS 64501) listening on an ephemeral loopback port, and close its raw peers afterwards.
 */
export function useRawPeerCollector(): RawPeerCollector {
  let speaker: BgpSpeaker | undefined;
  let port = 0;
  const peers: RawPeer[] = [];

  beforeEach(async () => {
    speaker = new BgpSpeaker({
      routerId: '192.168.198.254',
      listen: { address: '127.0.0.1', port: 0 },
      collector: { localAsn: 64501 },
    });
    port = (await speaker.listen()).port;
  });

  afterEach(async () => {
    for (const p of peers.splice(0)) p.close();
    await speaker?.stop();
  });

  return {
    get speaker() {
      if (!speaker) throw new Error('the collector runs only inside a test');
      return speaker;
    },
    async connect() {
      const p = await RawPeer.connect(port);
      peers.push(p);
      return p;
    },
  };
}
