import { expect } from 'chai';
import { BgpSpeaker } from '../../src/bgp/index.js';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { SpeakerAnnouncer } from '../../src/app/engine/speaker-announcer.js';
import type { SessionStatus } from '../../src/sync/run-status.js';
import type { PlannedRoute } from '../../src/sync/plan-types.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { waitFor } from '../support/wait-for.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

/** The engine's view of a peer with path slot sessions: one status per session, under its peer. */
describe('SpeakerAnnouncer and metrics: path slot sessions', function () {
  let collector: BgpSpeaker | undefined;
  let speaker: BgpSpeaker | undefined;

  afterEach(async () => {
    await speaker?.stop();
    await collector?.stop();
  });

  it('reports each slot session under its peer; a resend ends with the path back on every slot', async () => {
    collector = new BgpSpeaker({
      routerId: '192.168.198.254',
      listen: { address: '127.0.0.1', port: 0 },
      collector: { localAsn: 64501 },
    });
    const { port } = await collector.listen();
    speaker = new BgpSpeaker({ routerId: '192.168.201.2', batchWindowMs: 5, addPath: false });
    const peer = labRouterPeer({
      peerAddress: '127.0.0.1',
      peerPort: port,
      connectTimeSec: 1,
      sourceAddresses: ['127.0.0.2', '127.0.0.3'],
    });
    const announcer = new SpeakerAnnouncer(speaker, [peer], silentLogger());
    const changes: SessionStatus[] = [];
    announcer.onSessionChange((s) => changes.push(s));
    announcer.start();
    await waitFor('both slot sessions', () => announcer.sessions().every((s) => s.established));
    expect(announcer.sessions().map((s) => [s.peer, s.session, s.established])).to.deep.equal([
      ['router', 'router#0', true],
      ['router', 'router#1', true],
    ]);
    expect(changes.filter((c) => c.established).map((c) => c.session)).to.have.members([
      'router#0',
      'router#1',
    ]);

    const r: PlannedRoute = {
      prefix: routePrefixOf('192.168.197.1/32'),
      family: 4,
      nextHops: nextHopsOf(['192.168.201.11', '192.168.201.12']),
      communities: [],
      largeCommunities: [],
      services: ['default/svc'],
    };
    announcer.setRoutes('router', [r]);
    const at = (session: string) => collector!.receivedRoutes(session).map((x) => x.nextHop);
    await waitFor(
      'one path per slot',
      () => at('dynamic-127.0.0.2').length + at('dynamic-127.0.0.3').length === 2,
    );
    // A resend takes the prefix out and puts it back when one of the peer's sessions has sent.
    announcer.resend('router', [r.prefix.text]);
    await waitFor('the path back on both slots', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return at('dynamic-127.0.0.2').length + at('dynamic-127.0.0.3').length === 2;
    });

    const metrics = new Metrics();
    metrics.setSessions(announcer.sessions());
    const text = await metrics.text();
    expect(text).to.include('crs_bgp_session_up{peer="router#0"} 1');
    expect(text).to.include('crs_bgp_session_up{peer="router#1"} 1');
  });

  it('metrics: slot sessions sharing the router address:port are up only while all are, prefixes summed', async () => {
    const metrics = new Metrics();
    const session = (slot: number, established: boolean, announcedPrefixes: number): SessionStatus => ({
      peer: 'core',
      session: `core#${slot}`,
      peerAddress: '192.168.200.1',
      peerPort: 179,
      state: established ? 'Established' : 'Active',
      established,
      announcedPrefixes,
    });
    metrics.setSessions([session(0, true, 3), session(1, true, 2)]);
    let text = await metrics.text();
    expect(text).to.match(/metallb_bgp_session_up\{peer="192\.168\.200\.1:179"\} 1/);
    expect(text).to.match(/metallb_bgp_announced_prefixes_total\{peer="192\.168\.200\.1:179"\} 5/);
    metrics.setSessions([session(0, true, 3), session(1, false, 0)]);
    text = await metrics.text();
    expect(text).to.match(/metallb_bgp_session_up\{peer="192\.168\.200\.1:179"\} 0/);
    expect(text).to.include('crs_bgp_session_state{peer="core#1",state="Active"} 1');
  });
});
