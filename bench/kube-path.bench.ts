/**
 * The cluster path at scale on the whole system (test/e2e/support/full-system.ts): the real
 * kube-apiserver of the e2e suite holding 10,000 LoadBalancer Services with 10,000
 * EndpointSlices, our compiled `run` as its own process in the lab's speaker namespace, and two
 * peers of its speaker: a collector speaker in this process (reached through the lab's loopback
 * bridge) that times each UPDATE's arrival, and real FRR in the router namespace, whose kernel FIB
 * `ip monitor route` watches. Figures are of `run`'s own process (/proc/<pid>), not of this one.
 *
 * `run` is announce-only: reading 10,000 routes back over SSH every verification would be most
 * of its work and time the verification, which the check bench and the lab tests cover; health
 * checks are off, since the lab has no kube-proxy and 10,000 Local Services are 10,000 probe
 * targets, which the health-failover bench measures on their own.
 */
import { writeFile } from 'node:fs/promises';
import { BgpSpeaker } from '../src/bgp/index.js';
import { forEachInFlight } from '../src/k8s/in-flight.js';
import { ANNOUNCED_TO_ANNOTATION } from '../src/k8s/route-annotations.js';
import { builtApp } from '../test/docs/support/built-app.js';
import { createObject, objectPath, type KubeObject } from '../test/e2e/kube-objects.js';
import { startFullSystem, type FullSystem, type RunChild } from '../test/e2e/support/full-system.js';
import { endpointSlice, lbService, node } from '../test/k8s/support.js';
import { run as exec } from '../test/lab/netns.js';
import { monitorRoutes, type RouteMonitor } from '../test/lab/route-monitor.js';
import { LAB_ROUTER_PEERS_YAML } from '../test/lab/speaker-peer.js';
import { waitFor } from '../test/support/wait-for.js';
import { CollectorView } from './collector-view.js';
import {
  fullSystemMissing,
  loadAverage,
  processCpuMs,
  processMemoryMiB,
  whileRunning,
  withRunLog,
} from './full-system-bench.js';
import { percentile } from './stats.js';
import type { BenchRow, BenchSuite } from './types.js';

/** The scale; BENCH_KUBE_SERVICES sets another (a profile, a quick look). */
const SERVICES = Number(process.env.BENCH_KUBE_SERVICES ?? 10_000);
/** A directory for a CPU profile of `run` (node --cpu-prof), written when it exits. */
const CPU_PROFILE_DIR = process.env.BENCH_KUBE_CPU_PROF;
/** A file for `run`'s whole log, written when the suite ends (a failed run's story). */
const RUN_LOG = process.env.BENCH_KUBE_LOG;
/** Each kind of change this many times: endpoint moves node, new Service, Service deleted. */
const EACH = 100;
const NS = 'bench';
/** Nodes on the lab segment, so FRR resolves their addresses as next hops. */
const NODES: ReadonlyArray<readonly [name: string, address: string]> = [
  ['node-a', '192.168.201.11'],
  ['node-b', '192.168.201.12'],
  ['node-c', '192.168.201.13'],
];
/** No NodePorts beyond the health check one a Local Service always takes. */
const LB_SPEC = { externalTrafficPolicy: 'Local', allocateLoadBalancerNodePorts: false };
/** A /16: room for the 10,000 Services and the new ones. */
const POOL = '10.96.0.0/16';
/**
 * Safety nets against hangs, not performance assertions. run's first status round over 10,000
 * Services (status, Events, route annotation each) took over 15 minutes on the shared machine
 * while it wrote one at a time and re-planned on each write's watch event.
 */
const SYNC_TIMEOUT_MS = 2_700_000;
const CHANGE_TIMEOUT_MS = 60_000;

function runConfig(collectorPort: number): string {
  return [
    'apiVersion: cluster-router-sync.io/v1alpha1',
    'kind: ClusterRouterSyncConfig',
    ...LAB_ROUTER_PEERS_YAML,
    '  - name: collector',
    '    peerAddress: 127.0.0.1',
    `    peerPort: ${collectorPort}`,
    '    peerASN: 64501',
    '    myASN: 64500',
    '    connectTime: 1s',
    'pools:',
    '  - name: bench',
    '    addresses:',
    `      - ${POOL}`,
    'announceOnly: true',
    'healthChecks:',
    '  enabled: false',
    '',
  ].join('\n');
}

/** A slice whose one ready endpoint runs on node `n`. */
function sliceOn(i: number, n: number): KubeObject {
  const slice = endpointSlice(NS, `svc-${i}`, `svc-${i}-abcde`, [`10.244.${i >> 8}.${i & 255}`]);
  const endpoints = (slice.endpoints as Array<Record<string, unknown>>).map((e) => ({
    ...e,
    nodeName: NODES[n % NODES.length]![0],
  }));
  return { ...slice, endpoints };
}

/** The cluster before `run` starts: namespaces, the Nodes, the Services and their slices. */
async function load(sys: FullSystem): Promise<void> {
  // metallb-system holds run's lease and the pool status ConfigMap the controller writes.
  for (const name of [NS, 'metallb-system'])
    await createObject(sys.api, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  for (const [name, address] of NODES) {
    const n = node(name, address);
    const created = await createObject<KubeObject>(sys.api, n);
    await sys.api.adminRequest('PUT', `${objectPath(n)}/status`, { ...created, status: n.status });
  }
  const indices = Array.from({ length: SERVICES }, (_, i) => i);
  await forEachInFlight(indices, 32, async (i) => {
    await createObject(sys.api, sliceOn(i, i));
    await createObject(sys.api, lbService(NS, `svc-${i}`, LB_SPEC));
  });
}

interface ServiceView {
  metadata: { name: string; annotations?: Record<string, string> };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string }> } };
}

const ingressIp = (s: ServiceView) => s.status?.loadBalancer?.ingress?.[0]?.ip;

/** Each Service's address, once `run` has written every status and route annotation. */
async function addressesWritten(sys: FullSystem, count: number): Promise<Map<string, string> | undefined> {
  const list = await sys.api.adminRequest<{ items: ServiceView[] }>(
    'GET',
    `/api/v1/namespaces/${NS}/services`,
  );
  const ips = new Map<string, string>();
  for (const s of list.items) {
    const ip = ingressIp(s);
    // The route annotation is the controller's last write of its round over a Service.
    if (ip && s.metadata.annotations?.[ANNOUNCED_TO_ANNOTATION] !== undefined) ips.set(s.metadata.name, ip);
  }
  return ips.size >= count ? ips : undefined;
}

/**
 * The Events in the bench's namespace, counted by the server: a list of one item says how many
 * remain (metadata.remainingItemCount), so 20,000 Events are not read to count them.
 */
async function eventCount(sys: FullSystem): Promise<number> {
  const page = await sys.api.adminRequest<{ items: unknown[]; metadata: { remainingItemCount?: number } }>(
    'GET',
    `/apis/events.k8s.io/v1/namespaces/${NS}/events?limit=1`,
  );
  return page.items.length + (page.metadata.remainingItemCount ?? 0);
}

/**
 * run's crs_plans_total: its /metrics, at the address its start-up log line names, fetched from
 * inside the speaker namespace where it listens.
 */
async function plansTotal(sys: FullSystem, run: RunChild): Promise<number> {
  const line = run
    .stderr()
    .split('\n')
    .find((l) => l.includes('serving /metrics'));
  const address = line === undefined ? undefined : (JSON.parse(line) as { address?: string }).address;
  if (address === undefined) throw new Error("run's log names no metrics address");
  const script = `process.stdout.write(await (await fetch('http://${address}/metrics')).text())`;
  const text = (
    await sys.lab.exec(sys.lab.speakerNs, process.execPath, ['--input-type=module', '-e', script])
  ).stdout;
  const m = /^crs_plans_total (\d+)/m.exec(text);
  if (!m) throw new Error("run's /metrics has no crs_plans_total");
  return Number(m[1]);
}

async function bgpRoutesInFib(sys: FullSystem): Promise<number> {
  const out = (await exec('ip', ['-n', sys.lab.routerNs, 'route', 'show', 'proto', 'bgp'])).stdout;
  return out.split('\n').filter(Boolean).length;
}

/** Rejects when `p` has not settled within CHANGE_TIMEOUT_MS. */
function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} within ${CHANGE_TIMEOUT_MS} ms`)),
      CHANGE_TIMEOUT_MS,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The time `ip monitor route` reports a route line matching `match`. */
function fibLine(monitor: RouteMonitor, match: RegExp): Promise<number> {
  return new Promise((resolve) => monitor.watch(match, resolve));
}

const escapeDots = (ip: string) => ip.replaceAll('.', '\\.');

type Kind = 'move' | 'add' | 'delete';
type Samples = Record<Kind, number[]>;

/** The measured part: 300 changes, one at a time, each after its UPDATE and its FIB change. */
async function changes(
  sys: FullSystem,
  run: RunChild,
  collector: CollectorView,
  monitor: RouteMonitor,
  ips: Map<string, string>,
): Promise<{ socket: Samples; fib: Samples }> {
  const socket: Samples = { move: [], add: [], delete: [] };
  const fib: Samples = { move: [], add: [], delete: [] };
  const failed = withRunLog(run);
  const timed = async (
    kind: Kind,
    write: () => Promise<unknown>,
    atSocket: Promise<number>,
    atFib: Promise<number>,
  ) => {
    const start = performance.now();
    await write();
    const [s, f] = await Promise.all([
      within(atSocket, `${kind} UPDATE at the collector`),
      within(atFib, `${kind} in FRR's FIB`),
    ]).catch(failed);
    socket[kind].push(s - start);
    fib[kind].push(f - start);
  };
  for (let k = 0; k < EACH; k++) {
    const i = (k * 37) % SERVICES;
    // Its one endpoint moves to the next node: the route's next hop changes.
    const to = (i + 1) % NODES.length;
    const moved = sliceOn(i, to);
    const current = await sys.api.adminRequest<KubeObject>('GET', objectPath(moved));
    const ip = ips.get(`svc-${i}`)!;
    const hop = NODES[to]![1];
    await timed(
      'move',
      () => sys.api.adminRequest('PUT', objectPath(moved), { ...moved, metadata: current.metadata }),
      collector.announced(`${ip}/32`, hop),
      // zebra installs through nexthop groups: `10.96.0.5 nhid 12 via 192.168.201.12 dev ...`.
      fibLine(monitor, new RegExp(`^${escapeDots(ip)} (nhid \\d+ )?via ${escapeDots(hop)} `)),
    );

    const added = SERVICES + k;
    await createObject(sys.api, sliceOn(added, k));
    const announced = collector.newPrefix();
    await timed(
      'add',
      () => createObject(sys.api, lbService(NS, `svc-${added}`, LB_SPEC)),
      announced.then((a) => a.at),
      // Only this change is in flight: the one route the kernel adds is the new Service's.
      fibLine(monitor, /^10\.96\.\d+\.\d+ (nhid \d+ )?via /),
    );
    // Below 3,700 services the Services deleted include new ones.
    ips.set(`svc-${added}`, (await announced).route.prefix.replace('/32', ''));
    const gone = `svc-${i + 1}`;
    const goneIp = ips.get(gone)!;
    await timed(
      'delete',
      () => sys.api.adminRequest('DELETE', `/api/v1/namespaces/${NS}/services/${gone}`),
      collector.gone(`${goneIp}/32`),
      fibLine(monitor, new RegExp(`^Deleted ${escapeDots(goneIp)} `)),
    );
  }
  return { socket, fib };
}

function latencyRows(leg: string, samples: Samples, p50Target?: number): BenchRow[] {
  const all = [...samples.move, ...samples.add, ...samples.delete].sort((a, b) => a - b);
  const rows: BenchRow[] = [];
  const p50 = percentile(all, 50);
  const p99 = percentile(all, 99);
  rows.push(
    {
      name: `API write to ${leg}, all ${all.length} changes, p50`,
      value: p50,
      unit: 'ms',
      ...(p50Target === undefined ? {} : { target: `< ${p50Target}`, met: p50 < p50Target }),
    },
    {
      name: `API write to ${leg}, all ${all.length} changes, p99`,
      value: p99,
      unit: 'ms',
      ...(p50Target === undefined ? { target: '< 50', met: p99 < 50 } : {}),
    },
  );
  for (const [kind, s] of Object.entries(samples)) {
    const sorted = [...s].sort((a, b) => a - b);
    rows.push(
      { name: `${kind}: API write to ${leg}, p50`, value: percentile(sorted, 50), unit: 'ms' },
      { name: `${kind}: API write to ${leg}, p99`, value: percentile(sorted, 99), unit: 'ms' },
    );
  }
  return rows;
}

async function kubePath(): Promise<BenchRow[]> {
  const missing = fullSystemMissing();
  if (missing) return [{ name: `kube-path skipped: ${missing}`, value: 0, unit: '' }];

  const speaker = new BgpSpeaker({
    routerId: '192.168.198.254',
    listen: { address: '127.0.0.1', port: 0 },
    collector: { localAsn: 64501 },
  });
  const collector = new CollectorView(speaker);
  const { port } = await speaker.listen();
  let sys: FullSystem | undefined;
  let monitor: RouteMonitor | undefined;
  let run: RunChild | undefined;
  let stopped: Promise<void> | undefined;
  // Once: from the finally below, or first from Ctrl-C in the middle of a half-hour run.
  const stop = () =>
    (stopped ??= (async () => {
      monitor?.stop();
      if (RUN_LOG && run) await writeFile(RUN_LOG, run.stderr());
      await sys?.stop();
      await speaker.stop();
    })());
  const onSigint = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', onSigint);
  try {
    // Each Local Service takes a health check NodePort: room for 10,000 and the new ones.
    sys = await startFullSystem({
      apiServer: { serviceNodePortRange: '20000-52767' },
      rootPorts: [port],
      config: () => runConfig(port),
    });
    const loadAtStart = await loadAverage();
    const loadStart = performance.now();
    await load(sys);
    const loadRate = (2 * SERVICES) / ((performance.now() - loadStart) / 1000);

    // Built after the load, so that a long run measures the sources as late as they can be.
    const { entry } = await builtApp();
    const started = performance.now();
    run = sys.startRun('crs-bench', {
      entry,
      logLevel: process.env.BENCH_KUBE_LOG_LEVEL ?? 'info',
      nodeArgs: CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`] : [],
    });
    const failed = withRunLog(run);
    const pid = run.proc.pid!;
    const initialMs =
      (await whileRunning(
        run,
        waitFor(
          `all ${SERVICES} prefixes at the collector`,
          () => collector.prefixCount() >= SERVICES && performance.now(),
          { timeoutMs: SYNC_TIMEOUT_MS, intervalMs: 10 },
        ),
      ).catch(failed)) - started;
    const afterSync = await processMemoryMiB(pid);
    const plansAtSync = await plansTotal(sys, run);
    await whileRunning(
      run,
      waitFor(`all ${SERVICES} routes in FRR's FIB`, async () => (await bgpRoutesInFib(sys!)) >= SERVICES, {
        timeoutMs: SYNC_TIMEOUT_MS,
        intervalMs: 1000,
      }),
    ).catch(failed);
    // Changes are measured on the settled cluster: every status written, as in production.
    const ips = await whileRunning(
      run,
      waitFor('every Service status written', () => addressesWritten(sys!, SERVICES), {
        timeoutMs: SYNC_TIMEOUT_MS,
        intervalMs: 2000,
      }),
    ).catch(failed);
    // The round writes every Service's status and annotations first, then their Events (two
    // each here: IPAllocated and AdvertisementChanged); changes start after the last of those.
    await whileRunning(
      run,
      waitFor("every Service's Events posted", async () => (await eventCount(sys!)) >= 2 * SERVICES, {
        timeoutMs: SYNC_TIMEOUT_MS,
        intervalMs: 2000,
      }),
    ).catch(failed);
    const statusMs = performance.now() - started;
    const settled = await processMemoryMiB(pid);
    const roundPlans = (await plansTotal(sys, run)) - plansAtSync;

    monitor = monitorRoutes(sys.lab.routerNs);
    const cpu0 = await processCpuMs(pid);
    const { socket, fib } = await changes(sys, run, collector, monitor, ips);
    const cpuPerChangeMs = ((await processCpuMs(pid)) - cpu0) / (3 * EACH);
    const end = await processMemoryMiB(pid);
    const loadAtEnd = await loadAverage();
    // A clean exit, so that --cpu-prof writes its profile.
    await run.kill('SIGTERM');

    return [
      { name: 'load average (1 min) at the start', value: loadAtStart, unit: '' },
      { name: `setup: ${SERVICES} Services and ${SERVICES} EndpointSlices created (32 in flight, keep-alive)`, value: loadRate, unit: 'objects/s' },
      { name: `initial sync, ${SERVICES} services: run's start to all prefixes at the collector`, value: initialMs, unit: 'ms', target: '< 5000', met: initialMs < 5000 },
      { name: 'run process VmRSS after the initial sync', value: afterSync.rss, unit: 'MiB', target: '< 300', met: afterSync.rss < 300 },
      { name: 'run process VmHWM after the initial sync', value: afterSync.peak, unit: 'MiB' },
      { name: `every Service's status and Events written: run's start to the last`, value: statusMs, unit: 'ms' },
      { name: 'plans from all prefixes at the collector to every status written (crs_plans_total)', value: roundPlans, unit: '' },
      { name: 'run process VmRSS once every status is written', value: settled.rss, unit: 'MiB' },
      { name: 'run process VmHWM once every status is written', value: settled.peak, unit: 'MiB' },
      { name: 'run process VmRSS after the changes', value: end.rss, unit: 'MiB' },
      { name: 'run process VmHWM after the changes', value: end.peak, unit: 'MiB' },
      { name: `run process CPU per change (utime+stime over ${3 * EACH} changes)`, value: cpuPerChangeMs, unit: 'ms', target: '< 5', met: cpuPerChangeMs < 5 },
      ...latencyRows('UPDATE at the collector', socket),
      ...latencyRows("route in FRR's kernel FIB", fib, 150),
      { name: 'load average (1 min) at the end', value: loadAtEnd, unit: '' },
    ]; // prettier-ignore
  } finally {
    process.off('SIGINT', onSigint);
    await stop();
  }
}

export default { name: 'kube-path', run: kubePath } satisfies BenchSuite;
