/**
 * The one internal configuration model. Our own YAML, the MetalLB legacy ConfigMap and the MetalLB
 * CRDs are all loaded into this shape, so nothing downstream knows which form the user wrote.
 */

import type { RouteCommunity, RouteLargeCommunity } from '../ip/community.js';

export type Dialect = 'auto' | 'quagga' | 'frr' | 'bird';
export type RouterTransportKind = 'ssh' | 'local' | 'recorded';

export interface RouterAccess {
  transport: RouterTransportKind;
  /** ssh: router address or name. */
  host?: string;
  port: number;
  user?: string;
  privateKeyFile?: string;
  useAgent: boolean;
  /** Exactly one of these pins the router's host key for ssh. */
  knownHostsFile?: string;
  hostKeyFingerprint?: string;
  dialect: Dialect;
  vtyshPath: string;
  /** recorded: directory with `show ...` outputs. */
  recordedDir?: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Most bytes one vtysh run may print (stdout and stderr together); more fails the run. */
  maxOutputBytes: number;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A Kubernetes label selector; an empty one selects everything. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export interface PeerConfig {
  /** Stable name: the CRD's metadata.name, or `peer-<address>` for the ConfigMap form. */
  name: string;
  peerAddress: string;
  peerAsn: number;
  myAsn: number;
  peerPort: number;
  /** Seconds; 0 disables keepalives and hold timer (RFC 4271). */
  holdTimeSec: number;
  keepaliveTimeSec: number;
  connectTimeSec: number;
  routerId?: string;
  /**
   * Our side of the session. With `sourceAddresses` it is the first of them, so code that knows
   * only one session (neighbor lines, reports) keeps working for slot 0.
   */
  sourceAddress?: string;
  /**
   * Our own form only: one session per address to the same router, each carrying one next hop
   * per prefix (ECMP path slots for routers without ADD-PATH receive). At least one address,
   * all of the peer's family, no duplicates; never set together with a written `sourceAddress`.
   */
  sourceAddresses?: string[];
  password?: string;
  passwordSecret?: { namespace?: string; name: string; key: string };
  ebgpMultiHop: boolean;
  /**
   * Whether the session carries prefixes of the other family too (MP-BGP, RFC 4760). MetalLB's
   * forms set it from `dualStackAddressFamily` (default false: each family only to peers of that
   * family, as MetalLB's FRR speaker does); absent, as in our own form, both families go.
   */
  dualStackAddressFamily?: boolean;
  ttlSecurity: boolean;
  /** Nodes this peer may use as next hops; no selectors means every node. */
  nodeSelectors: LabelSelector[];
  bfdProfile?: string;
}

/** One block of a pool, as an inclusive first..last range of one family. */
export interface AddressRange {
  /** As the user wrote it (CIDR or `a-b`), for messages and reports. */
  text: string;
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

export interface ServiceAllocationRules {
  /** Lower wins; 0 means "no priority" and sorts last (MetalLB). */
  priority: number;
  namespaces: string[];
  namespaceSelectors: LabelSelector[];
  serviceSelectors: LabelSelector[];
}

export interface BgpAdvertisement {
  name: string;
  aggregationLength: number;
  aggregationLengthV6: number;
  localPref?: number;
  /** Standard communities as values (canonical `ASN:VALUE` text), aliases already resolved. */
  communities: RouteCommunity[];
  /** Large communities as values (canonical `A:B:C` text). */
  largeCommunities: RouteLargeCommunity[];
  /** Peer names this advertisement goes to; empty means all peers. */
  peers: string[];
  nodeSelectors: LabelSelector[];
  /** Only services whose labels one of these selects are announced; absent means every service. */
  serviceSelectors?: LabelSelector[];
}

export interface AddressPool {
  name: string;
  /**
   * `none`: a CRD pool that no BGPAdvertisement or L2Advertisement selects; as with layer2
   * (which we do not speak), its addresses are allocated but announced to nobody.
   */
  protocol: 'bgp' | 'layer2' | 'none';
  addresses: AddressRange[];
  autoAssign: boolean;
  avoidBuggyIps: boolean;
  /**
   * The config loader always lists them explicitly (it materializes the ConfigMap's implicit
   * default advertisement, named after the pool). An empty list on a bgp pool still means "one
   * default advertisement" as in MetalLB, for configs built in code.
   */
  bgpAdvertisements: BgpAdvertisement[];
  serviceAllocation?: ServiceAllocationRules;
}

export interface SpeakerConfig {
  /** Where our speaker listens (collector/passive) and binds outgoing sessions. */
  listenAddress?: string;
  listenPort: number;
  /** Graceful-restart time we advertise, seconds. */
  gracefulRestartTimeSec: number;
  /**
   * Marker that a run of ours announced routes; while it exists at start, our OPENs carry the
   * graceful-restart R bit (RFC 4724 §3). Unset: never set the R bit.
   */
  stateFile?: string;
}

/** `healthChecks:` (our own form only): see src/health and docs/health-checks.md. */
export interface HealthChecksConfig {
  enabled: boolean;
  /** Per probe target. */
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failed probes before a next hop is withdrawn. */
  unhealthyThreshold: number;
  /** Consecutive good probes before it is announced again. */
  healthyThreshold: number;
  /** kube-proxy's healthz port, probed for Cluster-policy services. */
  nodeHealthPort: number;
}

export interface KubernetesSource {
  mode: 'cluster' | 'manifests';
  kubeconfig?: string;
  manifestsPath?: string;
  /** How long an object missing from the manifests is kept before it counts as deleted. */
  manifestsGraceMs?: number;
  /** Namespace of the MetalLB ConfigMap / CRDs when read from the cluster. */
  metallbNamespace: string;
}

export interface Config {
  router?: RouterAccess;
  speaker: SpeakerConfig;
  peers: PeerConfig[];
  pools: AddressPool[];
  kubernetes: KubernetesSource;
  /** Only services with this spec.loadBalancerClass; unset means services with no class. */
  loadBalancerClass?: string;
  /** Let `run` re-add our neighbor statements on the router when they go missing. */
  manageNeighbors: boolean;
  /** Description written on router neighbor lines we own. */
  neighborDescription: string;
  verifyIntervalSec: number;
  /**
   * `run` announces and never reads the router (no router: section, no verification, no neighbor
   * upkeep); only ever set explicitly. Absent means false.
   */
  announceOnly?: boolean;
  /**
   * As written; absent means the run's default (on when `run` reads a cluster, off for manifests
   * and the demo).
   */
  healthChecks?: HealthChecksConfig;
}

/** A non-fatal finding while loading config (unknown fields, accepted-but-unsupported keys). */
export interface ConfigWarning {
  file: string;
  /** 1-based line in `file`, when known. */
  line?: number;
  path: string;
  message: string;
}
