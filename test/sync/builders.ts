import type {
  AddressPool,
  AddressRange,
  BgpAdvertisement,
  Config,
  LabelSelector,
  PeerConfig,
  ServiceAllocationRules,
} from '../../src/config/model.js';
import type {
  ClusterSnapshot,
  EndpointSliceInfo,
  NamespaceInfo,
  NodeInfo,
  ServiceInfo,
} from '../../src/sync/cluster.js';
import { familyBits, parseIp } from '../../src/ip/address.js';

/** `10.0.0.0/24` or `10.0.0.5-10.0.0.9` as the config loader would produce it. */
export function range(text: string): AddressRange {
  const [a, b] = text.includes('-') ? text.split('-') : [text, undefined];
  if (b !== undefined) {
    const first = parseIp(a as string);
    const last = parseIp(b);
    if (!first || !last) throw new Error(`bad range ${text}`);
    return { text, family: first.family, first: first.value, last: last.value };
  }
  const [addr, len] = (a as string).split('/');
  const ip = parseIp(addr as string);
  if (!ip) throw new Error(`bad cidr ${text}`);
  const host = BigInt(familyBits(ip.family) - Number(len));
  const first = (ip.value >> host) << host;
  return { text, family: ip.family, first, last: first + (1n << host) - 1n };
}

export function selector(matchLabels: Record<string, string> = {}): LabelSelector {
  return { matchLabels, matchExpressions: [] };
}

export function advertisement(over: Partial<BgpAdvertisement> = {}): BgpAdvertisement {
  return {
    name: 'adv',
    aggregationLength: 32,
    aggregationLengthV6: 128,
    communities: [],
    largeCommunities: [],
    peers: [],
    nodeSelectors: [],
    ...over,
  };
}

export function pool(name: string, addresses: string[], over: Partial<AddressPool> = {}): AddressPool {
  return {
    name,
    protocol: 'bgp',
    addresses: addresses.map(range),
    autoAssign: true,
    avoidBuggyIps: false,
    bgpAdvertisements: [],
    ...over,
  };
}

/** A pool's serviceAllocation: priority 0, no namespace or service selection, then `over`. */
export function allocation(over: Partial<ServiceAllocationRules> = {}): ServiceAllocationRules {
  return { priority: 0, namespaces: [], namespaceSelectors: [], serviceSelectors: [], ...over };
}

export function peer(peerAddress: string, over: Partial<PeerConfig> = {}): PeerConfig {
  return {
    name: `peer-${peerAddress}`,
    peerAddress,
    peerAsn: 64501,
    myAsn: 64500,
    peerPort: 179,
    holdTimeSec: 90,
    keepaliveTimeSec: 30,
    connectTimeSec: 10,
    ebgpMultiHop: false,
    ttlSecurity: false,
    nodeSelectors: [],
    ...over,
  };
}

export function config(pools: AddressPool[], peers: PeerConfig[] = [], over: Partial<Config> = {}): Config {
  return {
    speaker: { listenPort: 179, gracefulRestartTimeSec: 120 },
    peers,
    pools,
    kubernetes: { mode: 'manifests', metallbNamespace: 'metallb-system' },
    manageNeighbors: false,
    neighborDescription: 'cluster-router-sync',
    verifyIntervalSec: 30,
    ...over,
  };
}

export function service(name: string, over: Partial<ServiceInfo> = {}): ServiceInfo {
  return {
    namespace: 'default',
    name,
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Cluster',
    ipFamilies: [4],
    ipFamilyPolicy: 'SingleStack',
    selector: { app: name },
    ports: [{ protocol: 'TCP', port: 80 }],
    labels: {},
    annotations: {},
    statusIngress: [],
    ...over,
  };
}

export function node(name: string, internalIPs: string[], over: Partial<NodeInfo> = {}): NodeInfo {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name },
    internalIPs,
    ready: true,
    unschedulable: false,
    networkUnavailable: false,
    ...over,
  };
}

/** A slice with one ready endpoint per node named. */
export function slice(
  serviceName: string,
  nodes: string[],
  over: Partial<EndpointSliceInfo> = {},
  namespace = 'default',
): EndpointSliceInfo {
  return {
    namespace,
    name: `${serviceName}-${over.addressType ?? 'IPv4'}`,
    serviceName,
    addressType: 'IPv4',
    endpoints: nodes.map((n, i) => ({ addresses: [`10.244.${i}.1`], ready: true, nodeName: n })),
    ...over,
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): NamespaceInfo {
  return { name, labels };
}

export function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return { services: [], endpointSlices: [], nodes: [], namespaces: [], ...over };
}

/**
 * Services svc-1..svc-n holding 10.96.x.y by number (statuses written back), Local policy, each
 * with one endpoint on the node `on(i)` names; nodes n1.. at 192.168.201.11 onwards.
 */
export function numberedServices(n: number, nodeNames: string[], on: (i: number) => string): ClusterSnapshot {
  return snapshot({
    nodes: nodeNames.map((name, i) => node(name, [`192.168.201.${11 + i}`])),
    services: Array.from({ length: n }, (_, k) =>
      service(`svc-${k + 1}`, {
        externalTrafficPolicy: 'Local',
        statusIngress: [`10.96.${(k + 1) >> 8}.${(k + 1) & 255}`],
      }),
    ),
    endpointSlices: Array.from({ length: n }, (_, k) => slice(`svc-${k + 1}`, [on(k + 1)])),
  });
}
