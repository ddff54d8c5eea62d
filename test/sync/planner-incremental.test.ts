import { expect } from 'chai';
import { Planner, planCluster } from '../../src/sync/planner/index.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { config, node, peer, pool, service, slice, snapshot } from './builders.js';

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
    expect(expected.peers[0]?.routes[0]?.nextHops).to.deep.equal(['192.168.201.12']);
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
    expect(() => route?.nextHops.push('192.0.2.1')).to.throw(TypeError);
  });
});
