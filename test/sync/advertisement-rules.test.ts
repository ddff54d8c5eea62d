import { expect } from 'chai';
import type { AddressPool, PeerConfig } from '../../src/config/model.js';
import type { EndpointSliceInfo, NodeInfo, ServiceInfo } from '../../src/sync/cluster.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { advertisement, config, node, peer, pool, selector, service, slice, snapshot } from './builders.js';
import { routesOf } from './helpers.js';
import { communitiesOf, largeCommunitiesOf, nextHopsOf, routePrefixOf } from '../support/routes.js';

const nodes: NodeInfo[] = [
  node('n1', ['192.168.201.11', 'fd00:201::11'], { labels: { rack: 'a' } }),
  node('n2', ['192.168.201.12', 'fd00:201::12'], { labels: { rack: 'b' } }),
  node('n3', ['192.168.201.13'], { labels: { rack: 'b' } }),
];
const ebgp = peer('192.168.200.1', { name: 'edge' });
const ibgp = peer('192.168.200.2', { name: 'core', peerAsn: 64500 });

function planOf(opts: {
  pools?: AddressPool[];
  peers?: PeerConfig[];
  nodes?: NodeInfo[];
  services: ServiceInfo[];
  slices: EndpointSliceInfo[];
}): Plan {
  return planCluster(
    config(opts.pools ?? [pool('p', ['10.0.0.0/24'])], opts.peers ?? [ebgp]),
    snapshot({ services: opts.services, endpointSlices: opts.slices, nodes: opts.nodes ?? nodes }),
  );
}

interface Case {
  name: string;
  run: () => void;
}

const cases: Case[] = [
  {
    name: 'MetalLB: externalTrafficPolicy Cluster announces from every eligible node',
    run: () => {
      const plan = planOf({ services: [service('s')], slices: [slice('s', ['n1'])] });
      expect(routesOf(plan)).to.deep.equal({
        '10.0.0.0/32': ['192.168.201.11', '192.168.201.12', '192.168.201.13'],
      });
    },
  },
  {
    name: 'MetalLB: externalTrafficPolicy Local announces only from nodes with a ready endpoint',
    run: () => {
      const notReady: EndpointSliceInfo = {
        ...slice('s', ['n1', 'n3']),
        endpoints: [
          { addresses: ['10.244.0.1'], ready: true, nodeName: 'n1' },
          { addresses: ['10.244.0.2'], ready: false, nodeName: 'n2' },
          { addresses: ['10.244.0.3'], ready: true, nodeName: 'n3' },
        ],
      };
      const plan = planOf({
        services: [service('s', { externalTrafficPolicy: 'Local' })],
        slices: [notReady],
      });
      expect(routesOf(plan)).to.deep.equal({ '10.0.0.0/32': ['192.168.201.11', '192.168.201.13'] });
    },
  },
  {
    name: 'MetalLB: Local uses only EndpointSlices of the address family of the route',
    run: () => {
      const plan = planOf({
        pools: [pool('p', ['10.0.0.0/24', 'fd00:197::/64'])],
        services: [
          service('s', {
            externalTrafficPolicy: 'Local',
            ipFamilies: [4, 6],
            ipFamilyPolicy: 'RequireDualStack',
          }),
        ],
        slices: [slice('s', ['n1']), slice('s', ['n2'], { addressType: 'IPv6' })],
      });
      expect(routesOf(plan)).to.deep.equal({
        '10.0.0.0/32': ['192.168.201.11'],
        'fd00:197::/128': ['fd00:201::12'],
      });
    },
  },
  {
    name: 'next hop is the first InternalIP of the family; nodes without one are skipped',
    run: () => {
      const plan = planOf({
        pools: [pool('p', ['fd00:197::/64'])],
        services: [service('s', { ipFamilies: [6] })],
        slices: [slice('s', ['n1'], { addressType: 'IPv6' })],
      });
      expect(routesOf(plan)).to.deep.equal({ 'fd00:197::/128': ['fd00:201::11', 'fd00:201::12'] });
    },
  },
  {
    name: 'issue 13: a Cluster service with no ready endpoint anywhere is not announced',
    run: () => {
      const plan = planOf({
        services: [service('s')],
        slices: [
          { ...slice('s', ['n1']), endpoints: [{ addresses: ['10.244.0.1'], ready: false, nodeName: 'n1' }] },
        ],
      });
      expect(routesOf(plan)).to.deep.equal({});
      expect(plan.issues.map((i) => i.message)).to.deep.equal([
        '10.0.0.0 is not announced: the service has no ready IPv4 endpoint',
      ]);
    },
  },
  {
    name: 'MetalLB: nodes NotReady, NetworkUnavailable or excluded by label never announce; cordoned ones do',
    run: () => {
      const plan = planOf({
        nodes: [
          node('ok', ['192.168.201.1']),
          node('notready', ['192.168.201.2'], { ready: false }),
          node('cordoned', ['192.168.201.3'], { unschedulable: true }),
          node('nonet', ['192.168.201.4'], { networkUnavailable: true }),
          node('master', ['192.168.201.5'], {
            labels: { 'node.kubernetes.io/exclude-from-external-load-balancers': '' },
          }),
        ],
        services: [service('s')],
        slices: [slice('s', ['ok', 'notready', 'cordoned', 'nonet', 'master'])],
      });
      expect(routesOf(plan)).to.deep.equal({ '10.0.0.0/32': ['192.168.201.1', '192.168.201.3'] });
    },
  },
  {
    name: 'MetalLB: a Local service whose endpoints sit only on excluded nodes is not announced, with a reason',
    run: () => {
      const plan = planOf({
        services: [service('s', { externalTrafficPolicy: 'Local' })],
        slices: [slice('s', ['gone'])],
      });
      expect(routesOf(plan)).to.deep.equal({});
      expect(plan.issues).to.have.length(1);
      expect(plan.issues[0]?.peer).to.equal('edge');
      expect(plan.issues[0]?.message).to.match(/not announced to edge: no node eligible/);
    },
  },
  {
    name: 'MetalLB BGPPeer.nodeSelectors limit the next hops for that peer',
    run: () => {
      const plan = planOf({
        peers: [peer('192.168.200.1', { name: 'rack-b', nodeSelectors: [selector({ rack: 'b' })] })],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      expect(routesOf(plan)).to.deep.equal({ '10.0.0.0/32': ['192.168.201.12', '192.168.201.13'] });
    },
  },
  {
    name: 'MetalLB BGPAdvertisement.nodeSelectors limit the next hops of that advertisement',
    run: () => {
      const plan = planOf({
        pools: [
          pool('p', ['10.0.0.0/24'], {
            bgpAdvertisements: [advertisement({ nodeSelectors: [selector({ rack: 'a' })] })],
          }),
        ],
        services: [service('s')],
        slices: [slice('s', ['n2'])],
      });
      expect(routesOf(plan)).to.deep.equal({ '10.0.0.0/32': ['192.168.201.11'] });
    },
  },
  {
    name: 'MetalLB BGPAdvertisement.peers restricts an advertisement to the named peers',
    run: () => {
      const plan = planOf({
        peers: [ebgp, ibgp],
        pools: [pool('p', ['10.0.0.0/24'], { bgpAdvertisements: [advertisement({ peers: ['core'] })] })],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      expect(plan.peers.map((p) => [p.peer, p.routes.length])).to.deep.equal([
        ['core', 1],
        ['edge', 0],
      ]);
    },
  },
  {
    name: 'MetalLB aggregationLength: services in one aggregate share a route with merged next hops',
    run: () => {
      const plan = planOf({
        pools: [
          pool('p', ['10.0.0.0/24'], { bgpAdvertisements: [advertisement({ aggregationLength: 24 })] }),
        ],
        services: [
          service('a', { externalTrafficPolicy: 'Local', creationTimestamp: '2026-01-01T00:00:00Z' }),
          service('b', { externalTrafficPolicy: 'Local', creationTimestamp: '2026-01-02T00:00:00Z' }),
        ],
        slices: [slice('a', ['n2']), slice('b', ['n1'])],
      });
      const route = plan.peers[0]?.routes[0];
      expect(plan.peers[0]?.routes).to.have.length(1);
      expect(route?.prefix.text).to.equal('10.0.0.0/24');
      expect(route?.nextHops).to.deep.equal(nextHopsOf(['192.168.201.11', '192.168.201.12']));
      expect(route?.services).to.deep.equal(['default/a', 'default/b']);
    },
  },
  {
    name: 'MetalLB aggregationLengthV6 masks IPv6 addresses',
    run: () => {
      const plan = planOf({
        pools: [
          pool('p', ['fd00:197::ff00/120'], {
            bgpAdvertisements: [advertisement({ aggregationLengthV6: 64 })],
          }),
        ],
        services: [service('s', { ipFamilies: [6] })],
        slices: [slice('s', ['n1'], { addressType: 'IPv6' })],
      });
      expect(Object.keys(routesOf(plan))).to.deep.equal(['fd00:197::/64']);
    },
  },
  {
    name: 'MetalLB localPref is sent only on iBGP sessions',
    run: () => {
      const plan = planOf({
        peers: [ebgp, ibgp],
        pools: [pool('p', ['10.0.0.0/24'], { bgpAdvertisements: [advertisement({ localPref: 250 })] })],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      expect(plan.peers.map((p) => [p.peer, p.routes[0]?.localPref])).to.deep.equal([
        ['core', 250],
        ['edge', undefined],
      ]);
    },
  },
  {
    name: 'MetalLB communities and large communities come from the advertisement',
    run: () => {
      const plan = planOf({
        pools: [
          pool('p', ['10.0.0.0/24'], {
            bgpAdvertisements: [
              advertisement({
                name: 'x',
                communities: communitiesOf(['65000:200', '65000:10']),
                largeCommunities: largeCommunitiesOf(['1:2:3']),
              }),
              advertisement({ name: 'y', communities: communitiesOf(['64512:1']) }),
            ],
          }),
        ],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      const route = plan.peers[0]?.routes[0];
      expect(route?.communities).to.deep.equal(communitiesOf(['64512:1', '65000:10', '65000:200']));
      expect(route?.largeCommunities).to.deep.equal(largeCommunitiesOf(['1:2:3']));
    },
  },
  {
    name: 'MetalLB: conflicting localPref for one service and peer: not announced to that peer, reported',
    run: () => {
      const plan = planOf({
        peers: [ebgp, ibgp],
        pools: [
          pool('p', ['10.0.0.0/24'], {
            bgpAdvertisements: [
              advertisement({ name: 'x', localPref: 100 }),
              advertisement({ name: 'y', localPref: 200 }),
            ],
          }),
        ],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      expect(plan.peers.map((p) => [p.peer, p.routes.length])).to.deep.equal([
        ['core', 0],
        ['edge', 1],
      ]);
      expect(plan.issues).to.deep.equal([
        {
          service: 'default/s',
          peer: 'core',
          message:
            '10.0.0.0 is not announced to core: advertisements x, y of pool p set conflicting localPref 100 and 200',
        },
      ]);
    },
  },
  {
    name: 'MetalLB: a bgp pool without advertisements gets the default one (/32, no communities)',
    run: () => {
      const plan = planOf({ services: [service('s')], slices: [slice('s', ['n1'])] });
      expect(plan.peers[0]?.routes).to.deep.equal([
        {
          prefix: routePrefixOf('10.0.0.0/32'),
          family: 4,
          nextHops: nextHopsOf(['192.168.201.11', '192.168.201.12', '192.168.201.13']),
          communities: [],
          largeCommunities: [],
          services: ['default/s'],
        },
      ]);
    },
  },
  {
    name: 'MetalLB: layer2 pools are allocated from but not announced over BGP',
    run: () => {
      const plan = planOf({
        pools: [pool('l2', ['10.0.0.0/24'], { protocol: 'layer2' })],
        services: [service('s')],
        slices: [slice('s', ['n1'])],
      });
      expect(plan.allocations[0]?.ips).to.deep.equal(['10.0.0.0']);
      expect(plan.peers[0]?.routes).to.deep.equal([]);
      expect(plan.issues).to.deep.equal([]);
    },
  },
  {
    name: 'routes are sorted by family, then numeric address, then prefix length',
    run: () => {
      const plan = planOf({
        pools: [pool('p', ['10.0.0.9-10.0.0.10', 'fd00::/120'])],
        services: [
          service('v6', { ipFamilies: [6], creationTimestamp: '2026-01-01T00:00:00Z' }),
          service('ten', { loadBalancerIP: '10.0.0.10' }),
          service('nine', { creationTimestamp: '2026-01-02T00:00:00Z' }),
        ],
        slices: [slice('v6', ['n1'], { addressType: 'IPv6' }), slice('ten', ['n1']), slice('nine', ['n1'])],
      });
      expect(plan.peers[0]?.routes.map((r) => r.prefix.text)).to.deep.equal([
        '10.0.0.9/32',
        '10.0.0.10/32',
        'fd00::/128',
      ]);
    },
  },
];

describe('planner: advertisement rules', () => {
  for (const c of cases) it(c.name, c.run);
});
