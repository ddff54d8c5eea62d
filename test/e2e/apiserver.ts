/**
 * A real kube-apiserver on etcd for the Kubernetes tests: both on loopback with
 * random ports, a temp dir for everything, token authentication and RBAC. The API server binary
 * is built once by test/e2e/build-apiserver.sh into a per-version cache outside the repository.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'mocha';
import { stringify } from 'yaml';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';

const here = new URL('.', import.meta.url).pathname;

/** The k8s.io/kubernetes version pinned in test/e2e/apiserver/go.mod. */
export function pinnedKubernetesVersion(): string {
  const gomod = readFileSync(join(here, 'apiserver', 'go.mod'), 'utf8');
  const m = /^\s*(?:require\s+)?k8s\.io\/kubernetes\s+(v[0-9.]+)/m.exec(gomod);
  if (!m?.[1]) throw new Error('test/e2e/apiserver/go.mod pins no k8s.io/kubernetes version');
  return m[1];
}

/** Where build-apiserver.sh puts the binary; keep the two in step. */
export function apiServerBinaryPath(): string {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'cluster-router-sync', `kube-apiserver-${pinnedKubernetesVersion()}`);
}

/**
 * Skips (or in CI fails) a test when etcd, openssl or the built kube-apiserver is missing.
 * Use from `before`/`it` with `function () {}` so `this` is the mocha context.
 */
export function requireApiServer(ctx: Context): void {
  requireLab(ctx, { commands: ['etcd', 'openssl'] });
  if (existsSync(apiServerBinaryPath())) return;
  const message = `kube-apiserver not built at ${apiServerBinaryPath()} (run: bash test/e2e/build-apiserver.sh)`;
  if (process.env.CI === 'true') throw new Error(`${message} — CI must provide it`);
  process.stderr.write(`  skipping: ${message}\n`);
  ctx.skip();
}

export interface ApiServerOptions {
  /**
   * false serves every watch straight from etcd, so compacting etcd makes an old
   * resourceVersion answer 410 Gone; the default (true) is what real clusters run.
   */
  watchCache?: boolean;
  /**
   * `--service-node-port-range`; the default 30000-32767 holds 2,768 ports, and every Service
   * with externalTrafficPolicy Local takes one for its health check.
   */
  serviceNodePortRange?: string;
}

export interface ApiUser {
  name: string;
  token: string;
}

export interface ApiServer {
  /** https://127.0.0.1:<port> */
  url: string;
  caPem: string;
  /** In system:masters. */
  admin: ApiUser;
  /** Authenticated, in no group and bound to nothing: every RBAC grant must be given to it. */
  restricted: ApiUser;
  etcdUrl: string;
  dir: string;
  /** A kubeconfig for the given token, written under `dir`; returns its path. */
  writeKubeconfig(user: ApiUser, fileName?: string): Promise<string>;
  kubeconfigText(user: ApiUser): string;
  /** Admin request helper for test setup: JSON in, JSON out, throws on HTTP errors. */
  adminRequest<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** Compacts etcd up to its current revision; returns that revision. */
  compactEtcd(): Promise<number>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A throwaway CA, a serving cert for 127.0.0.1 and the service-account signing key pair. */
async function makeCerts(dir: string): Promise<void> {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=crs-e2e-ca',
    '-days',
    '2',
  ]);
  openssl(dir, ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver']);
  await writeFile(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(dir, [
    'x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext',
  ]); // prettier-ignore
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'sa.key']);
  openssl(dir, ['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

interface Daemon {
  proc: ChildProcess;
  log: string;
  exited: Promise<void>;
}

function startDaemon(cmd: string, args: string[], log: string): Daemon {
  const out = createWriteStream(log);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.pipe(out);
  proc.stderr?.pipe(out);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  return { proc, log, exited };
}

async function stopDaemon(d: Daemon): Promise<void> {
  if (d.proc.exitCode !== null || d.proc.signalCode !== null) return;
  d.proc.kill('SIGTERM');
  const killer = setTimeout(() => d.proc.kill('SIGKILL'), 10_000);
  await d.exited;
  clearTimeout(killer);
}

async function logTail(d: Daemon): Promise<string> {
  const text = await readFile(d.log, 'utf8').catch(() => '');
  return text.split('\n').slice(-30).join('\n');
}

function httpJson(
  url: string,
  opts: {
    method?: string;
    token?: string;
    ca?: string;
    body?: string;
    contentType?: string;
    agent?: HttpsAgent;
  },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      {
        method: opts.method ?? 'GET',
        headers,
        ...(opts.ca ? { ca: opts.ca } : {}),
        ...(opts.agent ? { agent: opts.agent } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Starts etcd and kube-apiserver; on any failure everything started so far is stopped again. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-apiserver-'));
  const daemons: Daemon[] = [];
  // Setup requests reuse their TLS connections: a handshake per request held bulk loads (the
  // kube-path bench's 20,000 objects) to about 11 objects/s on the shared machine.
  const adminAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32 });
  const cleanup = async () => {
    adminAgent.destroy();
    for (const d of daemons.reverse()) await stopDaemon(d);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await makeCerts(dir);
    const admin: ApiUser = { name: 'crs-admin', token: randomBytes(16).toString('hex') };
    const restricted: ApiUser = { name: 'crs-restricted', token: randomBytes(16).toString('hex') };
    await writeFile(
      join(dir, 'tokens.csv'),
      `${admin.token},${admin.name},uid-admin,"system:masters"\n${restricted.token},${restricted.name},uid-restricted\n`,
    );

    const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const peerUrl = `http://127.0.0.1:${peerPort}`;
    const etcd = startDaemon(
      'etcd',
      [
        '--name=e2e',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=e2e=${peerUrl}`,
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    daemons.push(etcd);
    await waitFor('etcd /health', async () => {
      if (etcd.proc.exitCode !== null) throw new Error(`etcd exited: ${await logTail(etcd)}`);
      return (await httpJson(`${etcdUrl}/health`, {})).status === 200;
    });

    const url = `https://127.0.0.1:${apiPort}`;
    const apiserver = startDaemon(
      apiServerBinaryPath(),
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--tls-cert-file=${join(dir, 'server.crt')}`,
        `--tls-private-key-file=${join(dir, 'server.key')}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        `--service-account-key-file=${join(dir, 'sa.pub')}`,
        `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/12',
        // A loopback address is not a valid endpoint for the `kubernetes` Service.
        '--endpoint-reconciler-type=none',
        `--watch-cache=${opts.watchCache ?? true}`,
        ...(opts.serviceNodePortRange ? [`--service-node-port-range=${opts.serviceNodePortRange}`] : []),
        '--profiling=false',
      ],
      join(dir, 'kube-apiserver.log'),
    );
    daemons.push(apiserver);
    const caPem = await readFile(join(dir, 'ca.crt'), 'utf8');
    await waitFor(
      'kube-apiserver /readyz',
      async () => {
        if (apiserver.proc.exitCode !== null)
          throw new Error(`kube-apiserver exited: ${await logTail(apiserver)}`);
        return (await httpJson(`${url}/readyz`, { token: admin.token, ca: caPem })).status === 200;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    ).catch(async (err: unknown) => {
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n${await logTail(apiserver)}`);
    });

    const kubeconfigText = (user: ApiUser): string =>
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'e2e',
            cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
          },
        ],
        users: [{ name: user.name, user: { token: user.token } }],
        contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: user.name } }],
        'current-context': 'e2e',
      });

    return {
      url,
      caPem,
      admin,
      restricted,
      etcdUrl,
      dir,
      kubeconfigText,
      async writeKubeconfig(user, fileName = `kubeconfig-${user.name}`) {
        const path = join(dir, fileName);
        await writeFile(path, kubeconfigText(user), { mode: 0o600 });
        return path;
      },
      async adminRequest<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
        const res = await httpJson(`${url}${path}`, {
          method,
          token: admin.token,
          ca: caPem,
          agent: adminAgent,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(contentType ? { contentType } : {}),
        });
        if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.text}`);
        return JSON.parse(res.text) as T;
      },
      async compactEtcd() {
        // etcd's gRPC gateway: a range read returns the current revision in its header.
        const range = await httpJson(`${etcdUrl}/v3/kv/range`, {
          method: 'POST',
          body: JSON.stringify({ key: Buffer.from('/').toString('base64') }),
        });
        const revision = Number((JSON.parse(range.text) as { header: { revision: string } }).header.revision);
        const res = await httpJson(`${etcdUrl}/v3/kv/compaction`, {
          method: 'POST',
          body: JSON.stringify({ revision, physical: true }),
        });
        if (res.status !== 200) throw new Error(`etcd compaction failed: HTTP ${res.status}: ${res.text}`);
        return revision;
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
