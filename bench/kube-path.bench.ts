/**
 * The cluster path at scale, on the real kube-apiserver of the e2e suite: 10,000 LoadBalancer
 * Services with 10,000 EndpointSlices, then changes written on the API server, timed to the
 * UPDATE on our speaker's socket. Between them runs what `run` runs in cluster mode
 * (src/app/engine/kube-adapter.ts): the reflectors' list and watch, the cluster source, the
 * incremental planner, the engine and the speaker, and the controller writing Service status.
 * The router's verification is left out (no router here: the peer is a collector speaker on
 * loopback); the FIB leg is the e2e-latency suite's.
 */
import { existsSync } from 'node:fs';
import { BgpSpeaker } from '../src/bgp/index.js';
import { Metrics } from '../src/observability/metrics.js';
import { silentLogger } from '../src/observability/logger.js';
import { SyncEngine } from '../src/app/engine/engine.js';
import { kubeClusterSource, memoizedPlanner } from '../src/app/engine/kube-adapter.js';
import type { Verifier } from '../src/app/engine/ports.js';
import { incrementalPlanner } from '../src/app/engine/snapshot-delta.js';
import { createSpeakerSide } from '../src/app/engine/speaker-setup.js';
import { apiServerBinaryPath, startApiServer, type ApiServer } from '../test/e2e/apiserver.js';
import { createObject, objectPath, type KubeObject } from '../test/e2e/kube-objects.js';
import { endpointSlice, lbService, node } from '../test/k8s/support.js';
import { waitFor } from '../test/support/wait-for.js';
import { collectorBenchConfig } from './collector-config.js';
import { nextRoutesSent, sessionEstablished } from './speaker-events.js';
import { percentile } from './stats.js';
import type { BenchRow, BenchSuite } from './types.js';

/**
 * The scale. BENCH_KUBE_SERVICES sets another (a profile or a quick look at a smaller
 * cluster); the loader goes through keep-alive connections with 32 requests in flight.
 */
const SERVICES = Number(process.env.BENCH_KUBE_SERVICES ?? 10_000);
/** Each kind of change this many times: endpoint moves node, new service, service deleted. */
const EACH = 100;
const NS = 'bench';
const NODES = ['node-a', 'node-b', 'node-c'];
/** No NodePorts beyond the health check one a Local Service always takes. */
const LB_SPEC = { externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: false };

/** A slice whose one ready endpoint runs on `nodeName`. */
function sliceOn(i: number, nodeName: string): KubeObject {
  const slice = endpointSlice(NS, `svc-${i}`, `svc-${i}-abcde`, [`10.244.${i >> 8}.${i & 255}`]);
  const endpoints = (slice.endpoints as Array<Record<string, unknown>>).map((e) => ({ ...e, nodeName }));
  return { ...slice, endpoints };
}

/** Runs `work` over 0..count-1 with `width` requests in flight. */
async function inParallel(
  count: number,
  width: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function load(api: ApiServer): Promise<void> {
  // metallb-system holds the pool status ConfigMap the controller writes.
  for (const name of [NS, 'metallb-system'])
    await createObject(api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  for (const [k, name] of NODES.entries()) {
    const n = node(name, `192.168.201.${11 + k}`);
    const created = await createObject<KubeObject>(api, n);
    await api.adminRequest('PUT', `${objectPath(n)}/status`, { ...created, status: n.status });
  }
  await inParallel(SERVICES, 32, async (i) => {
    await createObject(api, sliceOn(i, NODES[i % NODES.length]!));
    await createObject(api, lbService(NS, `svc-${i}`, LB_SPEC));
  });
}

async function kubePath(): Promise<BenchRow[]> {
  const skipped = (why: string): BenchRow[] => [{ name: `kube-path skipped: ${why}`, value: 0, unit: '' }];
  if (!existsSync('/usr/bin/etcd')) return skipped('/usr/bin/etcd not installed');
  if (!existsSync(apiServerBinaryPath()))
    return skipped('kube-apiserver not built (run: bash test/e2e/build-apiserver.sh)');

  // Each Local Service takes a health check NodePort: room for 10,000 and the changes.
  const api = await startApiServer({ serviceNodePortRange: '20000-52767' });
  const collector = new BgpSpeaker({
    routerId: '192.168.198.254',
    listen: { address: '127.0.0.1', port: 0 },
    collector: { localAsn: 64501 },
  });
  try {
    const loadStart = performance.now();
    await load(api);
    const loadRate = (2 * SERVICES) / ((performance.now() - loadStart) / 1000);
    const { port } = await collector.listen();
    const config = collectorBenchConfig(port, 'cluster');
    const logger = silentLogger();
    const { speaker, announcer } = createSpeakerSide(config, logger);
    const planner = memoizedPlanner(incrementalPlanner(config));
    let statusWrites = 0;
    const source = kubeClusterSource({
      kubeconfig: await api.writeKubeconfig(api.admin),
      metallbNamespace: 'metallb-system',
      pools: config.pools,
      planner,
      logger,
      onApplied: ({ status }) => (statusWrites += status.filter((s) => s.status !== 'unchanged').length),
    });
    const verifier: Verifier<null> = { verify: async () => ({ verdict: 'ok', findings: [], report: null }) };
    const engine = new SyncEngine<null>({
      config,
      source,
      planner,
      announcer,
      verifier,
      reporter: () => {},
      metrics: new Metrics(),
      logger,
      settleMs: 3_600_000,
    });
    const sent = () => nextRoutesSent(speaker);
    const established = sessionEstablished(speaker);
    announcer.start();
    // The session first, as in a restart where the router is up: the figure is the cluster's part.
    await established;
    const initialSent = sent();
    const t0 = performance.now();
    await engine.start();
    const initialMs = (await initialSent) - t0;
    const rssMiB = process.memoryUsage().rss / 2 ** 20;
    // The controller writes 10,000 statuses after the initial sync, as in production; changes
    // are measured on the settled cluster.
    await waitFor('every status written', () => statusWrites >= SERVICES, {
      timeoutMs: 600_000,
      intervalMs: 500,
    });

    const times: Record<'move' | 'add' | 'delete', number[]> = { move: [], add: [], delete: [] };
    const settle = async () => {
      const seen = statusWrites;
      // Our own status write on a new service comes back as a watch event: let it pass.
      await new Promise((r) => setTimeout(r, 100));
      if (statusWrites !== seen) await new Promise((r) => setTimeout(r, 100));
    };
    const timed = async (kind: keyof typeof times, write: () => Promise<unknown>) => {
      const done = sent();
      const start = performance.now();
      await write();
      times[kind].push((await done) - start);
      await settle();
    };
    const cpu0 = process.cpuUsage();
    for (let k = 0; k < EACH; k++) {
      const i = (k * 37) % SERVICES;
      // Its one endpoint moves from node i % 3 to the next node: the route's next hop changes.
      const slice = sliceOn(i, NODES[(i + 1) % NODES.length]!);
      const current = await api.adminRequest<KubeObject>('GET', objectPath(slice));
      await timed('move', () =>
        api.adminRequest('PUT', objectPath(slice), { ...slice, metadata: current.metadata }),
      );
      const added = SERVICES + k;
      await createObject(api, sliceOn(added, NODES[k % NODES.length]!));
      await timed('add', () => createObject(api, lbService(NS, `svc-${added}`, LB_SPEC)));
      await timed('delete', () =>
        api.adminRequest('DELETE', `/api/v1/namespaces/${NS}/services/svc-${i + 1}`),
      );
    }
    const cpu = process.cpuUsage(cpu0);
    const cpuPerChangeMs = (cpu.user + cpu.system) / 1000 / (3 * EACH);
    await engine.stop('withdraw');

    const all = [...times.move, ...times.add, ...times.delete].sort((a, b) => a - b);
    const p99 = percentile(all, 99);
    const rows: BenchRow[] = [
      { name: `setup: ${SERVICES} Services and ${SERVICES} EndpointSlices created (32 in flight, keep-alive)`, value: loadRate, unit: 'objects/s' },
      { name: `initial sync, ${SERVICES} services: engine start (list) to UPDATEs written`, value: initialMs, unit: 'ms', target: '< 5000', met: initialMs < 5000 },
      { name: 'RSS after the initial sync (bench process: our code, no API server)', value: rssMiB, unit: 'MiB', target: '< 300', met: rssMiB < 300 },
      { name: `API write to UPDATE on the socket, all ${all.length} changes, p50`, value: percentile(all, 50), unit: 'ms' },
      { name: `API write to UPDATE on the socket, all ${all.length} changes, p99`, value: p99, unit: 'ms', target: '< 50', met: p99 < 50 },
      { name: 'process CPU per change (user+sys, bench client included)', value: cpuPerChangeMs, unit: 'ms', target: '< 5', met: cpuPerChangeMs < 5 },
    ]; // prettier-ignore
    for (const [kind, samples] of Object.entries(times)) {
      const sorted = samples.sort((a, b) => a - b);
      rows.push(
        {
          name: `${kind}: API write to UPDATE on the socket, p50`,
          value: percentile(sorted, 50),
          unit: 'ms',
        },
        {
          name: `${kind}: API write to UPDATE on the socket, p99`,
          value: percentile(sorted, 99),
          unit: 'ms',
        },
      );
    }
    return rows;
  } finally {
    await collector.stop();
    await api.stop();
  }
}

export default { name: 'kube-path', run: kubePath } satisfies BenchSuite;
