/**
 * The slice of Kubernetes objects the planner needs, already parsed out of API objects or
 * manifests by the sources. Keeping this narrow lets the planner stay pure and fast.
 */

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

/** One consistent view of the cluster, handed to the planner as a whole. */
export interface ClusterSnapshot {
  services: ServiceInfo[];
  endpointSlices: EndpointSliceInfo[];
  nodes: NodeInfo[];
  namespaces: NamespaceInfo[];
}

export function serviceKey(s: { namespace: string; name: string }): string {
  return `${s.namespace}/${s.name}`;
}
