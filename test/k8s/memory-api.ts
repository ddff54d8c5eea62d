/**
 * An in-memory stand-in for the parts of the Kubernetes API the controller uses: lists and
 * watches of the cluster kinds, a Service's GET, status PUT (409 on a stale resourceVersion) and
 * merge PATCH of annotations, Event POSTs, and a ConfigMap's GET, POST and PUT (409 on a stale
 * resourceVersion) outside metallb-system. Every write gets the next resourceVersion and its
 * watch event goes out on a later turn, as from a real server. It counts requests and the
 * writes in flight, overall and per Service, for the unit tests that count them.
 */
import type { WatchEvent } from '../../src/k8s/kube-client.js';
import { KubeApiError } from '../../src/k8s/kube-client.js';

type Obj = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const COLLECTIONS: Record<string, string> = {
  '/api/v1/services': 'Service',
  '/apis/discovery.k8s.io/v1/endpointslices': 'EndpointSlice',
  '/api/v1/nodes': 'Node',
  '/api/v1/namespaces': 'Namespace',
  // MetalLB's legacy ConfigMap; its CRDs are not served (404), as on a cluster without them.
  '/api/v1/namespaces/metallb-system/configmaps': 'ConfigMap',
};

const SERVICE_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+?)(\/status)?$/;
const EVENTS_PATH = /^\/apis\/events\.k8s\.io\/v1\/namespaces\/[^/]+\/events$/;
const CONFIGMAP_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const copy = <T>(x: T): T => structuredClone(x);

function keyOf(obj: Obj): string {
  const md = obj.metadata as { namespace?: string; name: string };
  return md.namespace ? `${md.namespace}/${md.name}` : md.name;
}

export class MemoryApi {
  /** `echoFirst`: a write's watch event comes before its answer (else on the turn after it). */
  constructor(private readonly opts: { echoFirst?: boolean } = {}) {}

  private version = 1;
  private readonly stores = new Map<string, Map<string, Obj>>(
    Object.keys(COLLECTIONS).map((path) => [path, new Map()]),
  );
  private readonly watchers = new Map<string, Set<(ev: WatchEvent) => void>>();
  /** ConfigMaps written through request(), by `namespace/name` (not listed or watched). */
  readonly configMaps = new Map<string, Obj>();
  /** Writes in the order they were answered: `namespace/name status|annotations|event <reason>`. */
  readonly log: string[] = [];
  /** GETs of one Service. */
  reads = 0;
  /** Writes (PUT, PATCH, POST) answered. */
  writes = 0;
  private inFlight = 0;
  maxInFlight = 0;
  private readonly inFlightByService = new Map<string, number>();
  /** The most writes seen in flight at once to one Service. */
  maxInFlightPerService = 0;

  add(obj: Obj): void {
    const kind = String(obj.kind);
    const path = Object.keys(COLLECTIONS).find((p) => COLLECTIONS[p] === kind);
    if (path === undefined) throw new Error(`memory API: no collection for ${kind}`);
    const stored = {
      ...copy(obj),
      metadata: { ...(obj.metadata as Obj), resourceVersion: String(++this.version) },
    };
    this.stores.get(path)!.set(keyOf(stored), stored);
  }

  /** add(), and its ADDED event to the watchers of its kind, as a kubectl create would. */
  create(obj: Obj): void {
    this.add(obj);
    const path = Object.keys(COLLECTIONS).find((p) => COLLECTIONS[p] === String(obj.kind))!;
    const event: WatchEvent = { type: 'ADDED', object: copy(this.stores.get(path)!.get(keyOf(obj))!) };
    for (const w of this.watchers.get(path) ?? []) w(event);
  }

  service(namespace: string, name: string): Obj | undefined {
    return this.stores.get('/api/v1/services')!.get(`${namespace}/${name}`);
  }

  async request<T = unknown>(
    method: Method,
    path: string,
    opts: { body?: unknown; query?: Record<string, string | undefined> } = {},
  ): Promise<T> {
    const store = this.stores.get(path);
    if (store && method === 'GET') {
      const kind = COLLECTIONS[path] ?? '';
      const items = [...store.values()].map(copy);
      return {
        kind: `${kind}List`,
        apiVersion: 'v1',
        metadata: { resourceVersion: String(this.version) },
        items,
      } as T;
    }
    if (EVENTS_PATH.test(path) && method === 'POST') {
      const ev = opts.body as { reason: string; regarding: { namespace: string; name: string } };
      return this.writing('', async () => {
        this.log.push(`${ev.regarding.namespace}/${ev.regarding.name} event ${ev.reason}`);
        return opts.body as T;
      });
    }
    const cm = CONFIGMAP_PATH.exec(path);
    if (cm) return this.configMap(method, path, cm[1]!, cm[2], opts.body as Obj | undefined) as T;
    const m = SERVICE_PATH.exec(path);
    if (!m) throw new KubeApiError(method, path, 404, 'NotFound', 'memory API: no such path');
    const key = `${m[1]}/${m[2]}`;
    const services = this.stores.get('/api/v1/services')!;
    if (method === 'GET') {
      this.reads++;
      const svc = services.get(key);
      if (!svc) throw new KubeApiError(method, path, 404, 'NotFound', `${key} not found`);
      return copy(svc) as T;
    }
    return this.writing(key, async () => {
      const svc = services.get(key);
      if (!svc) throw new KubeApiError(method, path, 404, 'NotFound', `${key} not found`);
      const body = opts.body as Obj & { metadata?: Obj };
      const md = svc.metadata as Obj & { annotations?: Record<string, string> };
      let next: Obj;
      if (method === 'PUT' && m[3]) {
        if (body.metadata?.resourceVersion !== md.resourceVersion)
          throw new KubeApiError(method, path, 409, 'Conflict', 'the object has been modified');
        next = { ...svc, status: copy(body.status) };
      } else if (method === 'PATCH') {
        const annotations: Record<string, string> = { ...md.annotations };
        const patch = (body.metadata?.annotations ?? {}) as Record<string, string | null>;
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) delete annotations[k];
          else annotations[k] = v;
        }
        next = { ...svc, metadata: { ...md, annotations } };
      } else {
        throw new KubeApiError(method, path, 405, 'MethodNotAllowed', 'memory API: not served');
      }
      next = { ...next, metadata: { ...(next.metadata as Obj), resourceVersion: String(++this.version) } };
      services.set(key, next);
      this.log.push(`${key} ${method === 'PUT' ? 'status' : 'annotations'}`);
      const event: WatchEvent = { type: 'MODIFIED', object: copy(next) };
      const deliver = () => {
        for (const w of this.watchers.get('/api/v1/services') ?? []) w(event);
      };
      // The event and the answer travel on different connections: either may come first.
      if (this.opts.echoFirst === true) {
        deliver();
        await nextTurn();
      } else setImmediate(deliver);
      return copy(next) as T;
    });
  }

  private async configMap(
    method: Method,
    path: string,
    namespace: string,
    name: string | undefined,
    body: Obj | undefined,
  ): Promise<Obj> {
    if (method === 'GET') {
      const cm = this.configMaps.get(`${namespace}/${name ?? ''}`);
      if (!cm) throw new KubeApiError(method, path, 404, 'NotFound', `configmap ${name ?? ''} not found`);
      this.log.push(`${namespace}/${name ?? ''} configmap read`);
      return copy(cm);
    }
    const md = (body?.metadata ?? {}) as { name: string; resourceVersion?: string };
    const key = `${namespace}/${md.name}`;
    return this.writing('', async () => {
      const current = this.configMaps.get(key);
      if (method === 'POST' && current)
        throw new KubeApiError(method, path, 409, 'AlreadyExists', `configmap ${md.name} exists`);
      if (method === 'PUT' && !current)
        throw new KubeApiError(method, path, 404, 'NotFound', `configmap ${md.name} not found`);
      if (method === 'PUT' && md.resourceVersion !== (current?.metadata as Obj).resourceVersion)
        throw new KubeApiError(method, path, 409, 'Conflict', 'the object has been modified');
      const stored = {
        ...copy(body!),
        metadata: { ...md, namespace, resourceVersion: String(++this.version) },
      };
      this.configMaps.set(key, stored);
      this.log.push(`${key} configmap ${method === 'POST' ? 'created' : 'updated'}`);
      return copy(stored);
    });
  }

  /** A write answered on a later turn, so that writes overlap as they would over the network. */
  private async writing<T>(key: string, write: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const mine = (this.inFlightByService.get(key) ?? 0) + 1;
    if (key !== '') {
      this.inFlightByService.set(key, mine);
      this.maxInFlightPerService = Math.max(this.maxInFlightPerService, mine);
    }
    try {
      await nextTurn();
      const result = await write();
      this.writes++;
      return result;
    } finally {
      this.inFlight--;
      if (key !== '') this.inFlightByService.set(key, (this.inFlightByService.get(key) ?? 1) - 1);
    }
  }

  watch(
    path: string,
    _query: Record<string, string | undefined>,
    onEvent: (ev: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const set = this.watchers.get(path) ?? new Set();
    this.watchers.set(path, set);
    set.add(onEvent);
    return new Promise((resolve) => {
      const done = () => {
        set.delete(onEvent);
        resolve();
      };
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }
}
