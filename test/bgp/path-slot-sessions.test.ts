import { expect } from 'chai';
import {
  BgpSpeaker,
  type DesiredRoute,
  type ReceivedRoute,
  type SpeakerOptions,
} from '../../src/bgp/index.js';
import { waitFor } from '../support/wait-for.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

/**
 * Path slot sessions over loopback: a collector stands for the router, our speaker opens one
 * session per source address (127.0.0.2, 127.0.0.3). Speaker option addPath: false stands for a
 * router without ADD-PATH receive.
 */

const route = (prefix: string, nextHops: string[]): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
});

const SLOT0 = 'dynamic-127.0.0.2';
const SLOT1 = 'dynamic-127.0.0.3';

describe('speaker: one session per source address (ECMP path slots)', function () {
  let collector: BgpSpeaker;
  let speaker: BgpSpeaker;
  const lines: string[] = [];

  afterEach(async () => {
    await speaker?.stop();
    await collector?.stop();
    lines.length = 0;
  });

  const ignore = (): void => undefined;
  const logger: NonNullable<SpeakerOptions['logger']> = {
    info: (_o: object, msg: string) => void lines.push(msg),
    warn: ignore,
    error: ignore,
    debug: ignore,
  };

  async function start(addPath: boolean): Promise<void> {
    collector = new BgpSpeaker({
      routerId: '192.168.198.254',
      listen: { address: '127.0.0.1', port: 0 },
      collector: { localAsn: 64501 },
    });
    const port = (await collector.listen()).port;
    speaker = new BgpSpeaker({
      routerId: '192.168.201.2',
      addPath,
      batchWindowMs: 5,
      families: [4],
      logger,
      backoff: { initialMs: 50, maxMs: 200, jitter: 0.1 },
    });
    speaker.addPeer(
      labRouterPeer({
        peerAddress: '127.0.0.1',
        peerPort: port,
        connectTimeSec: 5,
        sourceAddresses: ['127.0.0.2', '127.0.0.3'],
      }),
    );
    await waitFor('both slot sessions', () =>
      speaker.peers().every((p) => p.state === 'Established') ? true : undefined,
    );
  }

  /** What the collector holds from one slot session (none yet before it first connects). */
  const at = (session: string): string[] => {
    if (!collector.peers().some((p) => p.name === session)) return [];
    return collector
      .receivedRoutes(session)
      .map((r: ReceivedRoute) => `${r.prefix} ${r.nextHop}`)
      .sort();
  };

  it('names the slot sessions <peer>#<slot> and reports them per peer', async () => {
    await start(false);
    expect(speaker.peers().map((p) => [p.name, p.peer, p.slot, p.sourceAddress])).to.deep.equal([
      ['router#0', 'router', 0, '127.0.0.2'],
      ['router#1', 'router', 1, '127.0.0.3'],
    ]);
    const status = speaker.pathSlots('router');
    expect(status.sessions.map((s) => [s.name, s.state, s.addPath])).to.deep.equal([
      ['router#0', 'Established', { 4: false }],
      ['router#1', 'Established', { 4: false }],
    ]);
    expect(status.pathCapacity).to.deep.equal({ 4: 2 });
    expect(speaker.peerOf('router#1')).to.equal('router');
    expect(lines.filter((l) => /path slot/.test(l))).to.have.length(1);
  });

  it('without ADD-PATH spreads next hops over the slots; a move keeps the unchanged path', async () => {
    await start(false);
    speaker.setRoutes('router', [
      route('192.168.197.1/32', ['192.168.201.12', '192.168.201.11']),
      route('192.168.197.2/32', ['192.168.201.12']),
      route('192.168.197.3/32', ['192.168.201.11', '192.168.201.12', '192.168.201.13']),
    ]);
    await waitFor('slot 1 paths', () => at(SLOT1).length === 2);
    await waitFor('slot 0 paths', () => at(SLOT0).length === 3);
    expect(at(SLOT0)).to.deep.equal([
      '192.168.197.1/32 192.168.201.11',
      '192.168.197.2/32 192.168.201.12',
      '192.168.197.3/32 192.168.201.11',
    ]);
    expect(at(SLOT1)).to.deep.equal(['192.168.197.1/32 192.168.201.12', '192.168.197.3/32 192.168.201.12']);
    expect(speaker.pathSlots('router').uncarried).to.deep.equal(
      new Map([['192.168.197.3/32', ['192.168.201.13']]]),
    );

    // The endpoint on node .11 moves to node .13: slot 1 (.12) must not hear of it at all.
    const slot1Before = { ...speaker.peer('router#1').stats };
    speaker.updateRoutes('router', {
      upsert: [route('192.168.197.1/32', ['192.168.201.12', '192.168.201.13'])],
      remove: [],
    });
    await waitFor('the move on slot 0', () => at(SLOT0).includes('192.168.197.1/32 192.168.201.13'));
    expect(at(SLOT1)).to.deep.equal(['192.168.197.1/32 192.168.201.12', '192.168.197.3/32 192.168.201.12']);
    const slot1After = speaker.peer('router#1').stats;
    expect(slot1After.updatesSent).to.equal(slot1Before.updatesSent);
    expect(slot1After.prefixesWithdrawn).to.equal(0);
    expect(speaker.peer('router#0').stats.prefixesWithdrawn).to.equal(0);
  });

  it('with ADD-PATH the first slot session carries every path and the others none', async () => {
    await start(true);
    speaker.setRoutes('router', [route('192.168.197.1/32', ['192.168.201.12', '192.168.201.11'])]);
    await waitFor('both paths on slot 0', () => at(SLOT0).length === 2);
    expect(at(SLOT1)).to.deep.equal([]);
    expect(speaker.peer('router#1').stats.pathsAdvertised).to.equal(0);
    expect(speaker.pathSlots('router').pathCapacity).to.deep.equal({ 4: 'all' });
    expect(lines.filter((l) => /takes ADD-PATH/.test(l))).to.deep.equal([
      'BGP router: the router takes ADD-PATH on router#0, which carries every path; the other 1 slot session(s) are not needed and carry none',
    ]);
  });

  it('moves a lost slot’s next hop to a free slot, and keeps it there when the slot is back', async () => {
    await start(false);
    speaker.setRoutes('router', [route('192.168.197.1/32', ['192.168.201.11', '192.168.201.12'])]);
    await waitFor('one path per slot', () => at(SLOT0).length === 1 && at(SLOT1).length === 1);
    // The endpoint on node .11 goes: .12 stays in slot 1.
    speaker.setRoutes('router', [route('192.168.197.1/32', ['192.168.201.12'])]);
    await waitFor('slot 0 empty', () => at(SLOT0).length === 0);
    expect(at(SLOT1)).to.deep.equal(['192.168.197.1/32 192.168.201.12']);
    const established = speaker.peer('router#1').stats.establishedCount;

    // The router drops the slot 1 session: its next hop moves to slot 0 meanwhile.
    await collector.removePeer(SLOT1);
    await waitFor('the next hop on slot 0', () => at(SLOT0).includes('192.168.197.1/32 192.168.201.12'));
    await waitFor('slot 1 back', () => speaker.peer('router#1').stats.establishedCount > established);
    await waitFor('slot 1 Established', () => speaker.peer('router#1').state === 'Established');
    expect(speaker.pathSlots('router').pathCapacity).to.deep.equal({ 4: 2 });
    expect(at(SLOT0)).to.deep.equal(['192.168.197.1/32 192.168.201.12']);
    expect(at(SLOT1)).to.deep.equal([]);
    expect(speaker.peer('router#1').stats.pathsAdvertised).to.equal(0);
  });

  it('removes every slot session with the peer', async () => {
    await start(false);
    await speaker.removePeer('router');
    expect(speaker.peers()).to.deep.equal([]);
    expect(() => speaker.pathSlots('router')).to.throw(/no BGP peer named 'router'/);
  });

  it('refuses source addresses of the other family or listed twice', () => {
    speaker = new BgpSpeaker({ routerId: '192.168.201.2' });
    expect(() => speaker.addPeer(labRouterPeer({ sourceAddresses: ['192.168.201.2', 'fd00::2'] }))).to.throw(
      /sourceAddresses\[1\]: 'fd00::2' is not an address of the peer's family/,
    );
    expect(() =>
      speaker.addPeer(labRouterPeer({ sourceAddresses: ['192.168.201.2', '192.168.201.2'] })),
    ).to.throw(/sourceAddresses\[1\]: '192.168.201.2' is listed twice/);
  });
});
