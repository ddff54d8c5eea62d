import { BgpSpeaker } from '../src/bgp/index.js';
import { Metrics } from '../src/observability/metrics.js';
import { silentLogger } from '../src/observability/logger.js';
import type { ClusterSnapshot, EndpointSliceInfo, NodeInfo, ServiceInfo } from '../src/sync/cluster.js';
import { SyncEngine } from '../src/app/engine/engine.js';
import type { SourceListener, Verifier } from '../src/app/engine/ports.js';
import { carryDelta, incrementalPlanner } from '../src/sync/planner/snapshot-delta.js';
import type { SnapshotDelta } from '../src/sync/planner/index.js';
import { createSpeakerSide } from '../src/app/engine/speaker-setup.js';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { speakerNeighborLines, startFrr } from '../test/lab/frr.js';
import { createLab, run } from '../test/lab/netns.js';
import { node, service } from '../test/sync/builders.js';
import { waitFor } from '../test/support/wait-for.js';
import type { BenchRow, BenchSuite } from './types.js';
import { collectorBenchConfig } from './collector-config.js';
import { findListed, listOf } from '../src/util/listed.js';
import { nextRoutesSent } from './speaker-events.js';
import { spawnTsxIn } from '../test/lab/tsx-in-namespace.js';
import { monitorRoutes } from '../test/lab/route-monitor.js';

const SERVICES = 10_000;
const CHANGES = 320;
/**
 * Changes run before the measured ones: the first change after the initial sync builds the
 * speaker's per-prefix index and meets the collection of the initial sync's garbage (reported
 * on its own row), and the code is not yet optimised by the JIT.
 */
const WARMUP = 20;
const NODES: NodeInfo[] = [11, 12, 13].map((i) => node(`node-${i}`, [`192.168.201.${i}`], { labels: {} }));

/** Services 0..9,999 as the status writer left them: each holds 10.96.x.y by number. */
function benchService(
  i: number,
  statusIngress = i < SERVICES ? [`10.96.${i >> 8}.${i & 255}`] : [],
): ServiceInfo {
  return service(`svc-${i}`, {
    namespace: 'bench',
    externalTrafficPolicy: 'Local',
    statusIngress,
    creationTimestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  });
}

function slice(i: number, node: number): EndpointSliceInfo {
  return {
    namespace: 'bench',
    name: `svc-${i}-abcde`,
    serviceName: `svc-${i}`,
    addressType: 'IPv4',
    endpoints: [{ addresses: [`10.244.${node}.${i % 250}`], ready: true, nodeName: NODES[node]!.name }],
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * From a snapshot reaching the engine to the UPDATE written on the BGP socket (the speaker's
 * 'routes-sent' fires in the socket write callback), with 10,000 services loaded. Two kinds of
 * change: an endpoint moving to another node (routes only) and a new service (allocation too).
 */
async function changeToUpdate(): Promise<BenchRow[]> {
  const collector = new BgpSpeaker({
    routerId: '192.168.198.254',
    listen: { address: '127.0.0.1', port: 0 },
    collector: { localAsn: 64501 },
  });
  const { port } = await collector.listen();
  const config = collectorBenchConfig(port, 'manifests');
  const logger = silentLogger();
  const { speaker, announcer } = createSpeakerSide(config, logger);
  // Where the time goes: the planner (src/sync/planner) and handing the routes to the speaker
  // (src/bgp) are timed apart; the rest is the engine, the UPDATE encoding and the socket write.
  let planMs = 0;
  let speakerMs = 0;
  const plan = incrementalPlanner(config);
  const timedPlanner = (s: ClusterSnapshot) => {
    const t = performance.now();
    const result = plan(s);
    planMs += performance.now() - t;
    return result;
  };
  const setRoutes = speaker.setRoutes.bind(speaker);
  speaker.setRoutes = (peer, routes) => {
    const t = performance.now();
    setRoutes(peer, routes);
    speakerMs += performance.now() - t;
  };
  const updateRoutes = speaker.updateRoutes.bind(speaker);
  speaker.updateRoutes = (peer, delta) => {
    const t = performance.now();
    updateRoutes(peer, delta);
    speakerMs += performance.now() - t;
  };
  let listener: SourceListener | undefined;
  const verifier: Verifier<null> = { verify: async () => ({ verdict: 'ok', findings: [], report: null }) };
  const engine = new SyncEngine<null>({
    config,
    source: {
      start: async (l) => {
        listener = l;
      },
      stop: async () => {},
    },
    planner: timedPlanner,
    announcer,
    verifier,
    reporter: () => {},
    metrics: new Metrics(),
    logger,
    settleMs: 3_600_000,
  });
  const nodeOf = Array.from({ length: SERVICES + CHANGES }, (_, i) => i % NODES.length);
  let services = Array.from({ length: SERVICES }, (_, i) => benchService(i));
  let slices = Array.from({ length: SERVICES }, (_, i) => slice(i, nodeOf[i]!));
  let last: ClusterSnapshot | undefined;
  /**
   * The cluster now, carrying the change from the one before as the Kubernetes source does
   * (src/k8s/cluster-source.ts): the engine takes the keyed change instead of diffing lists.
   */
  const snapshot = (delta: SnapshotDelta = {}): ClusterSnapshot => {
    const next = { services, endpointSlices: slices, nodes: NODES, namespaces: [] };
    if (last) carryDelta(last, delta, next);
    last = next;
    return next;
  };

  const sent = () => nextRoutesSent(speaker);
  announcer.start();
  await engine.start();
  // The first snapshot comes as soon as the engine is up, as the cluster's first list does in
  // `run`. With graceful restart the sessions start with that first plan (createSpeakerSide), so
  // the figure includes the session coming up on loopback; waiting for Established first would
  // leave the process idle until the hold's fallback (a quarter of the restart time), and V8
  // shrinks an idle heap, which this figure would then pay for.
  const initialSent = sent();
  const initialStart = performance.now();
  listener!.snapshot(snapshot(), true);
  const initialMs = (await initialSent) - initialStart;

  interface Sample {
    total: number;
    planner: number;
    speaker: number;
    /** Process CPU (user + system) from the change to the UPDATE written. */
    cpu: number;
  }
  const measure = async (
    change: (k: number) => SnapshotDelta | Promise<SnapshotDelta>,
  ): Promise<Sample[]> => {
    const samples: Sample[] = [];
    for (let k = 0; k < CHANGES; k++) {
      const delta = await change(k);
      const done = sent();
      planMs = 0;
      speakerMs = 0;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      listener!.snapshot(snapshot(delta), true);
      const total = (await done) - t0;
      const cpu = process.cpuUsage(cpu0);
      samples.push({ total, planner: planMs, speaker: speakerMs, cpu: (cpu.user + cpu.system) / 1000 });
    }
    return samples;
  };
  const p = (samples: Sample[], field: keyof Sample, q: number) =>
    percentile(
      samples.map((s) => s[field]).sort((a, b) => a - b),
      q,
    );
  const moves = await measure((k) => {
    const i = (k * 37) % SERVICES;
    nodeOf[i] = (nodeOf[i]! + 1) % NODES.length;
    slices = slices.slice();
    slices[i] = slice(i, nodeOf[i]!);
    return { endpointSlices: { upsert: [slices[i]!] } };
  });
  // Each new service's status is written back before the next one comes, as the status writer
  // does: the engine then sees the same steady cluster as in production.
  const planned = () =>
    new Promise<void>((resolve) => {
      const off = engine.on((e) => {
        if (e.type !== 'planned') return;
        off();
        resolve();
      });
    });
  const writeBackStatus = async (i: number) => {
    const key = `bench/svc-${i}`;
    // Looked up by key as the status writer does (src/k8s/plan-index.ts): reading `allocations`
    // would build the 10,000-entry list of each new plan, garbage the measured changes would pay for.
    const plan = engine.plan;
    const ips = (plan && findListed(listOf(plan, 'allocations'), key, (a) => a.service)?.ips) ?? [];
    services = services.slice();
    services[i] = benchService(i, ips);
    const done = planned();
    listener!.snapshot(snapshot({ services: { upsert: [services[i]!] } }), true);
    await done;
  };
  const adds = await measure(async (k) => {
    if (k > 0) await writeBackStatus(SERVICES + k - 1);
    const i = SERVICES + k;
    services = [...services, benchService(i)];
    slices = [...slices, slice(i, nodeOf[i]!)];
    return { services: { upsert: [services.at(-1)!] }, endpointSlices: { upsert: [slices.at(-1)!] } };
  });
  await engine.stop('withdraw');
  await collector.stop();
  const row = (name: string, value: number, target?: string, met?: boolean): BenchRow => ({
    name,
    value,
    unit: 'ms',
    ...(target !== undefined ? { target, met } : {}),
  });
  const rows = (what: string, all: Sample[], s = all.slice(WARMUP)) => [
    row(`${what}: change to UPDATE written, p50`, p(s, 'total', 50)),
    row(`${what}: change to UPDATE written, p99`, p(s, 'total', 99), '< 5', p(s, 'total', 99) < 5),
    row(`${what}: of which planner, p50`, p(s, 'planner', 50)),
    row(`${what}: of which speaker.setRoutes/updateRoutes, p50`, p(s, 'speaker', 50)),
    // The collector's decoding runs in this process too: an upper bound on ours. The mean also
    // carries the collections of garbage that earlier changes left.
    row(`${what}: process CPU per change (ours and the collector's), p50`, p(s, 'cpu', 50)),
    row(
      `${what}: process CPU per change (ours and the collector's), mean`,
      mean(s.map((x) => x.cpu)),
      '< 5',
      mean(s.map((x) => x.cpu)) < 5,
    ),
  ];
  return [
    row('initial sync, 10,000 services: snapshot to UPDATEs written', initialMs),
    row('first change after the initial sync (an endpoint move): change to UPDATE written', moves[0]!.total),
    ...rows(`endpoint moves node (${CHANGES - WARMUP} after ${WARMUP} unmeasured)`, moves),
    ...rows(`new service (${CHANGES - WARMUP} after ${WARMUP} unmeasured)`, adds),
  ];
}

const FIB_SERVICES = 10_000;
const FIB_CHANGES = 100;

/**
 * From a change reaching the engine to the route in the router's kernel FIB, with real FRR in
 * the lab: our engine runs in the speaker namespace (test/engine/lab/fib-latency-child.ts) with
 * 10,000 services announced; each `move` flips one service's endpoint to the other node, and
 * `ip monitor route` in the router namespace shows when zebra installed the new next hop.
 */
async function changeToFib(): Promise<BenchRow[]> {
  if (process.getuid?.() !== 0)
    return [{ name: 'FIB latency skipped: needs root (network namespaces)', value: 0, unit: '' }];
  if (!existsSync('/usr/lib/frr/bgpd'))
    return [{ name: 'FIB latency skipped: FRR not installed', value: 0, unit: '' }];
  const lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
  const frr = await startFrr(lab, {
    bgpLines: speakerNeighborLines({ neighbor: ['timers connect 1'] }),
  }).catch(async (err: unknown) => {
    await lab.destroy();
    throw err;
  });
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawnTsxIn(
    lab.speakerNs,
    [`${root}test/engine/lab/fib-latency-child.ts`, String(FIB_SERVICES)],
    {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const monitor = monitorRoutes(lab.routerNs);
  try {
    await waitFor(
      'FRR to install every route',
      async () => {
        const out = (await run('ip', ['-n', lab.routerNs, 'route', 'show', 'proto', 'bgp'])).stdout;
        return out.split('\n').filter(Boolean).length >= FIB_SERVICES;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const nodeOf = Array.from({ length: FIB_SERVICES }, (_, i) => i % 2);
    const times: number[] = [];
    for (let k = 0; k < FIB_CHANGES; k++) {
      const i = (k * 97) % FIB_SERVICES;
      nodeOf[i] = 1 - nodeOf[i]!;
      // zebra installs through nexthop groups: `10.96.0.5 nhid 12 via 192.168.201.12 dev vr ...`.
      const match = new RegExp(
        `^10\\.96\\.${i >> 8}\\.${i & 255} (nhid \\d+ )?via 192\\.168\\.201\\.${11 + nodeOf[i]!} `,
      );
      const installed = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no FIB change for service ${i} within 10 s`)),
          10_000,
        );
        monitor.watch(match, (t) => (clearTimeout(timer), resolve(t)));
      });
      const t0 = performance.now();
      child.stdin!.write(`move ${i}\n`);
      times.push((await installed) - t0);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    return [
      {
        name: 'endpoint moves node: change to route in FRR FIB, p50',
        value: p50,
        unit: 'ms',
        target: '< 300',
        met: p50 < 300,
      },
      {
        name: 'endpoint moves node: change to route in FRR FIB, p99',
        value: percentile(times, 99),
        unit: 'ms',
      },
    ];
  } finally {
    child.kill('SIGKILL');
    monitor.stop();
    await frr.stop();
    await lab.destroy();
  }
}

export default {
  name: 'engine',
  async run() {
    return [...(await changeToUpdate()), ...(await changeToFib())];
  },
} satisfies BenchSuite;
