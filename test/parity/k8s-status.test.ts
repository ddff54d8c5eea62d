/**
 * Status in kubectl: the annotations we own on a Service (src/k8s/route-annotations.ts), as a
 * pure patch table and end to end through the controller against a real kube-apiserver.
 */
import { expect } from 'chai';
import { KubeController } from '../../src/k8s/controller.js';
import type { KubeClient } from '../../src/k8s/kube-client.js';
import {
  ANNOUNCED_TO_ANNOTATION,
  ROUTE_VERIFIED_ANNOTATION,
  ROUTE_VERIFIED_AT_ANNOTATION,
  routeAnnotationPatch,
  type AnnotationPatch,
} from '../../src/k8s/route-annotations.js';
import { POOL_STATUS_CONFIGMAP } from '../../src/k8s/pool-status-configmap.js';
import { POOL_ANNOTATION, ServiceStatusWriter } from '../../src/k8s/status-writer.js';
import { planCluster } from '../../src/sync/planner/index.js';
import type { ServiceStatus } from '../../src/sync/status/index.js';
import type { RouteVerdict, Verification } from '../../src/sync/verify/verification.js';
import { requireApiServer, startApiServer, type ApiServer } from '../e2e/apiserver.js';
import { applyManifestFile, createObject, serviceAccountToken } from '../e2e/kube-objects.js';
import { clientFor, endpointSlice, getService, lbService, node, suffix } from '../k8s/support.js';
import { waitFor } from '../support/wait-for.js';
import { config, peer, pool, service as lbServiceInfo } from '../sync/builders.js';

const NOW = new Date('2026-11-25T15:00:00.123Z');
const carried = (peerName: string, verified?: boolean): ServiceStatus['carriedBy'][number] => ({
  peer: peerName,
  peerAddress: peerName === 'core' ? '192.168.201.1' : '192.168.201.2',
  prefix: '10.0.0.1/32',
  nextHops: ['192.168.201.11'],
  ...(verified === undefined ? {} : { verified }),
});
const status = (...carriedBy: ServiceStatus['carriedBy']): ServiceStatus => ({
  service: 'a/web',
  ips: ['10.0.0.1'],
  pools: ['p'],
  carriedBy,
  problems: [],
});

const rows: Array<{
  name: string;
  status: ServiceStatus | undefined;
  current: Record<string, string>;
  patch: AnnotationPatch;
}> = [
  {
    name: 'announced, not verified yet: only announced-to',
    status: status(carried('edge'), carried('core')),
    current: {},
    patch: { [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1,edge=192.168.201.2' },
  },
  {
    name: 'verified on the router: true, stamped now (whole seconds)',
    status: status(carried('core', true)),
    current: { [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1' },
    patch: { [ROUTE_VERIFIED_ANNOTATION]: 'true', [ROUTE_VERIFIED_AT_ANNOTATION]: '2026-11-25T15:00:00Z' },
  },
  {
    name: 'the same verdict again: no write (the time is when it was first seen)',
    status: status(carried('core', true)),
    current: {
      [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1',
      [ROUTE_VERIFIED_ANNOTATION]: 'true',
      [ROUTE_VERIFIED_AT_ANNOTATION]: '2026-11-25T14:00:00Z',
    },
    patch: {},
  },
  {
    name: 'one peer missing the route: false, stamped now',
    status: status(carried('core', true), carried('edge', false)),
    current: {
      [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1,edge=192.168.201.2',
      [ROUTE_VERIFIED_ANNOTATION]: 'true',
      [ROUTE_VERIFIED_AT_ANNOTATION]: '2026-11-25T14:00:00Z',
    },
    patch: { [ROUTE_VERIFIED_ANNOTATION]: 'false', [ROUTE_VERIFIED_AT_ANNOTATION]: '2026-11-25T15:00:00Z' },
  },
  {
    name: 'no longer announced or handled: our annotations removed, others left alone',
    status: undefined,
    current: {
      other: 'x',
      [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1',
      [ROUTE_VERIFIED_ANNOTATION]: 'true',
      [ROUTE_VERIFIED_AT_ANNOTATION]: '2026-11-25T14:00:00Z',
    },
    patch: {
      [ANNOUNCED_TO_ANNOTATION]: null,
      [ROUTE_VERIFIED_ANNOTATION]: null,
      [ROUTE_VERIFIED_AT_ANNOTATION]: null,
    },
  },
];

describe('status in kubectl: route annotations on the Service', () => {
  for (const row of rows) {
    it(row.name, () => {
      expect(routeAnnotationPatch(row.status, row.current, NOW)).to.deep.equal(row.patch);
    });
  }

  it('MetalLB loadBalancerClass rule: a service of another class is never written to', () => {
    const cfg = config([pool('p', ['10.0.0.0/24'])], [], { loadBalancerClass: 'crs.io/bgp' });
    const other = { ...lbServiceInfo('other'), loadBalancerClass: 'x.io/lb', statusIngress: ['10.9.9.9'] };
    const plan = planCluster(cfg, { services: [other], endpointSlices: [], nodes: [], namespaces: [] });
    expect(ServiceStatusWriter.desiredFor([other], plan.allocations).size).to.equal(0);
    expect(routeAnnotationPatch(undefined, other.annotations, NOW)).to.deep.equal({});
  });
});

function verification(prefix: string, services: string[], verdict: RouteVerdict): Verification {
  const routes = {
    ok: 0,
    missing: 0,
    'wrong-nexthop': 0,
    'not-in-fib': 0,
    unexpected: 0,
    'ecmp-incomplete': 0,
  };
  routes[verdict] = 1;
  return {
    router: {},
    peers: ['core'],
    sessions: [],
    routes: [
      {
        prefix,
        family: 4,
        codes: verdict === 'ok' ? 'B>*' : '',
        expectedNextHops: ['192.168.201.11'],
        actualNextHops: verdict === 'ok' ? ['192.168.201.11'] : [],
        services,
        verdict,
      },
    ],
    notes: [],
    summary: {
      status: verdict === 'ok' ? 'ok' : 'drift',
      sessions: { ok: 0, down: 0, missing: 0, restarting: 0, total: 0 },
      routes: { ...routes, total: 1 },
    },
  };
}

describe('@lab status in kubectl through the controller (real kube-apiserver)', function () {
  this.timeout(180_000);
  let api: ApiServer;
  let admin: KubeClient;
  const stops: Array<() => Promise<void>> = [];

  before(async function () {
    requireApiServer(this);
    api = await startApiServer();
    admin = await clientFor(api, api.admin);
  });
  after(async () => {
    while (stops.length) await stops.pop()?.();
    await api?.stop();
  });

  it('writes announced-to, then route-verified true/false with the time each verdict was first seen', async () => {
    const ns = `e2e-${suffix()}`;
    await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createObject(api, node('node-a', '192.168.201.11'));
    await createObject(api, lbService(ns, 'web'));
    await createObject(api, endpointSlice(ns, 'web', 'web-1', ['10.244.1.5']));
    const cfg = config([pool('default', ['192.168.197.0/24'])], [peer('192.168.201.1', { name: 'core' })]);
    const errors: string[] = [];
    const controller = new KubeController(admin, {
      decide: (u) => planCluster(cfg, u.snapshot),
      onError: (err, where) => errors.push(`${where}: ${err.message}`),
      routeAnnotations: true,
    });
    stops.push(() => controller.stop());
    await controller.start();

    const announced = await waitFor('announced-to', async () => {
      const s = await getService(api, ns, 'web');
      return s.metadata.annotations?.[ANNOUNCED_TO_ANNOTATION] ? s : undefined;
    });
    expect(announced.metadata.annotations).to.include({
      [POOL_ANNOTATION]: 'default',
      [ANNOUNCED_TO_ANNOTATION]: 'core=192.168.201.1',
    });
    expect(announced.metadata.annotations).to.not.have.property(ROUTE_VERIFIED_ANNOTATION);
    const ip = announced.status.loadBalancer?.ingress?.[0]?.ip ?? '';

    controller.verified(verification(`${ip}/32`, [`${ns}/web`], 'ok'));
    const ok = await waitFor('route-verified true', async () => {
      const s = await getService(api, ns, 'web');
      return s.metadata.annotations?.[ROUTE_VERIFIED_ANNOTATION] === 'true' ? s : undefined;
    });
    const okAt = ok.metadata.annotations?.[ROUTE_VERIFIED_AT_ANNOTATION] ?? '';
    expect(okAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    controller.verified(verification(`${ip}/32`, [`${ns}/web`], 'missing'));
    const missing = await waitFor('route-verified false', async () => {
      const s = await getService(api, ns, 'web');
      return s.metadata.annotations?.[ROUTE_VERIFIED_ANNOTATION] === 'false' ? s : undefined;
    });
    expect(missing.metadata.annotations?.[ROUTE_VERIFIED_AT_ANNOTATION]).to.match(/Z$/);
    expect(errors).to.deep.equal([]);
  });

  it('under deploy/rbac.yaml: keeps per-pool counts in the pool status ConfigMap and the route annotations', async () => {
    await applyManifestFile(api, 'deploy/namespace.yaml');
    await applyManifestFile(api, 'deploy/rbac.yaml');
    const token = await serviceAccountToken(api, 'metallb-system', 'cluster-router-sync');
    const sa = await clientFor(api, { name: 'cluster-router-sync', token }, 'kubeconfig-sa');
    const ns = `e2e-${suffix()}`;
    await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await createObject(api, lbService(ns, 'one'));
    await createObject(api, endpointSlice(ns, 'one', 'one-1', ['10.244.1.6']));
    const cfg = config(
      [pool('default', ['192.168.197.0/24']), pool('v6', ['2001:db8::/64'])],
      [peer('192.168.201.1', { name: 'core' })],
    );
    const errors: string[] = [];
    const controller = new KubeController(sa, {
      decide: (u) => planCluster(cfg, u.snapshot),
      onError: (err, where) => errors.push(`${where}: ${err.message}`),
      routeAnnotations: true,
      poolStatus: { namespace: 'metallb-system', pools: cfg.pools },
    });
    stops.push(() => controller.stop());
    await controller.start();

    const path = `/api/v1/namespaces/metallb-system/configmaps/${POOL_STATUS_CONFIGMAP}`;
    // Other tests' services may share this API server: count relative to what is there.
    const counts = (data: Record<string, string> | undefined): number | undefined => {
      const m = /^assignedIPv4=(\d+) availableIPv4=(\d+) assignedIPv6=0 availableIPv6=0$/.exec(
        data?.default ?? '',
      );
      return m && Number(m[1]) + Number(m[2]) === 256 ? Number(m[1]) : undefined;
    };
    const read = () =>
      api.adminRequest<{ data?: Record<string, string> }>('GET', path).catch(() => undefined);
    const first = await waitFor('the pool status ConfigMap', async () => {
      const cm = await read();
      return counts(cm?.data) !== undefined ? cm?.data : undefined;
    });
    expect(first?.v6).to.equal(
      'assignedIPv4=0 availableIPv4=0 assignedIPv6=0 availableIPv6=18446744073709551616',
    );
    const before = counts(first) as number;
    expect(before).to.be.greaterThan(0);
    await createObject(api, lbService(ns, 'two'));
    await waitFor('one more assigned address', async () => counts((await read())?.data) === before + 1);
    await waitFor('announced-to under the deploy role', async () => {
      const s = await getService(api, ns, 'one');
      return s.metadata.annotations?.[ANNOUNCED_TO_ANNOTATION] === 'core=192.168.201.1';
    });
    expect(errors).to.deep.equal([]);
  });
});
