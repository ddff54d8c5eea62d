/**
 * The Kubernetes cluster source: one reflector per kind the planner needs (and, when the server
 * has them, the MetalLB CRDs and the MetalLB ConfigMap). Every watch event converts one object
 * (src/k8s/cluster-objects.ts) and, after the coalescing window, goes out as keyed changes
 * (`onChanges`); a whole ClusterSnapshot is assembled only for the first complete update and for
 * `onUpdate` subscribers. Nothing goes out before every kind finished its first list.
 */
import { stringify } from 'yaml';
import type { ClusterSnapshot } from '../sync/cluster.js';
import type { SnapshotDelta } from '../sync/planner/index.js';
import type { ConfigDocument } from '../sources/config-documents.js';
import type { ClusterKind } from '../sources/kube-objects.js';
import { ClusterObjects, type ObjectIssue } from './cluster-objects.js';
import type { KubeClient } from './kube-client.js';
import {
  objectKey,
  Reflector,
  type BackoffOptions,
  type ResourceSpec,
  type StoreChange,
} from './reflector.js';

export type { ObjectIssue } from './cluster-objects.js';

export interface ClusterUpdate {
  snapshot: ClusterSnapshot;
  /** MetalLB ConfigMap and CRD objects, as YAML, sorted by `file`. */
  configDocuments: ConfigDocument[];
  /** Objects the API served that could not be used (skipped). */
  issues: ObjectIssue[];
}

/** What changed since the last changes (or the first update), by key. */
export interface ClusterChanges {
  delta: SnapshotDelta;
  /** The changed objects that could not be used (they are removed in `delta`). */
  issues: ObjectIssue[];
  /** Present when a MetalLB config object changed: all of them, as in ClusterUpdate. */
  configDocuments?: ConfigDocument[];
}

export interface KubeClusterSourceOptions {
  /** A whole update after each change; assembling it costs time linear in the cluster's size. */
  onUpdate?: (update: ClusterUpdate) => void;
  /** Keyed changes after each change; costs time linear in the change only. */
  onChanges?: (changes: ClusterChanges) => void;
  onError: (err: Error, resource: string) => void;
  /** Changes arriving within this window go out together. Default 50 ms. */
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
  private readonly objects = new ClusterObjects();
  private configChanged = false;
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    client: KubeClient,
    private readonly opts: KubeClusterSourceOptions,
  ) {
    const ropts = (onChange: (change: StoreChange) => void) => ({
      onChange,
      onError: opts.onError,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.watchTimeoutSec ? { watchTimeoutSec: opts.watchTimeoutSec } : {}),
    });
    const kind = (k: ClusterKind): Reflector => {
      const reflector: Reflector = new Reflector(
        client,
        CLUSTER_RESOURCES[k],
        ropts((change) => {
          if (change.type === 'listed') this.objects.replace(k, reflector.store);
          else this.objects.set(k, change.key, change.object);
          this.changed();
        }),
      );
      return reflector;
    };
    this.cluster = {
      Service: kind('Service'),
      EndpointSlice: kind('EndpointSlice'),
      Node: kind('Node'),
      Namespace: kind('Namespace'),
    };
    const ns = opts.metallbNamespace === undefined ? 'metallb-system' : opts.metallbNamespace;
    const configChanged = () => {
      this.configChanged = true;
      this.changed();
    };
    this.config =
      ns === null
        ? []
        : configResources(ns, opts.metallbConfigMapName ?? 'config').map(
            (r) => new Reflector(client, r, ropts(configChanged)),
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
    // The first update carries everything; changes count from it.
    this.objects.drain();
    this.configChanged = false;
    return this.current();
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
      if (this.started) this.flush();
    }, this.opts.coalesceMs ?? 50);
  }

  private flush(): void {
    const configChanged = this.configChanged;
    if (!this.objects.pending && !configChanged) return;
    this.configChanged = false;
    const { delta, issues } = this.objects.drain();
    this.opts.onChanges?.({
      delta,
      issues,
      ...(configChanged ? { configDocuments: this.configDocuments() } : {}),
    });
    this.opts.onUpdate?.(this.current());
  }

  /** The whole cluster now, assembled from the converted objects, sorted by key. */
  current(): ClusterUpdate {
    return {
      snapshot: this.objects.snapshot(),
      configDocuments: this.configDocuments(),
      issues: this.objects.issues(),
    };
  }

  private configDocuments(): ConfigDocument[] {
    return this.config
      .flatMap((r) =>
        [...r.store.values()].map((obj) => ({
          file: `kubernetes:${String(obj.kind ?? r.resource.name)}/${objectKey(obj)}`,
          text: configText(obj),
        })),
      )
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  }
}
