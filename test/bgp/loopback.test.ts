import { expect } from 'chai';
import { BgpSpeaker, type DesiredRoute, type ReceivedRoute } from '../../src/bgp/index.js';
import { waitFor } from '../support/wait-for.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { communitiesOf, nextHopsOf, routePrefixOf } from '../support/routes.js';

const route = (prefix: string, nextHops: string[], extra: Partial<DesiredRoute> = {}): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
  ...extra,
});

const seedRoutes = [
  route('192.168.197.0/32', ['192.168.201.11']),
  route('192.168.197.1/32', ['192.168.201.12']),
  route('192.168.197.254/32', ['192.168.201.12']),
];

function summary(routes: ReceivedRoute[]): string[] {
  return routes
    .map((r) => `${r.prefix} ${r.nextHop} [${r.asPath.join(' ')}] ${r.communities.join(',')}`)
    .sort();
}

describe('speaker <-> collector over loopback', function () {
  let collector: BgpSpeaker;
  let speaker: BgpSpeaker;
  let collectorPort = 0;

  afterEach(async () => {
    await speaker?.stop();
    await collector?.stop();
  });

  async function startCollector(port = 0): Promise<number> {
    collector = new BgpSpeaker({
      routerId: '192.168.198.254',
      listen: { address: '127.0.0.1', port },
      collector: { localAsn: 64501 },
    });
    collectorPort = (await collector.listen()).port;
    return collectorPort;
  }

  async function start(opts: { addPath?: boolean; onWarning?: (m: string) => void } = {}) {
    const port = await startCollector();
    speaker = new BgpSpeaker({
      routerId: '192.168.201.2',
      addPath: opts.addPath ?? true,
      batchWindowMs: 5,
      backoff: { initialMs: 50, maxMs: 200, jitter: 0.1 },
    });
    if (opts.onWarning) speaker.on('warning', (w) => opts.onWarning!(w.message));
    const established = new Promise((resolve) => speaker.on('established', resolve));
    speaker.addPeer(labRouterPeer({ peerAddress: '127.0.0.1', peerPort: port, connectTimeSec: 5 }));
    return established;
  }

  const received = () => collector.receivedRoutes('dynamic-127.0.0.1');

  it('reaches Established and delivers the seed routes with ADD-PATH ECMP, then withdraws', async () => {
    const est = await start();
    expect(est).to.include({ peer: 'router', peerAsn: 64501, peerRouterId: '192.168.198.254' });
    expect(speaker.peer('router')).to.include({ state: 'Established' });
    expect(speaker.peer('router').ecmp).to.deep.equal({ 4: true, 6: true });

    speaker.setRoutes('router', [
      ...seedRoutes,
      route('192.168.197.2/32', ['192.168.201.11', '192.168.201.12'], {
        communities: communitiesOf(['64500:1']),
      }),
      route('2001:db8::1/128', ['fd00:201::11']),
    ]);
    await waitFor('5 routes (6 paths) at the collector', () => received().length === 6);
    expect(summary(received())).to.deep.equal([
      '192.168.197.0/32 192.168.201.11 [64500] ',
      '192.168.197.1/32 192.168.201.12 [64500] ',
      '192.168.197.2/32 192.168.201.11 [64500] 64500:1',
      '192.168.197.2/32 192.168.201.12 [64500] 64500:1',
      '192.168.197.254/32 192.168.201.12 [64500] ',
      '2001:db8::1/128 fd00:201::11 [64500] ',
    ]);
    expect(
      new Set(
        received()
          .filter((r) => r.prefix === '192.168.197.2/32')
          .map((r) => r.pathId),
      ).size,
    ).to.equal(2);

    speaker.setRoutes('router', [...seedRoutes, route('192.168.197.2/32', ['192.168.201.12'])]);
    await waitFor('the .11 path of 192.168.197.2 to go', () => received().length === 4);
    expect(summary(received())).to.include('192.168.197.2/32 192.168.201.12 [64500] ');
    expect(speaker.stats().pathsAdvertised).to.equal(4);
  });

  it('without ADD-PATH sends one next hop per prefix and reports ECMP unavailable', async () => {
    const warnings: string[] = [];
    await start({ addPath: false, onWarning: (m) => warnings.push(m) });
    expect(warnings.join('\n')).to.match(/no ECMP/);
    expect(speaker.peer('router').ecmp).to.deep.equal({ 4: false, 6: false });
    speaker.setRoutes('router', [route('192.168.197.2/32', ['192.168.201.11', '192.168.201.12'])]);
    await waitFor('one path', () => received().length === 1);
    expect(received()[0]!.pathId).to.equal(0);
  });

  it('withdraws everything and sends Cease/Administrative Shutdown with the message on stop', async () => {
    await start();
    speaker.setRoutes('router', seedRoutes);
    await waitFor('3 routes', () => received().length === 3);
    const notified = new Promise<{ code: number; subcode: number; shutdownCommunication?: string }>(
      (resolve) => collector.on('notification', (n) => n.direction === 'received' && resolve(n)),
    );
    const withdrawnSeen: number[] = [];
    collector.on('routes-received', (c) => withdrawnSeen.push(c.withdrawn.length));
    await speaker.stop({ withdraw: true, message: 'maintenance' });
    expect(await notified).to.deep.include({ code: 6, subcode: 2, shutdownCommunication: 'maintenance' });
    expect(withdrawnSeen.reduce((a, b) => a + b, 0)).to.equal(3);
  });

  it('reconnects with back-off after the router goes away and resends its routes', async () => {
    await start();
    speaker.setRoutes('router', seedRoutes);
    await waitFor('3 routes', () => received().length === 3);
    const states: string[] = [];
    speaker.on('state', (s) => states.push(s.to));
    await collector.stop();
    await waitFor('the speaker to notice', () => speaker.peer('router').state !== 'Established');
    await startCollector(collectorPort);
    await waitFor('3 routes again', () => received().length === 3);
    expect(states[0]).to.equal('Idle');
    expect(states).to.include('Established');
    expect(speaker.peer('router').stats.establishedCount).to.equal(2);
  });
});
