/**
 * The slice of Kubernetes objects the planner needs, already parsed out of API objects or
 * manifests by the sources. Keeping this narrow lets the planner stay pure and fast.
 */
import { backList, listOf, mapOf } from '../util/listed.js';
import { byText } from '../util/arrays.js';
import { SortedMap } from '../util/sorted-map.js';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export type TrafficPolicy = 'Cluster' | 'Local';
export type IpFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export interface ServicePort {
  name?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  nodePort?: number;
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  uid?: string;
  type: ServiceType;
  clusterIP?: string;
  /** spec.loadBalancerIP (deprecated in Kubernetes, still honoured). */
  loadBalancerIP?: string;
  loadBalancerClass?: string;
  externalTrafficPolicy: TrafficPolicy;
  /** spec.healthCheckNodePort: kube-proxy's per-service healthz, allocated for Local policy. */
  healthCheckNodePort?: number;
  ipFamilies: Array<4 | 6>;
  ipFamilyPolicy: IpFamilyPolicy;
  selector: Record<string, string>;
  ports: ServicePort[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** IPs currently in status.loadBalancer.ingress: seeds the allocator so restarts never move an IP. */
  statusIngress: string[];
  creationTimestamp?: string;
}

export interface EndpointInfo {
  addresses: string[];
  /** conditions.ready; Kubernetes treats a missing value as ready. */
  ready: boolean;
  nodeName?: string;
}

export interface EndpointSliceInfo {
  namespace: string;
  name: string;
  /** The kubernetes.io/service-name label. */
  serviceName: string;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: EndpointInfo[];
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  /** InternalIP addresses in the order the API lists them; the first of a family is the next hop. */
  internalIPs: string[];
  ready: boolean;
  unschedulable: boolean;
  networkUnavailable: boolean;
}

export interface NamespaceInfo {
  name: string;
  labels: Record<string, string>;
}

/**
 * One consistent view of the cluster, handed to the planner as a whole. Each list is sorted by
 * its objects' key (`namespace/name`, or `name`); a keyed source's lists are made on first read
 * from persistent maps by that key (`snapshotOf`), which per-change readers use instead.
 */
export interface ClusterSnapshot {
  services: ServiceInfo[];
  endpointSlices: EndpointSliceInfo[];
  nodes: NodeInfo[];
  namespaces: NamespaceInfo[];
}

export function serviceKey(s: { namespace: string; name: string }): string {
  return `${s.namespace}/${s.name}`;
}

/** A snapshot's lists as maps by key, or as plain sorted arrays. */
export type SnapshotLists = {
  [F in keyof ClusterSnapshot]: SortedMap<string, ClusterSnapshot[F][number]> | ClusterSnapshot[F];
};

/** A snapshot of these lists: the maps' arrays are made when a whole reader first reads them. */
export function snapshotOf(lists: SnapshotLists): ClusterSnapshot {
  const snapshot = {} as ClusterSnapshot;
  const put = <F extends keyof ClusterSnapshot>(field: F) => {
    const list = lists[field];
    if (list instanceof SortedMap) backList(snapshot, field, list as SortedMap<string, never>);
    else snapshot[field] = list as ClusterSnapshot[F];
  };
  put('services');
  put('endpointSlices');
  put('nodes');
  put('namespaces');
  return snapshot;
}

/**
 * The snapshot's services by `namespace/name`, without making its list: the map behind it, or
 * one built from its plain array (a source that makes whole lists, such as manifests).
 */
export function servicesByKey(snapshot: ClusterSnapshot): SortedMap<string, ServiceInfo> {
  const list = listOf(snapshot, 'services');
  // snapshotOf is the only maker of snapshot maps, and it takes maps by key only.
  const map = mapOf(list) as SortedMap<string, ServiceInfo> | undefined;
  if (map !== undefined) return map;
  const services = list as readonly ServiceInfo[];
  return SortedMap.fromSorted(byText, services.map(serviceKey), services);
}

/** The snapshot with other services, its other lists taken over unread. */
export function withServices(
  snapshot: ClusterSnapshot,
  services: SortedMap<string, ServiceInfo>,
): ClusterSnapshot {
  // The maps behind a snapshot's lists are snapshotOf's, keyed by string.
  const keep = <F extends keyof ClusterSnapshot>(field: F) =>
    (mapOf<unknown>(listOf(snapshot, field)) ?? snapshot[field]) as SnapshotLists[F];
  return snapshotOf({
    services,
    endpointSlices: keep('endpointSlices'),
    nodes: keep('nodes'),
    namespaces: keep('namespaces'),
  });
}
