import { expect } from 'chai';
import { diffPlans, planCluster } from '../../src/sync/planner/index.js';
import { config, node, peer, pool, service, slice, snapshot } from './builders.js';
import { addressTexts } from '../../src/ip/address.js';

describe('diffPlans', () => {
  const cfg = config([pool('p', ['10.0.0.0/24'])], [peer('192.168.200.1', { name: 'edge' })]);
  const nodes = [node('n1', ['192.168.201.11']), node('n2', ['192.168.201.12'])];
  const before = planCluster(
    cfg,
    snapshot({
      nodes,
      services: [
        service('a', { statusIngress: ['10.0.0.1'], externalTrafficPolicy: 'Local' }),
        service('b', { statusIngress: ['10.0.0.2'] }),
        service('gone', { statusIngress: ['10.0.0.10'] }),
      ],
      endpointSlices: [slice('a', ['n1']), slice('b', ['n1']), slice('gone', ['n1'])],
    }),
  );
  const after = planCluster(
    cfg,
    snapshot({
      nodes,
      services: [
        service('a', { statusIngress: ['10.0.0.1'], externalTrafficPolicy: 'Local' }),
        service('b', { statusIngress: ['10.0.0.2'], loadBalancerIP: '10.0.0.3' }),
        service('new', { statusIngress: ['10.0.0.9'] }),
      ],
      endpointSlices: [slice('a', ['n2']), slice('b', ['n1']), slice('new', ['n1'])],
    }),
  );

  it('lists allocation changes per service, sorted', () => {
    const d = diffPlans(before, after);
    expect(d.allocations.map((c) => [c.service, c.kind, c.before?.ips, c.after?.ips])).to.deep.equal([
      ['default/b', 'changed', ['10.0.0.2'], ['10.0.0.3']],
      ['default/gone', 'removed', ['10.0.0.10'], undefined],
      ['default/new', 'added', undefined, ['10.0.0.9']],
    ]);
  });

  it('lists route adds, removes and changes per peer in plan order', () => {
    const [edge] = diffPlans(before, after).peers;
    expect(edge?.peer).to.equal('edge');
    expect(edge?.added.map((r) => r.prefix.text)).to.deep.equal(['10.0.0.3/32', '10.0.0.9/32']);
    expect(edge?.removed.map((r) => r.prefix.text)).to.deep.equal(['10.0.0.2/32', '10.0.0.10/32']);
    expect(
      edge?.changed.map((c) => [
        c.before.prefix.text,
        addressTexts(c.before.nextHops),
        addressTexts(c.after.nextHops),
      ]),
    ).to.deep.equal([['10.0.0.1/32', ['192.168.201.11'], ['192.168.201.12']]]);
  });

  it('is empty between equal plans', () => {
    expect(diffPlans(after, after)).to.deep.equal({ allocations: [], peers: [] });
  });
});
