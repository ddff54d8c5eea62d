/**
 * The whole system with only real parts: a kube-apiserver on etcd (root namespace,
 * 127.0.0.1), FRR (zebra + bgpd) in the lab's router namespace, a real sshd in front of its vtysh,
 * and our `run` as child processes in the lab's speaker namespace. The children reach the API
 * server and sshd through Unix-socket bridges (test/lab/unix-bridge.ts), so every address is
 * loopback or inside the lab's namespaces.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../../lab/frr.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { sshRouterYaml, startSshd, type Sshd } from '../../lab/sshd.js';
import { LAB_ROUTER_PEERS_YAML } from '../../lab/speaker-peer.js';
import { tcpToUnixScript, unixToTcp } from '../../lab/unix-bridge.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../apiserver.js';
import { createObject, objectPath, type KubeObject } from '../kube-objects.js';
import { spawnTsxIn } from '../../lab/tsx-in-namespace.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const seed = join(root, 'fixtures', 'seed');

/** Commands the full system needs besides etcd, openssl and the built kube-apiserver. */
export const FULL_SYSTEM_COMMANDS = [
  'ip',
  'vtysh',
  '/usr/lib/frr/bgpd',
  '/usr/lib/frr/zebra',
  '/usr/sbin/sshd',
  'ssh-keygen',
];

export const LEASE_PATH = '/apis/coordination.k8s.io/v1/namespaces/metallb-system/leases/cluster-router-sync';

export interface RunChild {
  identity: string;
  /** The HTTP status of GET <path> on the child's metrics address (inside the speaker namespace). */
  httpStatus(path: string): Promise<number>;
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Sends the signal and resolves with the exit code (null after a kill signal). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export interface RunOptions {
  /**
   * The built CLI's entry point (test/docs/support/built-app.ts), run as users run it, so the
   * process holds no TypeScript compiler: what benchmarks measure. Default: the sources via tsx.
   */
  entry?: string;
  /** `--log-level`; default debug, which tests read. */
  logLevel?: string;
  /** Node's own options before the entry point (`--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs?: string[];
}

export interface FullSystemOptions {
  verifyIntervalSec?: number;
  apiServer?: ApiServerOptions;
  /** Our config file's text instead of ownConfig's (the peers, pools and settings a bench needs). */
  config?: (sshd: Sshd) => string;
  /**
   * Ports on 127.0.0.1 of the root namespace that the children reach at the same port on their own
   * 127.0.0.1 (a bench's collector speaker), bridged like the API server.
   */
  rootPorts?: number[];
}

export interface FullSystem {
  api: ApiServer;
  lab: Lab;
  frr: FrrRouter;
  sshd: Sshd;
  dir: string;
  configFile: string;
  kubeconfig: string;
  /** Starts `run --leader-elect` in the speaker namespace as replica `identity` (POD_NAME). */
  startRun(identity: string, opts?: RunOptions): RunChild;
  /** Stops everything, each step even when an earlier one fails. */
  stop(): Promise<void>;
}

/**
 * The seed's cluster through the API, as a cluster would hold it: the metallb-system namespace,
 * the seed's MetalLB ConfigMap, its three Nodes (status written like a kubelet's), Services and
 * EndpointSlices (created as the endpoint controller would). The `kubernetes` Service exists
 * already (the API server makes it).
 */
export async function loadSeed(api: ApiServer): Promise<void> {
  await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'metallb-system' } });
  await createObject(api, parse(await readFile(join(seed, 'metallb-config.yaml'), 'utf8')) as KubeObject);
  const nodes = parse(await readFile(join(seed, 'manifests', 'nodes.yaml'), 'utf8')) as {
    items: KubeObject[];
  };
  for (const node of nodes.items) {
    const created = await createObject<KubeObject>(api, node);
    await api.adminRequest('PUT', `${objectPath(node)}/status`, { ...created, status: node.status });
  }
  for (const file of ['services.yaml', 'endpointslices.yaml']) {
    const text = await readFile(join(seed, 'manifests', file), 'utf8');
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as KubeObject | null;
      if (!o || (o.kind === 'Service' && o.metadata.name === 'kubernetes')) continue;
      // The server sets creationTimestamp itself; the seed's value is ignored.
      await createObject(api, o);
    }
  }
}

function ownConfig(sshd: Sshd, verifyIntervalSec: number): string {
  return [
    'apiVersion: cluster-router-sync.io/v1alpha1',
    'kind: ClusterRouterSyncConfig',
    'router:',
    ...sshRouterYaml(sshd),
    '  dialect: frr',
    ...LAB_ROUTER_PEERS_YAML,
    // No pools: run takes them from the seed's MetalLB ConfigMap in the cluster.
    'manageNeighbors: true',
    `verifyIntervalSec: ${verifyIntervalSec}`,
    '',
  ].join('\n');
}

export async function startFullSystem(opts: FullSystemOptions = {}): Promise<FullSystem> {
  const stops: Array<() => Promise<unknown>> = [];
  const children: RunChild[] = [];
  const stop = async () => {
    const failures: unknown[] = [];
    const steps = [
      ...children.map((c) => async () => {
        if (c.proc.exitCode === null && c.proc.signalCode === null) await c.kill('SIGKILL');
      }),
      ...stops.reverse(),
    ];
    for (const step of steps) await step().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw new AggregateError(failures, 'full-system cleanup failed');
  };
  try {
    const dir = await mkdtemp(join(tmpdir(), 'crs-full-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const api = await startApiServer(opts.apiServer);
    stops.push(() => api.stop());
    const lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    stops.push(() => lab.destroy());
    const frr = await startFrr(lab, {
      bgpLines: speakerNeighborLines({
        neighbor: ['description cluster-router-sync', 'timers connect 1'],
        ecmp: true,
      }),
    });
    stops.push(() => frr.stop());
    const sshd = await startSshd({ vtyshPath: frr.vtyshPath });
    stops.push(() => sshd.stop());
    const apiPort = Number(new URL(api.url).port);
    const bridged: Array<[name: string, port: number]> = [
      ['ssh', sshd.port],
      ['api', apiPort],
      ...(opts.rootPorts ?? []).map((port, k): [string, number] => [`root${k}`, port]),
    ];
    let bridgeScript = '';
    for (const [name, port] of bridged) {
      const socket = join(dir, `${name}.sock`);
      const b: Server = await unixToTcp(socket, port);
      stops.push(() => new Promise((resolve) => b.close(resolve)));
      bridgeScript += tcpToUnixScript(port, socket, `${name}Bridge`);
    }
    // One bridge process in the speaker namespace serves every replica (they share its loopback).
    bridgeScript += `process.stdout.write('ready\\n');\n`;
    const bridgeProc = spawn(
      'ip',
      ['netns', 'exec', lab.speakerNs, process.execPath, '--input-type=module', '-e', bridgeScript],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const bridgeExited = new Promise((resolve) => bridgeProc.once('exit', resolve));
    stops.push(async () => {
      bridgeProc.kill('SIGKILL');
      await bridgeExited;
    });
    await new Promise<void>((resolve, reject) => {
      bridgeProc.stdout!.once('data', () => resolve());
      bridgeProc.once('exit', (code) => reject(new Error(`the speaker-side bridge exited (${code})`)));
    });
    const configFile = join(dir, 'crs.yaml');
    await writeFile(configFile, opts.config?.(sshd) ?? ownConfig(sshd, opts.verifyIntervalSec ?? 2));
    const kubeconfig = await api.writeKubeconfig(api.admin);
    let metricsPort = 19470;

    const startRun = (identity: string, runOpts: RunOptions = {}): RunChild => {
      const metricsAddress = `127.0.0.1:${metricsPort++}`;
      const args = [
        'run',
        '--config',
        configFile,
        '--kubeconfig',
        kubeconfig,
        '--leader-elect',
        '--metrics-address',
        metricsAddress,
        '--log-level',
        runOpts.logLevel ?? 'debug',
      ];
      const script = `const { main } = await import(${JSON.stringify(`${root}src/cli/main.ts`)});
process.exit(await main(['node', 'cluster-router-sync', ...${JSON.stringify(args)}]));
`;
      const spawnOpts: SpawnOptions = {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, POD_NAME: identity },
      };
      // `ip netns exec` execs the command, so proc.pid is the node process itself.
      const proc = runOpts.entry
        ? spawn(
            'ip',
            [
              'netns',
              'exec',
              lab.speakerNs,
              process.execPath,
              ...(runOpts.nodeArgs ?? []),
              runOpts.entry,
              ...args,
            ],
            spawnOpts,
          )
        : spawnTsxIn(lab.speakerNs, ['--input-type=module', '-e', script], spawnOpts);
      let stdout = '';
      let stderr = '';
      proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
      const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
      const child: RunChild = {
        identity,
        httpStatus: async (path) => {
          const fetchScript = `process.stdout.write(String((await fetch('http://${metricsAddress}${path}')).status))`;
          const res = await lab.exec(lab.speakerNs, process.execPath, [
            '--input-type=module',
            '-e',
            fetchScript,
          ]);
          return Number(res.stdout);
        },
        proc,
        stdout: () => stdout,
        stderr: () => stderr,
        kill: async (signal) => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
          return exited;
        },
      };
      children.push(child);
      return child;
    };
    return { api, lab, frr, sshd, dir, configFile, kubeconfig, startRun, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** `kubectl get svc`'s EXTERNAL-IP column by Service name. */
export async function externalIps(api: ApiServer, namespace = 'default'): Promise<Record<string, string>> {
  const list = await api.adminRequest<{
    items: Array<{
      metadata: { name: string };
      status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
    }>;
  }>('GET', `/api/v1/namespaces/${namespace}/services`);
  return Object.fromEntries(
    list.items.map((s) => {
      const ips = (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
      return [s.metadata.name, ips.length > 0 ? ips.join(',') : '<none>'];
    }),
  );
}

/** A LoadBalancer Service with one ready endpoint on `nodeName`, as the endpoint controller writes it. */
export function serviceWithEndpoint(name: string, nodeName: string): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        selector: { app: name },
        ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-e2e`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
      endpoints: [{ addresses: ['10.244.1.99'], conditions: { ready: true }, nodeName }],
    },
  ];
}
