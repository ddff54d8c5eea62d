import { expect } from 'chai';
import { serviceHealthEvents } from '../../src/health/health-events.js';
import type { Transition } from '../../src/health/health-checker.js';
import { targetKey } from '../../src/health/targets.js';
import { ServiceEventRecorder } from '../../src/k8s/service-events.js';
import { silentLog } from '../../src/util/log.js';
import { startApiServer, requireApiServer, type ApiServer } from '../e2e/apiserver.js';
import { createObject } from '../e2e/kube-objects.js';
import { waitFor } from '../support/wait-for.js';
import { clientFor, lbService, serviceEvents, suffix } from './support.js';

/** Health transitions as Events on the Services, written to a real kube-apiserver. */
describe('k8s: health check transitions as Service Events (real kube-apiserver) @lab', function () {
  this.timeout(120_000);
  let api: ApiServer | undefined;

  before(async function () {
    requireApiServer(this);
    api = await startApiServer();
  });
  after(async () => api?.stop());

  it('a Warning NextHopUnhealthy with the last error, then a Normal NextHopHealthy, on every service of the target', async () => {
    const ns = `e2e-${suffix()}`;
    await createObject(api!, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createObject(api!, lbService(ns, 'web'));
    await createObject(api!, lbService(ns, 'api'));
    const recorder = new ServiceEventRecorder(await clientFor(api!, api!.admin), { instance: 'e2e' });
    const write = serviceHealthEvents(recorder, silentLog);
    const target = {
      key: targetKey('192.168.201.12', 10256),
      address: '192.168.201.12',
      port: 10256,
      services: [`${ns}/api`, `${ns}/web`],
    };
    const transition = (t: Omit<Transition, 'target'>): Transition => ({ target, ...t });
    // A first verdict of healthy is not news.
    write(transition({ from: 'unknown', to: 'healthy' }));
    write(transition({ from: 'healthy', to: 'unhealthy', lastError: 'ECONNREFUSED' }));
    await waitFor('the Warning on both services', async () =>
      (await Promise.all(['web', 'api'].map((n) => serviceEvents(api!, ns, n)))).every((e) => e.length === 1),
    );
    write(transition({ from: 'unhealthy', to: 'healthy', lastError: 'ECONNREFUSED' }));
    await waitFor('the Normal one after it', async () => (await serviceEvents(api!, ns, 'web')).length === 2);
    const events = await serviceEvents(api!, ns, 'web');
    expect(events.map((e) => [e.type, e.reason, e.reportingInstance])).to.deep.equal([
      ['Warning', 'NextHopUnhealthy', 'e2e'],
      ['Normal', 'NextHopHealthy', 'e2e'],
    ]);
    expect(events[0]!.note).to.equal(
      'next hop 192.168.201.12 fails its health check (192.168.201.12:10256/healthz: ECONNREFUSED); its path is withdrawn unless every next hop of the route fails',
    );
    expect(events[1]!.note).to.include('passes its health check again');
  });
});
