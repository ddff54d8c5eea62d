import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AddressPool, Config } from '../src/config/model.js';
import type { ClusterSnapshot, EndpointSliceInfo, NodeInfo, ServiceInfo } from '../src/sync/cluster.js';
import { IpAllocator } from '../src/sync/allocator/ip-allocator.js';
import { allocateServices } from '../src/sync/planner/allocate-services.js';
import { Planner, planCluster } from '../src/sync/planner/index.js';
import { readAllocationRequest } from '../src/sync/planner/service-request.js';
import { config as buildConfig, node, peer, pool, range, service } from '../test/sync/builders.js';
import type { BenchRow, BenchSuite } from './types.js';

// The figures of issue 5: a 10,000-service cluster planned from scratch, one EndpointSlice change
// re-planned incrementally, and 100,000 allocations from an IPv6 /64.

const NODES = 100;
const SERVICES = 10_000;

function benchConfig(pools: AddressPool[]): Config {
  const peers = [
    peer('192.168.200.2', { name: 'core', peerAsn: 64500 }),
    peer('192.168.200.1', { name: 'edge' }),
  ];
  return buildConfig(pools, peers, { neighborDescription: 'bench' });
}

function benchService(i: number, family: 4 | 6 = 4): ServiceInfo {
  return service(`svc-${i}`, {
    namespace: `ns${i % 50}`,
    externalTrafficPolicy: i % 2 === 0 ? 'Local' : 'Cluster',
    ipFamilies: [family],
    selector: { app: `app-${i}` },
    creationTimestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  });
}

function endpointSlice(i: number, shift: number): EndpointSliceInfo {
  return {
    namespace: `ns${i % 50}`,
    name: `svc-${i}-abcde`,
    serviceName: `svc-${i}`,
    addressType: 'IPv4',
    endpoints: [0, 1, 2].map((k) => ({
      addresses: [`10.244.${k}.${i % 250}`],
      ready: true,
      nodeName: `node-${(i * 7 + k * 13 + shift) % NODES}`,
    })),
  };
}

function clusterSnapshot(): ClusterSnapshot {
  const nodes: NodeInfo[] = [];
  for (let n = 0; n < NODES; n++) {
    nodes.push(node(`node-${n}`, [`192.168.${201 + Math.floor(n / 250)}.${(n % 250) + 1}`], { labels: {} }));
  }
  const services: ServiceInfo[] = [];
  const endpointSlices: EndpointSliceInfo[] = [];
  for (let i = 0; i < SERVICES; i++) {
    services.push(benchService(i));
    endpointSlices.push(endpointSlice(i, 0));
  }
  const namespaces = Array.from({ length: 50 }, (_, i) => ({ name: `ns${i}`, labels: {} }));
  return { services, endpointSlices, nodes, namespaces };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Process CPU time (all threads, GC included): steadier than wall time on a busy machine. */
function cpuMs(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Wall and process CPU time of one run, for figures measured once. */
function wallAndCpuMs(fn: () => void): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const wall = timeMs(fn);
  const used = process.cpuUsage(cpuStart);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export default {
  name: 'planner',
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const config = benchConfig([pool('big', ['10.0.0.0/16'])]);
    const snap = clusterSnapshot();

    planCluster(config, snap);
    const scratch = median(Array.from({ length: 7 }, () => timeMs(() => planCluster(config, snap))));
    rows.push({
      name: `plan from scratch: ${SERVICES} services, ${NODES} nodes, 2 peers (median wall)`,
      value: scratch,
      unit: 'ms',
      target: '< 100 ms',
      met: scratch < 100,
    });
    const scratchCpu = median(Array.from({ length: 7 }, () => cpuMs(() => planCluster(config, snap))));
    rows.push({ name: 'plan from scratch (median process CPU time)', value: scratchCpu, unit: 'ms' });

    const planner = new Planner(config, snap);
    planner.plan();
    const changes: number[] = [];
    for (let round = 1; round <= 400; round++) {
      const i = (round * 37) % SERVICES;
      changes.push(
        timeMs(() => {
          planner.update({ endpointSlices: { upsert: [endpointSlice(i, round)] } });
          planner.plan();
        }),
      );
    }
    const incremental = median(changes.slice(100));
    rows.push({
      name: 'one EndpointSlice change re-planned (incremental Planner, median)',
      value: incremental,
      unit: 'ms',
      target: '< 1 ms',
      met: incremental < 1,
    });

    const gc = collectGarbage();
    const v6 = [pool('v6', ['2001:db8::/64'])];
    const requests = Array.from({ length: 100_000 }, (_, i) => readAllocationRequest(benchService(i, 6)));
    gc();
    // In a function of its own so the 100,000 results are garbage before the heap is measured.
    const allocationPass = (): { wall: number; cpu: number } => {
      let size = 0;
      const ms = wallAndCpuMs(() => {
        size = allocateServices(v6, requests, new Map()).size;
      });
      if (size !== 100_000) throw new Error('allocation bench lost services');
      return ms;
    };
    const alloc = allocationPass();
    rows.push({
      name: '100,000 services allocated from an IPv6 /64 (whole allocation pass)',
      value: alloc.wall,
      unit: 'ms',
      target: '< 1000 ms',
      met: alloc.wall < 1000,
    });
    rows.push({ name: '100,000 services from an IPv6 /64 (process CPU time)', value: alloc.cpu, unit: 'ms' });

    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const allocator = new IpAllocator(v6);
    const ids = requests.map((r) => r.identity);
    const held: unknown[] = [];
    const raw = wallAndCpuMs(() => {
      for (const id of ids)
        held.push(allocator.assign(id, 6, allocator.lowestAvailable('v6', 6, id) as bigint, 'v6'));
    });
    gc();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    rows.push({ name: '100,000 allocations from an IPv6 /64 (allocator only)', value: raw.wall, unit: 'ms' });
    rows.push({ name: '100,000 allocations, allocator only (process CPU time)', value: raw.cpu, unit: 'ms' });
    rows.push({
      name: 'heap held by an allocator with 100,000 addresses of a /64',
      value: heapMb,
      unit: 'MB',
      target: '< 100 MB',
      met: heapMb < 100,
    });
    if (allocator.usersOf(6, range('2001:db8::/64').first + 99_999n).length !== 1 || held.length !== 100_000)
      throw new Error('allocator lost addresses');
    return rows;
  },
} satisfies BenchSuite;
