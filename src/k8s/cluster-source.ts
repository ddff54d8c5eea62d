/**
 * The Kubernetes cluster source: one reflector per kind the planner needs (and, when the server
 * has them, the MetalLB CRDs and the MetalLB ConfigMap). Every watch event converts one object
 * (src/k8s/cluster-objects.ts); after the coalescing window the update goes out with its
 * snapshot carrying those keyed changes, which the incremental planner applies as they are: no
 * conversion, sort, diff or JSON of the whole cluster per change. Nothing goes out before every
 * kind finished its first list.
 */
import { stringify } from 'yaml';
import { serviceKey, type ClusterSnapshot } from '../sync/cluster.js';
import { carryDelta } from '../sync/planner/snapshot-delta.js';
import type { ConfigDocument } from '../sources/config-documents.js';
import type { ClusterKind } from '../sources/kube-objects.js';
import { ClusterObjects, type ObjectIssue, type RawObject } from './cluster-objects.js';
import type { KubeClient } from './kube-client.js';
import type { BackoffOptions } from '../util/backoff.js';
import { objectKey, Reflector, type ResourceSpec, type StoreChange } from './reflector.js';
import type { OwnWrites } from './own-writes.js';

export type { ObjectIssue } from './cluster-objects.js';

export interface ClusterUpdate {
  snapshot: ClusterSnapshot;
  /** MetalLB ConfigMap and CRD objects, as YAML, sorted by `file`. */
  configDocuments: ConfigDocument[];
  /** Objects the API served that could not be used (skipped). */
  issues: ObjectIssue[];
  /**
   * The Services (`namespace/name`) added, changed or deleted since the previous update; unset
   * on the first update, which carries everything.
   */
  changedServices?: ReadonlySet<string>;
}

export interface KubeClusterSourceOptions {
  /**
   * The cluster after each change. Its snapshot carries the change by key (carryDelta), so the
   * incremental planner takes it without diffing; its lists are versions of persistent maps
   * (src/util/sorted-map.ts), made into arrays only when a whole reader reads them.
   */
  onUpdate: (update: ClusterUpdate) => void;
  onError: (err: Error, resource: string) => void;
  /** Changes arriving within this window go out together. Default 50 ms. */
  coalesceMs?: number;
  /** Where MetalLB's ConfigMap and CRDs live. Default `metallb-system`; null: do not read them. */
  metallbNamespace?: string | null;
  /** The legacy ConfigMap's name. Default `config`. */
  metallbConfigMapName?: string;
  backoff?: BackoffOptions;
  watchTimeoutSec?: number;
  /**
   * Our own writes to Services. Their watch events (echoes) go into the store like any other,
   * but alone they send no update while `holdEchoes` says so; they go out with the next other
   * change, or when `releaseEchoes()` is called, and are not in `changedServices`.
   */
  ownWrites?: OwnWrites;
  /** True while the writer's round is running: its echoes wait for the round's end. */
  holdEchoes?: () => boolean;
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

function sameDocuments(a: readonly ConfigDocument[], b: readonly ConfigDocument[]): boolean {
  return a.length === b.length && a.every((d, i) => d.file === b[i]?.file && d.text === b[i].text);
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
  /** The MetalLB config documents, rebuilt only when one of their objects changed. */
  private documents: ConfigDocument[] = [];
  /** The snapshot last handed out, which the next one's carried delta starts from. */
  private last: ClusterSnapshot | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  /** A change since the last update that is not an echo of our own write. */
  private loud = false;
  /** Services with a change since the last update that is not an echo of our own write. */
  private readonly loudServices = new Set<string>();
  /** Services whose every change since the last update was an echo of our own write. */
  private readonly echoServices = new Set<string>();
  /** Watch events that came while our write of their Service was in flight, until it is answered. */
  private readonly undecided = new Map<string, RawObject[]>();

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
          const loud = k === 'Service' ? this.serviceChange(change) : true;
          if (loud !== undefined) this.changed(loud);
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
    if (opts.ownWrites) opts.ownWrites.settled = (key) => this.settled(key);
    const ns = opts.metallbNamespace === undefined ? 'metallb-system' : opts.metallbNamespace;
    const configChanged = () => {
      // An absent CRD is listed again every backoff.maxMs (30 s by default), and a list finds what
      // the watch already delivered: only documents that differ are a change. Each such list
      // re-planned the whole cluster (every 30 s through the first round at 10,000 Services).
      const documents = this.configDocuments();
      if (sameDocuments(documents, this.documents)) return;
      this.documents = documents;
      this.configChanged = true;
      this.changed(true);
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

  /** A Service as the watch last delivered it (`namespace/name`), if known. */
  service(key: string): Readonly<Record<string, unknown>> | undefined {
    return this.cluster.Service.store.get(key);
  }

  /** Resolves with the first complete update, after every kind's initial list. */
  async start(): Promise<ClusterUpdate> {
    await Promise.all(this.reflectors.map((r) => r.start()));
    this.started = true;
    // The first update carries everything; changes count from it.
    this.objects.drain();
    this.configChanged = false;
    this.loud = false;
    this.loudServices.clear();
    this.echoServices.clear();
    this.documents = this.configDocuments();
    return this.current();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.started = false;
    await Promise.all(this.reflectors.map((r) => r.stop()));
  }

  /**
   * Whether a Service change is news (true), the echo of our own write (false), or not known yet
   * (undefined: the event came before our write's answer, and is decided by `settled`).
   */
  private serviceChange(change: StoreChange): boolean | undefined {
    const own = this.opts.ownWrites;
    if (own === undefined) return true;
    if (change.type === 'listed') {
      // A relist replaces events: echoes it folded in never come, and every change counts.
      own.forget();
      this.undecided.clear();
      this.echoServices.clear();
      return true;
    }
    const { key, object } = change;
    if (object === undefined) own.forget(key);
    else if (own.isEcho(key, object)) return this.echo(key);
    else if (own.writing(key)) {
      const waiting = this.undecided.get(key);
      if (waiting) waiting.push(object);
      else this.undecided.set(key, [object]);
      return undefined;
    }
    return this.news(key);
  }

  private echo(key: string): false {
    if (!this.loudServices.has(key)) this.echoServices.add(key);
    return false;
  }

  private news(key: string): true {
    this.echoServices.delete(key);
    this.loudServices.add(key);
    return true;
  }

  /** Our write of `key` was answered: the events that came before the answer are decided now. */
  private settled(key: string): void {
    const own = this.opts.ownWrites;
    const waiting = this.undecided.get(key);
    if (own === undefined || waiting === undefined) return;
    this.undecided.delete(key);
    const loud = waiting.map((object) => (own.isEcho(key, object) ? this.echo(key) : this.news(key)));
    this.changed(loud.includes(true));
  }

  private changed(loud: boolean): void {
    if (loud) this.loud = true;
    if (!this.started || this.timer || this.holding()) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.started && !this.holding()) this.flush();
    }, this.opts.coalesceMs ?? 50);
  }

  /** Echoes alone wait while the writer's round runs: they would only re-plan what it wrote. */
  private holding(): boolean {
    return !this.loud && this.opts.holdEchoes?.() === true;
  }

  /** The writer's round ended: echoes held back go out (one update for all of them). */
  releaseEchoes(): void {
    if (this.objects.pending) this.changed(false);
  }

  private flush(): void {
    if (!this.objects.pending && !this.configChanged) return;
    const { delta } = this.objects.drain();
    this.configChanged = false;
    const previous = this.last;
    const update = this.current();
    if (previous) carryDelta(previous, delta, update.snapshot);
    // Echoes of our own writes are in the snapshot and its delta (the planner and the next round
    // see the status as written) but not news to the controller. A Service whose event was
    // decided to be news after the update that carried it is news now.
    const changedServices = new Set([
      ...[
        ...(delta.services?.upsert ?? []).map(serviceKey),
        ...(delta.services?.remove ?? []).map(serviceKey),
      ].filter((key) => !this.echoServices.has(key)),
      ...this.loudServices,
    ]);
    this.loud = false;
    this.loudServices.clear();
    this.echoServices.clear();
    this.opts.onUpdate({ ...update, changedServices });
  }

  /** The whole cluster now: the converted objects by key, and the MetalLB config. */
  current(): ClusterUpdate {
    const snapshot = this.objects.snapshot();
    this.last = snapshot;
    return { snapshot, configDocuments: this.documents, issues: this.objects.issues() };
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
