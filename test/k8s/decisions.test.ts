import { expect } from 'chai';
import type { ServiceInfo } from '../../src/sync/cluster.js';
import type { PeerRoutes, ServiceAllocation } from '../../src/sync/plan-types.js';
import { DecisionEvents } from '../../src/k8s/service-events.js';
import { ServiceStatusWriter } from '../../src/k8s/status-writer.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

function service(name: string, type: ServiceInfo['type'] = 'LoadBalancer'): ServiceInfo {
  return {
    namespace: 'default',
    name,
    type,
    externalTrafficPolicy: 'Cluster',
    ipFamilies: [4],
    ipFamilyPolicy: 'SingleStack',
    selector: {},
    ports: [],
    labels: {},
    annotations: {},
    statusIngress: [],
  };
}

const route = (prefix: string, services: string[]): PeerRoutes => ({
  peer: 'router',
  peerAddress: '192.168.201.1',
  routes: [
    {
      prefix: routePrefixOf(prefix),
      family: 4,
      nextHops: nextHopsOf(['192.168.201.11']),
      communities: [],
      largeCommunities: [],
      services,
    },
  ],
});

describe('k8s decisions (pure parts)', () => {
  describe('DecisionEvents.decide', () => {
    const events = () => new DecisionEvents();
    const svcs = [service('a'), service('b')];
    const allocA: ServiceAllocation = { service: 'default/a', ips: ['192.168.197.0'], pools: ['default'] };
    const failB: ServiceAllocation = {
      service: 'default/b',
      ips: [],
      pools: [],
      failure: { reason: 'pool-exhausted', message: 'no free address in pool default' },
    };

    it('says each decision once and nothing for an unchanged plan', () => {
      const d = events();
      const plan = { allocations: [allocA, failB], peers: [route('192.168.197.0/32', ['default/a'])] };
      expect(d.decide(svcs, plan).map((e) => `${e.service} ${e.type} ${e.reason}: ${e.note}`)).to.deep.equal([
        'default/a Normal IPAllocated: Assigned IP 192.168.197.0 from pool default',
        'default/a Normal AdvertisementChanged: Announcing 192.168.197.0/32 to router via 192.168.201.11',
        'default/b Warning AllocationFailed: pool-exhausted: no free address in pool default',
      ]);
      expect(d.decide(svcs, plan)).to.deep.equal([]);
      expect(d.decide(svcs, structuredClone(plan))).to.deep.equal([]);
    });

    it('speaks again when a decision changes, and after a service came back', () => {
      const d = events();
      d.decide(svcs, { allocations: [allocA], peers: [route('192.168.197.0/32', ['default/a'])] });
      const withdrawn = d.decide(svcs, { allocations: [allocA], peers: [] });
      expect(withdrawn.map((e) => e.note)).to.deep.equal(['No longer announced to any peer']);
      const moved = d.decide(svcs, { allocations: [{ ...allocA, ips: ['192.168.197.7'] }], peers: [] });
      expect(moved.map((e) => e.reason)).to.deep.equal(['IPAllocated']);
      d.decide([svcs[1] as ServiceInfo], { allocations: [], peers: [] });
      const back = d.decide(svcs, { allocations: [allocA], peers: [] });
      expect(back.map((e) => `${e.service} ${e.reason}`)).to.deep.equal(['default/a IPAllocated']);
    });
  });

  describe('DecisionEvents.decide with a scope (a change touching some services)', () => {
    it('remembers the services outside the scope and forgets only the absent ones inside it', () => {
      const d = new DecisionEvents();
      const allocB: ServiceAllocation = { service: 'default/b', ips: ['192.168.197.1'], pools: ['default'] };
      d.decide([service('a'), service('b')], {
        allocations: [{ service: 'default/a', ips: ['192.168.197.0'], pools: ['default'] }, allocB],
        peers: [],
      });
      // b changed alone: a is neither looked at nor forgotten, so nothing is said about it.
      expect(
        d.decide([service('b')], { allocations: [allocB], peers: [] }, new Set(['default/b'])),
      ).to.deep.equal([]);
      // a deleted: forgotten, so when it comes back its allocation is said again.
      d.decide([], { allocations: [], peers: [] }, new Set(['default/a']));
      const back = d.decide(
        [service('a')],
        { allocations: [{ service: 'default/a', ips: ['192.168.197.0'], pools: ['default'] }], peers: [] },
        new Set(['default/a']),
      );
      expect(back.map((e) => `${e.service} ${e.reason}`)).to.deep.equal(['default/a IPAllocated']);
      expect(
        d.decide([service('b')], { allocations: [allocB], peers: [] }, new Set(['default/b'])),
      ).to.deep.equal([]);
    });
  });

  describe('DecisionEvents after a restart or a leader change', () => {
    it('does not repeat an allocation the status already shows, but does say the advertisement', () => {
      const written = { ...service('a'), statusIngress: ['192.168.197.0'] };
      const plan = {
        allocations: [{ service: 'default/a', ips: ['192.168.197.0'], pools: ['default'] }],
        peers: [route('192.168.197.0/32', ['default/a'])],
      };
      expect(new DecisionEvents().decide([written], plan).map((e) => e.reason)).to.deep.equal([
        'AdvertisementChanged',
      ]);
    });
  });

  describe('ServiceStatusWriter.desiredFor', () => {
    it('clears non-LoadBalancer services, leaves unallocated LoadBalancers alone', () => {
      const desired = ServiceStatusWriter.desiredFor(
        [service('lb'), service('np', 'NodePort'), service('foreign')],
        [{ service: 'default/lb', ips: ['192.168.197.1'], pools: ['default'] }],
      );
      expect([...desired.entries()]).to.deep.equal([
        ['default/lb', { ips: ['192.168.197.1'], pools: ['default'] }],
        ['default/np', { ips: [], pools: [] }],
      ]);
    });
  });
});
