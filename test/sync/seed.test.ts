import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { planCluster } from '../../src/sync/planner/index.js';
import { config, node, peer, pool, service, slice, snapshot } from './builders.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';
import { addressTexts } from '../../src/ip/address.js';

const fixture = (path: string): string =>
  readFileSync(new URL(`../../fixtures/seed/${path}`, import.meta.url), 'utf8');

// fixtures/seed/metallb-config.yaml: one peer, one bgp pool, no advertisements.
const seedConfig = config([pool('default', ['192.168.197.0/24'])], [peer('192.168.200.1')]);

// fixtures/seed/manifests/*.yaml, field by field.
const seedSnapshot = snapshot({
  nodes: [
    node('k8s-master', ['192.168.201.10'], {
      labels: {
        'kubernetes.io/hostname': 'k8s-master',
        'node-role.kubernetes.io/control-plane': '',
        'node.kubernetes.io/exclude-from-external-load-balancers': '',
      },
    }),
    node('k8s-node1', ['192.168.201.11']),
    node('k8s-node2', ['192.168.201.12']),
  ],
  services: [
    service('kubernetes', {
      type: 'ClusterIP',
      clusterIP: '10.96.0.1',
      selector: {},
      ports: [{ name: 'https', protocol: 'TCP', port: 443 }],
      creationTimestamp: '2026-10-08T12:00:00Z',
    }),
    service('nginx', {
      externalTrafficPolicy: 'Local',
      clusterIP: '10.101.210.28',
      selector: { app: 'nginx' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30894 }],
      creationTimestamp: '2026-11-12T12:00:00Z',
    }),
    service('test-service', {
      externalTrafficPolicy: 'Local',
      clusterIP: '10.101.128.104',
      selector: { app: 'test-deployment' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30384 }],
      creationTimestamp: '2026-11-17T08:00:00Z',
    }),
    service('test-service-1', {
      type: 'NodePort',
      clusterIP: '10.97.204.46',
      selector: { app: 'test-deployment' },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30614 }],
      creationTimestamp: '2026-11-18T23:00:00Z',
    }),
    service('test-service-3', {
      externalTrafficPolicy: 'Local',
      loadBalancerIP: '192.168.197.254',
      clusterIP: '10.101.244.47',
      selector: { app: 'test-deployment' },
      ports: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 32336 }],
      creationTimestamp: '2026-11-24T11:53:46Z',
    }),
  ],
  endpointSlices: [
    slice('nginx', ['k8s-node1'], { name: 'nginx-7x2kq' }),
    slice('test-service', ['k8s-node2'], { name: 'test-service-4jw8f' }),
    slice('test-service-1', ['k8s-node2'], { name: 'test-service-1-b6tzm' }),
    slice('test-service-3', ['k8s-node2'], { name: 'test-service-3-9hd2c' }),
  ],
});

/** NAME -> EXTERNAL-IP of fixtures/seed/kubectl_get_svc.txt. */
function externalIpColumn(): Map<string, string> {
  const lines = fixture('kubectl_get_svc.txt').trim().split('\n').slice(1);
  return new Map(lines.map((l) => l.split(/\s+/)).map((cols) => [cols[0] as string, cols[3] as string]));
}

/** prefix -> next hops of the `B>*` lines of fixtures/seed/router/show_ip_route_bgp.txt. */
function routerRoutes(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const m of fixture('router/show_ip_route_bgp.txt').matchAll(/B>\* (\S+) \[[^\]]*\] via (\S+),/g)) {
    routes.set(m[1] as string, [...(routes.get(m[1] as string) ?? []), m[2] as string]);
  }
  return routes;
}

describe('planner: the seed scenario', () => {
  const plan = planCluster(seedConfig, seedSnapshot);

  it('gives every service the EXTERNAL-IP of kubectl get svc', () => {
    const expected = externalIpColumn();
    expect(expected.size).to.equal(5);
    for (const [name, ip] of expected) {
      const alloc = plan.allocations.find((a) => a.service === `default/${name}`);
      if (ip === '<none>') expect(alloc, name).to.equal(undefined);
      else expect(alloc?.ips, name).to.deep.equal([ip]);
    }
    expect(plan.allocations.map((a) => [a.service, a.ips, a.pools, a.failure])).to.deep.equal([
      ['default/nginx', ['192.168.197.0'], ['default'], undefined],
      ['default/test-service', ['192.168.197.1'], ['default'], undefined],
      ['default/test-service-3', ['192.168.197.254'], ['default'], undefined],
    ]);
  });

  it("announces exactly the routes of the router's show ip route bgp", () => {
    expect(plan.peers.map((p) => [p.peer, p.peerAddress])).to.deep.equal([
      ['peer-192.168.200.1', '192.168.200.1'],
    ]);
    const routes = plan.peers[0]?.routes ?? [];
    expect(new Map(routes.map((r) => [r.prefix.text, addressTexts(r.nextHops)]))).to.deep.equal(
      routerRoutes(),
    );
    expect(routes).to.deep.equal([
      {
        prefix: routePrefixOf('192.168.197.0/32'),
        family: 4,
        nextHops: nextHopsOf(['192.168.201.11']),
        communities: [],
        largeCommunities: [],
        services: ['default/nginx'],
      },
      {
        prefix: routePrefixOf('192.168.197.1/32'),
        family: 4,
        nextHops: nextHopsOf(['192.168.201.12']),
        communities: [],
        largeCommunities: [],
        services: ['default/test-service'],
      },
      {
        prefix: routePrefixOf('192.168.197.254/32'),
        family: 4,
        nextHops: nextHopsOf(['192.168.201.12']),
        communities: [],
        largeCommunities: [],
        services: ['default/test-service-3'],
      },
    ]);
    expect(plan.issues).to.deep.equal([]);
  });

  it('keeps every address when re-planned from the written status', () => {
    const withStatus = {
      ...seedSnapshot,
      services: seedSnapshot.services.map((s) => ({
        ...s,
        statusIngress: plan.allocations.find((a) => a.service === `default/${s.name}`)?.ips ?? [],
      })),
    };
    expect(planCluster(seedConfig, withStatus)).to.deep.equal(plan);
  });
});
