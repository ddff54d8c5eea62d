/**
 * A small JSON client for the Kubernetes API. @kubernetes/client-node supplies the kubeconfig
 * handling (files, KUBECONFIG, in-cluster, exec/token auth, TLS material); the requests are made
 * here so that status codes (409, 410), watch streams and patch content types stay in plain view
 * (docs/architecture.md, "The cluster path"). client-node is imported only when a kubeconfig is
 * loaded: importing it costs about a second and 80 MiB, which commands that never talk to a
 * cluster (version, check, plan --manifests) must not pay.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from 'node:https';
import { createInterface } from 'node:readline';
import { BadInputError, CrsError, ExitCode, UnreachableError } from '../util/errors.js';

/** An HTTP error answer from the API server, with its Status object's reason when there is one. */
export class KubeApiError extends CrsError {
  readonly exitCode = ExitCode.Unreachable;
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    detail: string,
  ) {
    super(`${method} ${path}: HTTP ${status} ${reason}: ${detail}`);
  }
}

export class KubeUnreachableError extends UnreachableError {}

class KubeConfigError extends BadInputError {}

interface KubeConfigSource {
  /** A kubeconfig file; without it: $KUBECONFIG, ~/.kube/config, then the in-cluster account. */
  kubeconfigPath?: string;
  /** A context other than the file's current-context. */
  context?: string;
}

export async function loadKubeConfig(src: KubeConfigSource = {}): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    if (src.kubeconfigPath) kc.loadFromFile(src.kubeconfigPath);
    else kc.loadFromDefault();
    if (src.context) kc.setCurrentContext(src.context);
  } catch (err) {
    throw new KubeConfigError(`cannot load kubeconfig ${src.kubeconfigPath ?? '(default)'}: ${String(err)}`, {
      cause: err,
    });
  }
  if (!kc.getCurrentCluster()) throw new KubeConfigError('kubeconfig has no current cluster');
  return kc;
}

export const PATCH_MERGE = 'application/merge-patch+json';

/** The API path of one Service. */
export function servicePath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${encodeURIComponent(name)}`;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function statusReason(text: string): { reason: string; message: string } {
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed) && parsed.kind === 'Status') {
      return { reason: String(parsed.reason ?? ''), message: String(parsed.message ?? text) };
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the raw text is the best detail there is.
    return { reason: '', message: text.slice(0, 500) };
  }
  return { reason: '', message: text.slice(0, 500) };
}

function serverOf(config: KubeConfig): URL {
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new KubeConfigError('kubeconfig has no current cluster');
  return new URL(cluster.server);
}

/** The TLS material of a request: a new agent is needed only when one of these changes. */
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

/** client-node reads the CA and client certificate files anew for each request: compare contents. */
function sameTls(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameTls(x, b[i]));
  return a === b;
}

export class KubeClient {
  private readonly loaded: Promise<{ config: KubeConfig; server: URL }>;
  private agent: { tls: Pick<RequestOptions, (typeof TLS_FIELDS)[number]>; agent: HttpsAgent } | undefined;

  /**
   * `config` may still be loading (loadKubeConfig's promise), so a caller can hand out a client
   * synchronously; a kubeconfig that fails to load fails every request with its KubeConfigError.
   */
  constructor(config: KubeConfig | Promise<KubeConfig>) {
    this.loaded = Promise.resolve(config).then((c) => ({ config: c, server: serverOf(c) }));
    // Reported through ready() and every request; not an unhandled rejection before the first.
    this.loaded.catch(() => {});
  }

  /** Resolves once the kubeconfig is loaded; rejects with its KubeConfigError. */
  async ready(): Promise<void> {
    await this.loaded;
  }

  private async open(
    method: string,
    path: string,
    query: Record<string, string | undefined>,
    body: string | undefined,
    contentType: string,
    signal?: AbortSignal,
  ): Promise<IncomingMessage> {
    const { config, server } = await this.loaded;
    const url = new URL(server.pathname.replace(/\/$/, '') + path, server);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const opts: RequestOptions = { method, headers: { Accept: 'application/json' } };
    await config.applyToHTTPSOptions(opts);
    // client-node makes a new agent per call, so every request would open its own TLS connection
    // (a handshake and a SecureContext each: most of the controller's CPU per change at 1,000
    // services, measured with --cpu-prof); one keep-alive agent per TLS material reuses them.
    if (url.protocol === 'https:') opts.agent = this.keepAliveAgent(opts);
    opts.headers = { ...opts.headers, ...(body === undefined ? {} : { 'Content-Type': contentType }) };
    if (signal) opts.signal = signal;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, opts, resolve);
      req.on('error', (err) => {
        reject(new KubeUnreachableError(`${method} ${url.href}: ${err.message}`, { cause: err }));
      });
      req.end(body);
    });
  }

  private keepAliveAgent(opts: RequestOptions): HttpsAgent {
    const kept = this.agent;
    if (kept && TLS_FIELDS.every((f) => sameTls(kept.tls[f], opts[f]))) return kept.agent;
    // The old agent is left to its connections: a watch may still be streaming on one.
    const tls = Object.fromEntries(TLS_FIELDS.map((f) => [f, opts[f]])) as Pick<
      RequestOptions,
      (typeof TLS_FIELDS)[number]
    >;
    this.agent = { tls, agent: new HttpsAgent({ ...tls, keepAlive: true }) };
    return this.agent.agent;
  }

  /** One request; a non-2xx answer throws KubeApiError. */
  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    opts: {
      body?: unknown;
      contentType?: string;
      query?: Record<string, string | undefined>;
      /** Gives up (KubeUnreachableError) after this long. */
      timeoutMs?: number;
    } = {},
  ): Promise<T> {
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const signal = opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs);
    const contentType = opts.contentType ?? 'application/json';
    const res = await this.open(method, path, opts.query ?? {}, body, contentType, signal);
    let text = '';
    res.setEncoding('utf8');
    try {
      for await (const chunk of res) text += chunk as string;
    } catch (err) {
      throw new KubeUnreachableError(`${method} ${path}: answer cut off: ${String(err)}`, { cause: err });
    }
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      const { reason, message } = statusReason(text);
      throw new KubeApiError(method, path, status, reason, message);
    }
    return JSON.parse(text) as T;
  }

  /**
   * Streams a watch until the server closes it or `signal` aborts. Resolves normally on either;
   * an HTTP error opening the watch throws KubeApiError.
   */
  async watch(
    path: string,
    query: Record<string, string | undefined>,
    onEvent: (ev: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let res: IncomingMessage;
    try {
      res = await this.open('GET', path, { ...query, watch: 'true' }, undefined, '', signal);
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      let text = '';
      res.setEncoding('utf8');
      for await (const chunk of res) text += chunk as string;
      const { reason, message } = statusReason(text);
      throw new KubeApiError('GET', `${path}?watch=true`, status, reason, message);
    }
    const lines = createInterface({ input: res, crlfDelay: Infinity });
    const iterator = lines[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await iterator.next();
        } catch (err) {
          // Our own stop ends the watch quietly; a dropped connection is the caller's to report.
          if (signal.aborted) return;
          throw new KubeUnreachableError(`watch ${path} broke: ${String(err)}`, { cause: err });
        }
        if (next.done) return;
        if (next.value.trim() === '') continue;
        let ev: unknown;
        try {
          ev = JSON.parse(next.value);
        } catch (err) {
          throw new KubeUnreachableError(`watch ${path}: bad event line`, { cause: err });
        }
        // onEvent may throw (the reflector does on an ERROR event); that ends the watch too.
        if (isRecord(ev) && typeof ev.type === 'string' && isRecord(ev.object)) {
          onEvent({ type: ev.type as WatchEvent['type'], object: ev.object });
        }
      }
    } finally {
      lines.close();
      res.destroy();
    }
  }
}
