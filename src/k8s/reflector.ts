/**
 * Keeps an up-to-date copy of one kind of object: list, then watch from the list's
 * resourceVersion; a 410 Gone (the version was compacted away) means list again; any other
 * failure means wait (jittered exponential back-off) and watch again from the last version seen.
 */
import { Backoff, type BackoffOptions } from '../util/backoff.js';
import { UnreachableError } from '../util/errors.js';
import { KubeApiError, type KubeClient, type WatchEvent } from './kube-client.js';

export interface ResourceSpec {
  /** For messages: `services`, `metallb.io/ipaddresspools`... */
  name: string;
  /** Collection path, e.g. `/api/v1/services` or `/apis/metallb.io/v1beta1/namespaces/x/ipaddresspools`. */
  path: string;
  /** Extra list/watch parameters such as fieldSelector. */
  query?: Record<string, string>;
  /** A kind that may not exist on the server (a CRD): 404 counts as an empty, synced list. */
  optional?: boolean;
}

/** What changed in the store: one object (a watch event), or all of it (a list replaced it). */
export type StoreChange =
  | { type: 'listed' }
  /** `object` is undefined when the object was deleted. */
  | { type: 'event'; key: string; object: KubeObject | undefined };

interface ReflectorOptions {
  /** Called after the store changed (the list replaced it, or a watch event). */
  onChange: (change: StoreChange) => void;
  onError: (err: Error, resource: string) => void;
  backoff?: BackoffOptions;
  /** Server-side watch timeout; the watch is renewed from the last version after it. */
  watchTimeoutSec?: number;
  pageSize?: number;
}

type KubeObject = Record<string, unknown>;

interface ListAnswer {
  kind?: string;
  apiVersion?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: KubeObject[];
}

function meta(obj: KubeObject): { name?: string; namespace?: string; resourceVersion?: string } {
  const m = obj.metadata;
  return typeof m === 'object' && m !== null ? (m as ReturnType<typeof meta>) : {};
}

export function objectKey(obj: KubeObject): string {
  const m = meta(obj);
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

export class ReflectorStoppedError extends UnreachableError {}

/** Thrown inside the loop when the server says our resourceVersion is too old. */
class GoneError extends Error {}

export class Reflector {
  readonly store = new Map<string, KubeObject>();
  /** How many times the reflector had to list (the first list included). */
  lists = 0;
  /** True once the first list completed. */
  synced = false;
  /** False for an optional kind the server does not serve (yet). */
  present = true;
  private resourceVersion = '';
  private goneInARow = 0;
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;
  private syncedWaiters: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  private readonly backoff: BackoffOptions;

  constructor(
    private readonly client: KubeClient,
    readonly resource: ResourceSpec,
    private readonly opts: ReflectorOptions,
  ) {
    this.backoff = opts.backoff ?? { initialMs: 500, maxMs: 30_000, jitter: 0.25 };
  }

  /** Starts the loop; resolves once the first list is in the store, rejects if stopped before. */
  start(): Promise<void> {
    this.running ??= this.loop();
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => this.syncedWaiters.push({ resolve, reject }));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    for (const w of this.syncedWaiters) {
      w.reject(new ReflectorStoppedError(`${this.resource.name}: stopped before the first list completed`));
    }
    this.syncedWaiters = [];
  }

  /** The version the next watch starts from; replaced only by lists and events. */
  get lastResourceVersion(): string {
    return this.resourceVersion;
  }

  private async loop(): Promise<void> {
    const backoff = new Backoff(this.backoff);
    let needList = true;
    while (!this.abort.signal.aborted) {
      try {
        if (needList) {
          await this.list();
          needList = false;
          if (!this.present) {
            // Nothing to watch: look again later in case the CRD gets installed.
            await this.sleep(this.backoff.maxMs);
            needList = true;
            continue;
          }
        }
        await this.watch();
        backoff.reset();
        this.goneInARow = 0;
      } catch (err) {
        if (this.abort.signal.aborted) break;
        const gone = err instanceof GoneError || (err instanceof KubeApiError && err.status === 410);
        // A 410 right after a fresh list is not history running out but a server in trouble:
        // from the second in a row on, it is reported and backed off like any other failure.
        if (gone && !needList) {
          needList = true;
          this.goneInARow++;
          if (this.goneInARow === 1) continue;
        }
        this.opts.onError(err instanceof Error ? err : new Error(String(err)), this.resource.name);
        await this.sleep(backoff.next());
      }
    }
  }

  private async list(): Promise<void> {
    const items = new Map<string, KubeObject>();
    let cont: string | undefined;
    let version = '';
    this.lists++;
    try {
      do {
        const page = await this.client.request<ListAnswer>('GET', this.resource.path, {
          query: { ...this.resource.query, limit: String(this.opts.pageSize ?? 500), continue: cont },
        });
        // List items come without kind and apiVersion; watch events carry them. Make both alike.
        const kind = page.kind?.replace(/List$/, '');
        for (const item of page.items ?? []) {
          items.set(objectKey(item), { kind, apiVersion: page.apiVersion, ...item });
        }
        cont = page.metadata?.continue || undefined;
        version = page.metadata?.resourceVersion ?? '';
      } while (cont);
      this.present = true;
    } catch (err) {
      if (!(this.resource.optional && err instanceof KubeApiError && err.status === 404)) throw err;
      this.present = false;
    }
    this.store.clear();
    for (const [k, v] of items) this.store.set(k, v);
    this.resourceVersion = version;
    this.markSynced();
    this.opts.onChange({ type: 'listed' });
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncedWaiters) w.resolve();
    this.syncedWaiters = [];
  }

  private async watch(): Promise<void> {
    await this.client.watch(
      this.resource.path,
      {
        ...this.resource.query,
        resourceVersion: this.resourceVersion,
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(this.opts.watchTimeoutSec ?? 300),
      },
      (ev) => this.apply(ev),
      this.abort.signal,
    );
  }

  private apply(ev: WatchEvent): void {
    if (ev.type === 'ERROR') {
      // A Status object: 410 Gone when our version fell out of the server's history.
      if (ev.object.code === 410) throw new GoneError(String(ev.object.message ?? 'Gone'));
      throw new KubeApiError('GET', `${this.resource.path}?watch=true`, Number(ev.object.code ?? 0),
        String(ev.object.reason ?? ''), String(ev.object.message ?? 'watch error event')); // prettier-ignore
    }
    const version = meta(ev.object).resourceVersion;
    if (version) this.resourceVersion = version;
    this.goneInARow = 0;
    if (ev.type === 'BOOKMARK') return;
    const key = objectKey(ev.object);
    if (ev.type === 'DELETED') this.store.delete(key);
    else this.store.set(key, ev.object);
    this.opts.onChange({ type: 'event', key, object: ev.type === 'DELETED' ? undefined : ev.object });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      if (signal.aborted) return resolve();
      const t = setTimeout(done, ms);
      // Removed when the time is up too: a reflector sleeps between every look for an absent
      // CRD, and listeners left behind would pile up on the signal for as long as it runs.
      function done() {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
