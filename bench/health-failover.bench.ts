/**
 * Health-checked next hops, timed on the FRR lab (test/engine/lab/health-lab.ts): kill the
 * kube-proxy stand-in of one node of a two-node ECMP service and time until FRR's kernel FIB has
 * dropped that next hop (`ip monitor route` reports the single-path route), then restart it and
 * time until the route is ECMP again; 20 tries each with the defaults and with intervalMs 200.
 * Then the probing cost: 1,000 Cluster-policy services over 100 nodes (100 targets, one probe
 * each per interval) against loopback healthz servers, as CPU time of this process per second.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HealthChecker } from '../src/health/health-checker.js';
import { CheckedNextHops } from '../src/health/next-hop-health.js';
import { httpProber } from '../src/health/prober.js';
import type { ServiceInfo } from '../src/sync/cluster.js';
import type { Plan, PlannedRoute } from '../src/sync/plan-types.js';
import { killChild } from '../test/lab/cleanup.js';
import { monitorRoutes } from '../test/lab/route-monitor.js';
import { ROUTER_MATRIX } from '../test/lab/router-matrix.js';
import { HEALTH_NODES, startHealthLab } from '../test/engine/lab/health-lab.js';
import { service } from '../test/sync/builders.js';
import { waitFor } from '../test/support/wait-for.js';
import { routeAddressOf } from '../test/support/routes.js';
import { percentile } from './stats.js';
import type { BenchRow, BenchSuite } from './types.js';
import { routePrefix } from '../src/ip/prefix.js';

const TRIES = 20;
const [KEPT, KILLED] = HEALTH_NODES;
// FRR 8 installs routes with nexthop groups: `192.168.197.1 nhid 8 via 192.168.201.11 dev vr ...`.
const SINGLE = new RegExp(`^192\\.168\\.197\\.1 (?:nhid \\d+ )?via ${KEPT.replaceAll('.', '\\.')} `);
// A multipath route's first line has no `via`: its next hops follow on `nexthop` lines.
const MULTI = /^192\.168\.197\.1 (?:nhid \d+ )?proto bgp/;
/** A safety net against a hang, not a target. */
const TRY_TIMEOUT_MS = 30_000;

function timeUntil(monitor: ReturnType<typeof monitorRoutes>, match: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no FIB change matching ${match} within ${TRY_TIMEOUT_MS} ms`)),
      TRY_TIMEOUT_MS,
    );
    monitor.watch(match, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
}

async function failover(label: string, healthChecks: string[], targetMs: number): Promise<BenchRow[]> {
  const router = ROUTER_MATRIX.find((r) => r.frr === '8.4')!;
  const h = await startHealthLab(router, { slots: false, healthChecks });
  const both = async () => JSON.stringify(await h.hops()) === JSON.stringify([...HEALTH_NODES]);
  const monitor = monitorRoutes(h.lab.routerNs);
  const down: number[] = [];
  const up: number[] = [];
  try {
    await waitFor('both next hops in the FIB', both, { timeoutMs: 60_000 });
    const killed = h.servers[HEALTH_NODES.indexOf(KILLED)]!;
    for (let i = 0; i < TRIES; i++) {
      const gone = timeUntil(monitor, SINGLE);
      const t0 = performance.now();
      await killed.stop();
      down.push((await gone) - t0);
      const back = timeUntil(monitor, MULTI);
      await killed.start();
      const t1 = performance.now();
      up.push((await back) - t1);
      await waitFor('both next hops in the FIB', both, { timeoutMs: 30_000 });
    }
  } finally {
    monitor.stop();
    await h.close();
  }
  down.sort((a, b) => a - b);
  up.sort((a, b) => a - b);
  const p99 = percentile(down, 99);
  return [
    { name: `${label}: healthz killed -> next hop out of FIB, p50`, value: percentile(down, 50), unit: 'ms' },
    {
      name: `${label}: healthz killed -> next hop out of FIB, p99 (${TRIES} tries)`,
      value: p99,
      unit: 'ms',
      target: `< ${targetMs} ms`,
      met: p99 < targetMs,
    },
    { name: `${label}: healthz back -> next hop in FIB, p50`, value: percentile(up, 50), unit: 'ms' },
    {
      name: `${label}: healthz back -> next hop in FIB, p99 (${TRIES} tries)`,
      value: percentile(up, 99),
      unit: 'ms',
    },
  ];
}

const NODES = 100;
const SERVICES = 1000;
const CPU_SECONDS = 10;

/** 100 healthz servers on 127.0.0.1..100 in one child process (their CPU is not ours). */
async function loopbackServers(): Promise<ReturnType<typeof spawn>> {
  const script = `const http = require('node:http'); let n = 0;
for (let i = 1; i <= ${NODES}; i++) http.createServer((q, r) => r.end('ok')).listen(10256, '127.0.0.' + i, () => { if (++n === ${NODES}) process.stdout.write('listening\\n'); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => c.toString().includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`loopback healthz servers exited (${code})`)));
  });
  return child;
}

async function probeCpu(intervalMs: number): Promise<BenchRow> {
  const services: ServiceInfo[] = [];
  const routes: PlannedRoute[] = [];
  for (let i = 0; i < SERVICES; i++) {
    const s = service(`svc-${i}`);
    services.push(s);
    // Each service over 10 of the 100 nodes, so every node serves 100 services.
    const hops = Array.from({ length: 10 }, (_, k) => `127.0.0.${((i + k * 10) % NODES) + 1}`);
    routes.push({
      prefix: routePrefix({ family: 4, network: BigInt(((10 << 24) | (i << 8) | 1) >>> 0), length: 32 }),
      family: 4,
      nextHops: [...new Set(hops)].sort().map(routeAddressOf),
      communities: [],
      largeCommunities: [],
      services: [`default/svc-${i}`],
    });
  }
  const plan: Plan = {
    allocations: [],
    peers: [{ peer: 'p', peerAddress: '192.0.2.1', routes }],
    issues: [],
  };
  const child = await loopbackServers();
  const prober = httpProber(500);
  let probes = 0;
  const health = new CheckedNextHops(
    new HealthChecker({
      intervalMs,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      probe: (t) => {
        probes++;
        return prober.probe(t);
      },
    }),
    10256,
  );
  try {
    health.apply(plan, services);
    const targets = health.statuses().length;
    if (targets !== NODES) throw new Error(`expected ${NODES} targets, got ${targets}`);
    // Warm-up: keep-alive sockets opened, JIT settled.
    await new Promise((r) => setTimeout(r, 2 * intervalMs));
    const before = process.cpuUsage();
    const probesBefore = probes;
    await new Promise((r) => setTimeout(r, CPU_SECONDS * 1000));
    const used = process.cpuUsage(before);
    const cpuMs = (used.user + used.system) / 1000 / CPU_SECONDS;
    const rate = (probes - probesBefore) / CPU_SECONDS;
    return {
      name: `probe CPU, ${SERVICES} services over ${NODES} node targets, intervalMs ${intervalMs} (${rate.toFixed(0)} probes/s)`,
      value: cpuMs,
      unit: 'ms CPU/s',
    };
  } finally {
    health.stop();
    prober.close();
    await killChild(child);
  }
}

const suite: BenchSuite = {
  name: 'health-failover',
  async run() {
    const rows: BenchRow[] = [await probeCpu(1000), await probeCpu(200)];
    if (process.getuid?.() !== 0 || !existsSync('/usr/lib/frr/bgpd'))
      return [
        ...rows,
        { name: 'FIB failover skipped: needs root and FRR (/usr/lib/frr/bgpd)', value: 0, unit: '' },
      ];
    rows.push(
      ...(await failover(
        'intervalMs 200, unhealthyThreshold 2',
        ['intervalMs: 200', 'timeoutMs: 150'],
        1000,
      )),
    );
    rows.push(...(await failover('defaults (intervalMs 1000)', [], 3000)));
    return rows;
  },
};
export default suite;
