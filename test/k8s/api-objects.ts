/** Kubernetes API objects as the server serves them on watch events, for the cluster-path tests. */
import type { RawObject } from '../../src/k8s/cluster-objects.js';

export const NODES = ['n1', 'n2', 'n3'];

/** API objects as the server serves them (kind and apiVersion included, as on watch events). */
export function serviceObject(
  id: number,
  local: boolean,
  pinned: number | undefined,
  broken: boolean,
  ingress?: string,
): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc-${id}`, namespace: 'default', uid: `uid-${id}` },
    spec: {
      // A type that is not a string does not convert: the object is skipped, as the API would not serve it.
      type: broken ? 7 : 'LoadBalancer',
      externalTrafficPolicy: local ? 'Local' : 'Cluster',
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      ...(pinned === undefined ? {} : { loadBalancerIP: `192.168.197.${pinned}` }),
    },
    // As the status writer leaves it.
    ...(ingress === undefined ? {} : { status: { loadBalancer: { ingress: [{ ip: ingress }] } } }),
  };
}

export function sliceObject(id: number, on: string[], ready: boolean): RawObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `svc-${id}-abc`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': `svc-${id}` },
    },
    addressType: 'IPv4',
    endpoints: on.map((n, i) => ({
      addresses: [`10.${id >> 8}.${id & 255}.${i + 1}`],
      conditions: { ready },
      nodeName: n,
    })),
  };
}

export function nodeObject(name: string, ready: boolean): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
    status: {
      addresses: [{ type: 'InternalIP', address: `192.168.201.${11 + NODES.indexOf(name)}` }],
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    },
  };
}

export const namespaceObject: RawObject = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'default' },
};
