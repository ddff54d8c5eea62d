/** Objects and a stand-in planner for the Kubernetes e2e tests. */
import { randomBytes } from 'node:crypto';
import type { ClusterUpdate } from '../../src/k8s/cluster-source.js';
import type { DecisionInput } from '../../src/k8s/service-events.js';
import { KubeClient, loadKubeConfig } from '../../src/k8s/kube-client.js';
import { serviceKey } from '../../src/sync/cluster.js';
import type { ServiceAllocation } from '../../src/sync/plan-types.js';
import type { ApiServer, ApiUser } from '../e2e/apiserver.js';
import type { KubeObject } from '../e2e/kube-objects.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

export const suffix = (): string => randomBytes(3).toString('hex');

export async function clientFor(api: ApiServer, user: ApiUser, fileName?: string): Promise<KubeClient> {
  return new KubeClient(loadKubeConfig({ kubeconfigPath: await api.writeKubeconfig(user, fileName) }));
}

export function lbService(namespace: string, name: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ name: 'http', port: 80 }], ...extra },
  };
}

export function endpointSlice(namespace: string, service: string, name: string, ips: string[]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true }, nodeName: 'node-a' })),
  };
}

export function node(name: string, ip: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }],
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'e2e' }],
    },
  };
}

/** Annotation that makes the stand-in planner refuse a service. */
export const FAIL_ANNOTATION = 'e2e.cluster-router-sync/fail';

/**
 * A stand-in for the planner (written elsewhere): every LoadBalancer service gets its
 * loadBalancerIP or the next free address of 192.168.197.0/24, and keeps it; routes go to one
 * peer via the nodes that run a ready endpoint.
 */
export function standInPlanner(): (u: ClusterUpdate) => DecisionInput {
  const given = new Map<string, string>();
  let next = 0;
  return ({ snapshot }) => {
    const allocations: ServiceAllocation[] = [];
    for (const svc of snapshot.services) {
      if (svc.type !== 'LoadBalancer') continue;
      const key = serviceKey(svc);
      if (svc.annotations[FAIL_ANNOTATION]) {
        const message = svc.annotations[FAIL_ANNOTATION] ?? '';
        allocations.push({ service: key, ips: [], pools: [], failure: { reason: 'no-pool', message } });
        continue;
      }
      let ip = svc.loadBalancerIP ?? given.get(key);
      if (!ip) ip = `192.168.197.${next++}`;
      given.set(key, ip);
      allocations.push({ service: key, ips: [ip], pools: ['default'] });
    }
    const nodeIp = new Map(snapshot.nodes.map((n) => [n.name, n.internalIPs[0]]));
    const routes = allocations.flatMap((a) => {
      const [ns, name] = a.service.split('/');
      const hops = snapshot.endpointSlices
        .filter((s) => s.namespace === ns && s.serviceName === name)
        .flatMap((s) =>
          s.endpoints.filter((e) => e.ready && e.nodeName).map((e) => nodeIp.get(e.nodeName ?? '')),
        )
        .filter((ip): ip is string => ip !== undefined);
      if (!a.ips[0] || hops.length === 0) return [];
      return [
        {
          prefix: routePrefixOf(`${a.ips[0]}/32`),
          family: 4 as const,
          nextHops: nextHopsOf([...new Set(hops)].sort()),
          communities: [],
          largeCommunities: [],
          services: [a.service],
        },
      ];
    });
    return { allocations, peers: [{ peer: 'router', peerAddress: '192.168.201.1', routes }] };
  };
}

export interface EventView {
  reason: string;
  type: string;
  note: string;
  reportingInstance: string;
}

export async function serviceEvents(api: ApiServer, namespace: string, name: string): Promise<EventView[]> {
  const list = await api.adminRequest<{
    items: Array<EventView & { eventTime: string; regarding: { kind: string; name: string } }>;
  }>('GET', `/apis/events.k8s.io/v1/namespaces/${namespace}/events`);
  return list.items
    .filter((e) => e.regarding.kind === 'Service' && e.regarding.name === name)
    .sort((a, b) => (a.eventTime < b.eventTime ? -1 : 1))
    .map(({ reason, type, note, reportingInstance }) => ({ reason, type, note, reportingInstance }));
}

export interface ServiceView {
  metadata: {
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    resourceVersion: string;
  };
  spec: { type: string; clusterIP?: string; ports: unknown[] };
  status: { loadBalancer?: { ingress?: Array<{ ip?: string; ipMode?: string }> } };
}

export function getService(api: ApiServer, namespace: string, name: string): Promise<ServiceView> {
  return api.adminRequest<ServiceView>('GET', `/api/v1/namespaces/${namespace}/services/${name}`);
}
