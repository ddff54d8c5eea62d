import { expect } from 'chai';
import { Planner, planCluster } from '../../src/sync/planner/index.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { config, node, peer, pool, service, slice, snapshot } from './builders.js';
import { nextHopsOf, routeAddressOf } from '../support/routes.js';

const cfg = config([pool('p', ['10.0.0.0/24'])], [peer('192.168.200.1', { name: 'edge' })]);
const base: ClusterSnapshot = snapshot({
  nodes: [node('n1', ['192.168.201.11']), node('n2', ['192.168.201.12'])],
  services: [
    service('a', { externalTrafficPolicy: 'Local', creationTimestamp: '2026-01-01T00:00:00Z' }),
    service('b', { creationTimestamp: '2026-01-02T00:00:00Z' }),
  ],
  endpointSlices: [slice('a', ['n1']), slice('b', ['n2'])],
});

describe('planner: the incremental Planner', () => {
  it('re-plans an EndpointSlice change exactly as planning the new snapshot from scratch', () => {
    const planner = new Planner(cfg, base);
    const moved = slice('a', ['n2']);
    planner.update({ endpointSlices: { upsert: [moved] } });
    const expected = planCluster(cfg, { ...base, endpointSlices: [moved, slice('b', ['n2'])] });
    expect(planner.plan()).to.deep.equal(expected);
    expect(expected.peers[0]?.routes[0]?.nextHops).to.deep.equal(nextHopsOf(['192.168.201.12']));
  });

  it('re-plans node, service and slice removals as from scratch', () => {
    const planner = new Planner(cfg, base);
    planner.update({
      nodes: { remove: ['n2'] },
      services: { remove: [{ namespace: 'default', name: 'a' }] },
    });
    planner.update({ endpointSlices: { remove: [{ namespace: 'default', name: 'a-IPv4' }] } });
    const expected = planCluster(cfg, {
      ...base,
      nodes: [node('n1', ['192.168.201.11'])],
      services: [base.services[1]!],
      endpointSlices: [slice('b', ['n2'])],
    });
    expect(planner.plan()).to.deep.equal(expected);
  });

  it('never changes a plan it already handed out', () => {
    const planner = new Planner(cfg, base);
    const first = planner.plan();
    const copy = structuredClone(first);
    planner.update({
      endpointSlices: { upsert: [slice('a', ['n2'])] },
      nodes: { upsert: [node('n3', ['192.168.201.13'])] },
    });
    planner.update({ services: { upsert: [service('c')] } });
    expect(planner.plan()).to.not.deep.equal(copy);
    expect(first).to.deep.equal(copy);
  });

  it('hands out frozen shared next-hop arrays, so a consumer cannot corrupt later plans', () => {
    const route = new Planner(cfg, base).plan().peers[0]?.routes.find((r) => r.services[0] === 'default/b');
    expect(Object.isFrozen(route?.nextHops)).to.equal(true);
    expect(() => route?.nextHops.push(routeAddressOf('192.0.2.1'))).to.throw(TypeError);
  });

  describe('service changes without a whole allocation pass', () => {
    const small = config([pool('p', ['10.0.0.0/29'])], [peer('192.168.200.1', { name: 'edge' })]);
    const at = (day: number) => `2026-01-0${day}T00:00:00Z`;
    const shared = (key: string) => ({ 'metallb.universe.tf/allow-shared-ip': key });
    const port = (n: number) => [{ protocol: 'TCP' as const, port: n }];

    function expectAsFromScratch(planner: Planner, services: ReturnType<typeof service>[]): void {
      expect(planner.plan()).to.deep.equal(planCluster(small, snapshot({ services })));
    }

    it('gives a new service the lowest free address and moves no one', () => {
      const old = [
        service('a', { creationTimestamp: at(1), statusIngress: ['10.0.0.0'] }),
        service('b', { creationTimestamp: at(2), statusIngress: ['10.0.0.2'] }),
      ];
      const planner = new Planner(small, snapshot({ services: old }));
      const before = planner.plan().allocations;
      const added = service('c', { creationTimestamp: at(3) });
      planner.update({ services: { upsert: [added] } });
      expectAsFromScratch(planner, [...old, added]);
      const after = planner.plan().allocations;
      expect(after.find((a) => a.service === 'default/c')?.ips).to.deep.equal(['10.0.0.1']);
      // Unchanged allocations keep their objects, so consumers diff plans by identity.
      expect(after[0]).to.equal(before[0]);
      expect(after[1]).to.equal(before[1]);
    });

    it('lets a service waiting for an address share one whose holder just took its sharing key', () => {
      const x = service('x', { creationTimestamp: at(1), statusIngress: ['10.0.0.0'], ports: port(443) });
      const d = service('d', { creationTimestamp: at(2), annotations: shared('k1'), ports: port(80) });
      const planner = new Planner(small, snapshot({ services: [x, d] }));
      expect(planner.plan().allocations.find((a) => a.service === 'default/d')?.ips).to.deep.equal([
        '10.0.0.1',
      ]);
      const keyed = { ...x, annotations: shared('k1') };
      planner.update({ services: { upsert: [keyed] } });
      expectAsFromScratch(planner, [keyed, d]);
      expect(planner.plan().allocations.find((a) => a.service === 'default/d')?.ips).to.deep.equal([
        '10.0.0.0',
      ]);
    });

    it("re-explains a refused request when a new service joins the requested address's holders", () => {
      const w = service('w', {
        creationTimestamp: at(1),
        statusIngress: ['10.0.0.0'],
        annotations: shared('k1'),
        ports: port(80),
      });
      const d = service('d', { creationTimestamp: at(2), loadBalancerIP: '10.0.0.0' });
      const planner = new Planner(small, snapshot({ services: [w, d] }));
      const refused = () =>
        planner.plan().allocations.find((a) => a.service === 'default/d')?.failure?.message;
      expect(refused()).to.equal('10.0.0.0 is already in use by default/w');
      // Sorted before w among the holders, so the message now names it.
      const joining = service('a-x', {
        creationTimestamp: at(3),
        annotations: shared('k1'),
        ports: port(443),
      });
      planner.update({ services: { upsert: [joining] } });
      expectAsFromScratch(planner, [w, d, joining]);
      expect(refused()).to.equal('10.0.0.0 is already in use by default/a-x');
    });
  });
});
