import { expect } from 'chai';
import { KubeController } from '../../src/k8s/controller.js';
import { KubeClusterSource, type ClusterUpdate } from '../../src/k8s/cluster-source.js';
import type { KubeClient } from '../../src/k8s/kube-client.js';
import { WRITES_IN_FLIGHT } from '../../src/k8s/in-flight.js';
import { OwnWrites } from '../../src/k8s/own-writes.js';
import { POOL_ANNOTATION, ServiceStatusWriter, type ServiceObject } from '../../src/k8s/status-writer.js';
import { ANNOUNCED_TO_ANNOTATION } from '../../src/k8s/route-annotations.js';
import { waitFor } from '../support/wait-for.js';
import { MemoryApi } from './memory-api.js';
import { endpointSlice, lbService, node, standInPlanner } from './support.js';

const SERVICES = 200;

/** The API with SERVICES LoadBalancer Services, each with a ready endpoint on node-a. */
function cluster(echoFirst = false): MemoryApi {
  const api = new MemoryApi({ echoFirst });
  api.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  api.add(node('node-a', '192.168.201.11'));
  for (let i = 0; i < SERVICES; i++) {
    api.add(lbService('default', `svc-${i}`));
    api.add(endpointSlice('default', `svc-${i}`, `svc-${i}-abc`, [`10.0.${i >> 8}.${i & 255}`]));
  }
  return api;
}

describe('k8s controller: the first status round', function () {
  this.timeout(60_000);
  let controller: KubeController | undefined;

  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
  });

  for (const echoFirst of [false, true]) {
    it(`writes every Service with its echoes planned together, not one plan per write (${echoFirst ? 'events before the answers' : 'answers first'})`, async () => {
      const api = cluster(echoFirst);
      const plan = standInPlanner();
      // The engine plans every update the source sends (src/app/engine/kube-adapter.ts), and the
      // controller the latest one per round: updates count the plans.
      let plans = 0;
      let latest: ClusterUpdate | undefined;
      const errors: Error[] = [];
      controller = new KubeController(api as unknown as KubeClient, {
        decide: plan,
        onError: (err) => errors.push(err),
        onUpdate: (update) => {
          plans++;
          latest = update;
        },
        routeAnnotations: true,
        source: { metallbNamespace: null, coalesceMs: 0 },
      });
      await controller.start();

      // The round is over once every Service's status, annotations and two Events are written, and
      // the controller's view (the snapshot it plans) shows every status as written.
      await waitFor(
        'every Service written and seen written',
        () =>
          Array.from({ length: SERVICES }, (_, i) => `svc-${i}`).every((name) => {
            const md = api.service('default', name)?.metadata as { annotations?: Record<string, string> };
            return md.annotations?.[POOL_ANNOTATION] && md.annotations[ANNOUNCED_TO_ANNOTATION];
          }) &&
          api.log.filter((w) => w.includes(' event ')).length === 2 * SERVICES &&
          latest?.snapshot.services.every((s) => s.statusIngress.length === 1),
      );
      expect(errors).to.deep.equal([]);
      // Two writes of each Service (status; pool and route annotations) came back on the watch;
      // planned one by one they were 2 * SERVICES plans. Ours: the first plan, the one for
      // the echoes held back until the round's end, and at most one each for echoes arriving after
      // that end and for the round the latter starts (which writes nothing).
      expect(plans).to.be.at.most(4);
      // Status, one patch of the pool and route annotations, two Events.
      expect(api.writes).to.equal(4 * SERVICES);
      // Every status was written over the watch's copy of its Service, none read again.
      expect(api.reads).to.equal(0);
    });
  }

  it('writes in parallel, never two writes to one Service at once, status and annotations before its Events', async () => {
    const api = cluster();
    controller = new KubeController(api as unknown as KubeClient, {
      decide: standInPlanner(),
      onError: (err) => expect.fail(err.message),
      routeAnnotations: true,
      source: { metallbNamespace: null, coalesceMs: 0 },
    });
    await controller.start();
    await waitFor('every write answered', () => api.writes === 4 * SERVICES);

    expect(api.maxInFlight).to.be.within(2, WRITES_IN_FLIGHT);
    expect(api.maxInFlightPerService).to.equal(1);
    for (let i = 0; i < SERVICES; i++) {
      const mine = api.log
        .filter((w) => w.startsWith(`default/svc-${i} `))
        .map((w) => w.split(' ').slice(1).join(' '));
      // status, the pool and route annotations in one patch, the two Events in the order decided.
      expect(mine, `svc-${i}`).to.deep.equal([
        'status',
        'annotations',
        'event IPAllocated',
        'event AdvertisementChanged',
      ]);
    }
  });
});

describe('k8s status writer over a cached copy', () => {
  it('writes over the copy it is given, and over a fresh read after a 409 when the copy is stale', async () => {
    const api = new MemoryApi();
    api.add(lbService('default', 'a'));
    const stale = api.service('default', 'a') as unknown as ServiceObject;
    await api.request('PATCH', '/api/v1/namespaces/default/services/a', {
      body: { metadata: { annotations: { 'example.com/note': 'theirs' } } },
    });
    const writer = new ServiceStatusWriter(api as unknown as KubeClient, {}, new OwnWrites(), () => stale);
    const result = await writer.write('default', 'a', { ips: ['192.168.197.9'], pools: ['default'] });
    expect(result).to.deep.equal({ service: 'default/a', status: 'set', annotation: 'set', conflicts: 1 });
    expect(api.reads).to.equal(1);
    const written = api.service('default', 'a') as unknown as ServiceObject;
    expect(written.status?.loadBalancer?.ingress).to.deep.equal([{ ip: '192.168.197.9', ipMode: 'VIP' }]);
    expect(written.metadata.annotations).to.deep.equal({
      'example.com/note': 'theirs',
      [POOL_ANNOTATION]: 'default',
    });
  });
});

describe('k8s cluster source: echoes of our own writes', () => {
  const annotate = (api: MemoryApi, name: string, value: string) =>
    api.request('PATCH', `/api/v1/namespaces/default/services/${name}`, {
      body: { metadata: { annotations: { 'example.com/note': value } } },
    });

  async function started(api: MemoryApi, holding: () => boolean) {
    const own = new OwnWrites();
    const updates: ClusterUpdate[] = [];
    const source = new KubeClusterSource(api as unknown as KubeClient, {
      onUpdate: (u) => updates.push(u),
      onError: (err) => expect.fail(err.message),
      metallbNamespace: null,
      coalesceMs: 0,
      ownWrites: own,
      holdEchoes: holding,
    });
    await source.start();
    return { own, source, updates };
  }

  for (const echoFirst of [false, true]) {
    it(`holds an echo until released, then sends it as no changed Service (${echoFirst ? 'event before the answer' : 'answer first'})`, async () => {
      const api = new MemoryApi({ echoFirst });
      api.add(lbService('default', 'a'));
      let holding = true;
      const { own, source, updates } = await started(api, () => holding);
      try {
        await own.write('default/a', () => annotate(api, 'a', 'ours'));
        // Turns for a later event to come and be (wrongly) sent.
        for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
        expect(updates).to.have.length(0);
        holding = false;
        source.releaseEchoes();
        const u = await waitFor('the released update', () => updates[0]);
        expect([...(u.changedServices ?? [])]).to.deep.equal([]);
        expect(u.snapshot.services[0]?.annotations['example.com/note']).to.equal('ours');
      } finally {
        await source.stop();
      }
    });
  }

  it('sends nothing when an absent MetalLB CRD is listed again and still absent', async () => {
    const api = new MemoryApi();
    api.add(lbService('default', 'a'));
    const updates: ClusterUpdate[] = [];
    const source = new KubeClusterSource(api as unknown as KubeClient, {
      onUpdate: (u) => updates.push(u),
      onError: (err) => expect.fail(err.message),
      coalesceMs: 0,
      backoff: { initialMs: 1, maxMs: 5, jitter: 0 },
    });
    try {
      await source.start();
      const crds = source.reflectors.filter((r) => r.resource.optional === true);
      expect(crds).to.have.length.greaterThan(0);
      await waitFor('every CRD listed three times', () => crds.every((r) => r.lists >= 3 && !r.present));
      expect(updates).to.have.length(0);
    } finally {
      await source.stop();
    }
  });

  it("sends another writer's change at once, though it came while our write was in flight", async () => {
    const api = new MemoryApi({ echoFirst: true });
    api.add(lbService('default', 'a'));
    const { own, source, updates } = await started(api, () => true);
    try {
      // Ours is in flight (its answer a turn away) when the other writer's lands.
      await Promise.all([
        own.write('default/a', () => annotate(api, 'a', 'ours')),
        annotate(api, 'a', 'theirs'),
      ]);
      const u = await waitFor('an update while holding', () => updates[0]);
      expect([...(u.changedServices ?? [])]).to.deep.equal(['default/a']);
      expect(u.snapshot.services[0]?.annotations['example.com/note']).to.equal('theirs');
    } finally {
      await source.stop();
    }
  });
});

describe('k8s OwnWrites', () => {
  const at = (v: string) => ({ metadata: { resourceVersion: v } });

  it('knows the watch event of a version we wrote once, and no other', async () => {
    const own = new OwnWrites();
    await own.write('default/a', () => Promise.resolve(at('7')));
    await own.write('default/a', () => Promise.resolve(at('9')));
    expect(own.isEcho('default/b', at('7'))).to.equal(false);
    expect(own.isEcho('default/a', at('8'))).to.equal(false);
    expect(own.isEcho('default/a', at('7'))).to.equal(true);
    expect(own.isEcho('default/a', at('7'))).to.equal(false);
    expect(own.isEcho('default/a', {})).to.equal(false);
    own.forget('default/a');
    expect(own.isEcho('default/a', at('9'))).to.equal(false);
    await own.write('default/c', () => Promise.resolve(at('11')));
    own.forget();
    expect(own.isEcho('default/c', at('11'))).to.equal(false);
  });

  it('says a write is in flight until it is answered or fails, and tells the source either way', async () => {
    const own = new OwnWrites();
    const settled: string[] = [];
    own.settled = (key) => settled.push(key);
    let answer: (v: unknown) => void = () => {};
    const pending = own.write('default/a', () => new Promise((resolve) => (answer = resolve)));
    expect(own.writing('default/a')).to.equal(true);
    answer(at('3'));
    await pending;
    expect(own.writing('default/a')).to.equal(false);
    const failed = own.write('default/b', () => Promise.reject(new Error('409')));
    await failed.then(
      () => expect.fail('no error'),
      (err: Error) => expect(err.message).to.equal('409'),
    );
    expect(own.writing('default/b')).to.equal(false);
    expect(settled).to.deep.equal(['default/a', 'default/b']);
  });
});
