/**
 * The Kubernetes cluster source: one reflector per kind the planner needs (and, when the server
 * has them, the MetalLB CRDs and the MetalLB ConfigMap), coalesced into one consistent
 * ClusterSnapshot that is handed on only after every kind finished its first list.
 */
import { stringify } from 'yaml';
import type { ClusterSnapshot } from '../sync/cluster.js';
import type { ConfigDocument } from '../sources/config-documents.js';
import {
  endpointSliceFromObject,
  namespaceFromObject,
  nodeFromObject,
  serviceFromObject,
  type ClusterKind,
  type Converted,
  type ObjectProblem,
} from '../sources/kube-objects.js';
import type { KubeClient } from './kube-client.js';
import { objectKey, Reflector, type BackoffOptions, type ResourceSpec } from './reflector.js';

export interface ObjectIssue extends ObjectProblem {
  kind: ClusterKind;
  /** `namespace/name` or `name`. */
  object: string;
}

export interface ClusterUpdate {
  snapshot: ClusterSnapshot;
  /** MetalLB ConfigMap and CRD objects, as YAML, sorted by `file`. */
  configDocuments: ConfigDocument[];
  /** Objects the API served that could not be used (skipped). */
  issues: ObjectIssue[];
}

export interface KubeClusterSourceOptions {
  onUpdate: (update: ClusterUpdate) => void;
  onError: (err: Error, resource: string) => void;
  /** Changes arriving within this window go out as one snapshot. Default 50 ms. */
  coalesceMs?: number;
  /** Where MetalLB's ConfigMap and CRDs live. Default `metallb-system`; null: do not read them. */
  metallbNamespace?: string | null;
  /** The legacy ConfigMap's name. Default `config`. */
  metallbConfigMapName?: string;
  backoff?: BackoffOptions;
  watchTimeoutSec?: number;
}

const CLUSTER_RESOURCES: Record<ClusterKind, ResourceSpec> = {
  Service: { name: 'services', path: '/api/v1/services' },
  EndpointSlice: { name: 'endpointslices', path: '/apis/discovery.k8s.io/v1/endpointslices' },
  Node: { name: 'nodes', path: '/api/v1/nodes' },
  Namespace: { name: 'namespaces', path: '/api/v1/namespaces' },
};

/** The MetalLB CRDs whose objects are configuration (group/version/plural). */
const METALLB_CRDS = [
  'v1beta1/ipaddresspools',
  'v1beta1/bgpadvertisements',
  'v1beta1/communities',
  'v1beta1/bfdprofiles',
  'v1beta2/bgppeers',
];

function configResources(ns: string, configMapName: string): ResourceSpec[] {
  return [
    {
      name: `configmaps/${configMapName}`,
      path: `/api/v1/namespaces/${ns}/configmaps`,
      query: { fieldSelector: `metadata.name=${configMapName}` },
    },
    ...METALLB_CRDS.map((crd) => ({
      name: `metallb.io/${crd}`,
      path: `/apis/metallb.io/${crd.split('/')[0]}/namespaces/${ns}/${crd.split('/')[1]}`,
      optional: true,
    })),
  ];
}

/** The fields a config loader reads; managedFields and the like are noise in its messages. */
function configText(obj: Record<string, unknown>): string {
  const md = { ...((obj.metadata ?? {}) as Record<string, unknown>) };
  for (const noise of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation'])
    delete md[noise];
  return stringify({ ...obj, metadata: md });
}

export class KubeClusterSource {
  private readonly cluster: Record<ClusterKind, Reflector>;
  private readonly config: Reflector[];
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private lastSent = '';

  constructor(
    client: KubeClient,
    private readonly opts: KubeClusterSourceOptions,
  ) {
    const ropts = {
      onChange: () => this.changed(),
      onError: opts.onError,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.watchTimeoutSec ? { watchTimeoutSec: opts.watchTimeoutSec } : {}),
    };
    this.cluster = {
      Service: new Reflector(client, CLUSTER_RESOURCES.Service, ropts),
      EndpointSlice: new Reflector(client, CLUSTER_RESOURCES.EndpointSlice, ropts),
      Node: new Reflector(client, CLUSTER_RESOURCES.Node, ropts),
      Namespace: new Reflector(client, CLUSTER_RESOURCES.Namespace, ropts),
    };
    const ns = opts.metallbNamespace === undefined ? 'metallb-system' : opts.metallbNamespace;
    this.config =
      ns === null
        ? []
        : configResources(ns, opts.metallbConfigMapName ?? 'config').map(
            (r) => new Reflector(client, r, ropts),
          );
  }

  /** Every reflector, for tests and metrics (lists done, last resourceVersion). */
  get reflectors(): Reflector[] {
    return [...Object.values(this.cluster), ...this.config];
  }

  /** Resolves with the first complete update, after every kind's initial list. */
  async start(): Promise<ClusterUpdate> {
    await Promise.all(this.reflectors.map((r) => r.start()));
    this.started = true;
    const update = this.current();
    this.lastSent = JSON.stringify(update);
    return update;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.started = false;
    await Promise.all(this.reflectors.map((r) => r.stop()));
  }

  private changed(): void {
    if (!this.started || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.started) return;
      const update = this.current();
      const text = JSON.stringify(update);
      if (text === this.lastSent) return;
      this.lastSent = text;
      this.opts.onUpdate(update);
    }, this.opts.coalesceMs ?? 50);
  }

  /** Builds the update from every store at one moment, so the snapshot is consistent. */
  current(): ClusterUpdate {
    const issues: ObjectIssue[] = [];
    const convert = <T>(kind: ClusterKind, fn: (o: unknown) => Converted<T>): T[] =>
      [...this.cluster[kind].store.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .flatMap(([key, obj]) => {
          const c = fn(obj);
          if (c.ok) return [c.value];
          issues.push({ kind, object: key, ...c.problem });
          return [];
        });
    const snapshot: ClusterSnapshot = {
      services: convert('Service', serviceFromObject),
      endpointSlices: convert('EndpointSlice', endpointSliceFromObject),
      nodes: convert('Node', nodeFromObject),
      namespaces: convert('Namespace', namespaceFromObject),
    };
    const configDocuments = this.config
      .flatMap((r) =>
        [...r.store.values()].map((obj) => ({
          file: `kubernetes:${String(obj.kind ?? r.resource.name)}/${objectKey(obj)}`,
          text: configText(obj),
        })),
      )
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return { snapshot, configDocuments, issues };
  }
}
