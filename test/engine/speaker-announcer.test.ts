import { expect } from 'chai';
import sinon from 'sinon';
import { BgpSpeaker } from '../../src/bgp/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { PlannedRoute } from '../../src/sync/plan-types.js';
import { SpeakerAnnouncer } from '../../src/app/engine/speaker-announcer.js';
import { incrementalPlanner } from '../../src/sync/planner/snapshot-delta.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { config, numberedServices, peer, pool, service, slice } from '../sync/builders.js';
import { labRouterPeer } from '../lab/speaker-peer.js';
import { waitFor } from '../support/wait-for.js';
import { routeAddressOf, routePrefixOf } from '../support/routes.js';

const route = (i: number, hop: string): PlannedRoute => ({
  prefix: routePrefixOf(`192.168.197.${i}/32`),
  family: 4,
  nextHops: [routeAddressOf(hop)],
  communities: [],
  largeCommunities: [],
  services: [`default/svc-${i}`],
});

describe('SpeakerAnnouncer', function () {
  let collector: BgpSpeaker | undefined;
  let speaker: BgpSpeaker | undefined;

  /** A collector on loopback standing in for the router, and our speaker's announcer towards it. */
  async function startAnnouncer(): Promise<SpeakerAnnouncer> {
    collector = new BgpSpeaker({
      routerId: '192.168.198.254',
      listen: { address: '127.0.0.1', port: 0 },
      collector: { localAsn: 64501 },
    });
    const { port } = await collector.listen();
    speaker = new BgpSpeaker({ routerId: '192.168.201.2', batchWindowMs: 5 });
    const peer = labRouterPeer({ peerAddress: '127.0.0.1', peerPort: port, connectTimeSec: 1 });
    return new SpeakerAnnouncer(speaker, [peer], silentLogger());
  }

  afterEach(async () => {
    sinon.restore();
    await speaker?.stop();
    await collector?.stop();
  });

  it('hands the speaker only the changed routes, and the router ends with the last set', async () => {
    const announcer = await startAnnouncer();
    const whole = sinon.spy(speaker!, 'setRoutes');
    const delta = sinon.spy(speaker!, 'updateRoutes');
    announcer.start();

    const table = () =>
      collector!
        .receivedRoutes('dynamic-127.0.0.1')
        .map((r) => `${r.prefix} ${r.nextHop}`)
        .sort();
    const holds = (routes: PlannedRoute[]) =>
      waitFor('the router holds the routes', () => {
        const want = routes.map((r) => `${r.prefix} ${r.nextHops[0]}`).sort();
        return JSON.stringify(table()) === JSON.stringify(want);
      });

    const first = Array.from({ length: 100 }, (_, i) => route(i, '192.168.201.11'));
    announcer.setRoutes('router', first);
    expect(whole.callCount).to.equal(1);
    await holds(first);

    // One route moves node, one goes away, one arrives; the other objects are kept, as the planner does.
    const second = [...first];
    second[50] = route(50, '192.168.201.12');
    second.splice(60, 1);
    second.splice(70, 0, route(200, '192.168.201.12'));
    announcer.setRoutes('router', second);
    expect(whole.callCount).to.equal(1);
    expect(delta.callCount).to.equal(1);
    const [, change] = delta.firstCall.args;
    // The changed middle runs from the moved route to the end; unchanged objects in it are no-ops.
    expect(change.remove).to.deep.equal(['192.168.197.60/32']);
    expect(change.upsert.map((r) => r.prefix.text)).to.include.members([
      '192.168.197.50/32',
      '192.168.197.200/32',
    ]);
    expect(change.upsert).to.have.length(21);

    announcer.setRoutes('router', second);
    expect(delta.callCount, 'the same set again changes nothing').to.equal(1);

    await holds(second);
  });

  describe('routes handed to the speaker per change, at any number of services', () => {
    const cfg = config([pool('default', ['10.96.0.0/16'])], [peer('127.0.0.1', { name: 'router' })]);
    const cluster = (n: number, on: (i: number) => string): ClusterSnapshot =>
      numberedServices(n, ['n1', 'n2', 'n3'], on);

    for (const n of [300, 3000]) {
      it(`are the routes the planner changed, however far apart (${n} services)`, async () => {
        const announcer = await startAnnouncer();
        const whole = sinon.spy(speaker!, 'setRoutes');
        const delta = sinon.spy(speaker!, 'updateRoutes');
        announcer.start();
        const plan = incrementalPlanner(cfg);
        const base = cluster(n, (i) => `n${1 + ((i - 1) % 3)}`);
        announcer.setRoutes('router', plan(base).peers[0]!.routes);
        // A burst: the first and the last service move node and a new service comes; the engine
        // plans it as one change, after the controller planned an intermediate state.
        const moved = cluster(n, (i) => `n${1 + ((i === 1 || i === n ? i : i - 1) % 3)}`);
        plan({ ...moved, endpointSlices: base.endpointSlices });
        const burst = plan({
          ...moved,
          services: [...moved.services, service('new', { externalTrafficPolicy: 'Local' })],
          endpointSlices: [...moved.endpointSlices, slice('new', ['n2'])],
        });
        announcer.setRoutes('router', burst.peers[0]!.routes);
        expect(whole.callCount).to.equal(1);
        expect(delta.callCount).to.equal(1);
        const [, change] = delta.firstCall.args;
        expect(change.remove).to.deep.equal([]);
        expect(change.upsert.map((r) => r.prefix.text)).to.have.members([
          '10.96.0.1/32',
          `10.96.${n >> 8}.${n & 255}/32`,
          ...burst.allocations
            .filter((a) => a.service === 'default/new')
            .flatMap((a) => a.ips.map((ip) => `${ip}/32`)),
        ]);
      });
    }
  });

  it('takes route changes during a session restart and hands the latest set over when the peer is back', async () => {
    const announcer = await startAnnouncer();
    announcer.start();
    const first = [route(1, '192.168.201.11'), route(2, '192.168.201.11')];
    announcer.setRoutes('router', first);
    await waitFor('the session', () => speaker!.peer('router')?.state === 'Established');

    // A new plan arrives while the restart has removed the peer from the speaker: before the fix
    // this threw UnknownPeerError out of the engine and killed `run`.
    announcer.withdraw('router', ['192.168.197.99/32']);
    const second = [route(1, '192.168.201.12'), route(3, '192.168.201.12')];
    expect(() => announcer.setRoutes('router', second)).not.to.throw();
    expect(() => announcer.resend('router', ['192.168.197.3/32'])).not.to.throw();

    await waitFor('the router holds the latest set after the restart', () => {
      const held = collector!
        .receivedRoutes('dynamic-127.0.0.1')
        .map((r) => `${r.prefix} ${r.nextHop}`)
        .sort();
      return (
        JSON.stringify(held) ===
        JSON.stringify(['192.168.197.1/32 192.168.201.12', '192.168.197.3/32 192.168.201.12'])
      );
    });
  });
});
