/**
 * The speaker side of the FIB latency benchmark (bench/engine.bench.ts), run inside the lab's
 * speaker namespace. It loads `count` services with pinned addresses 10.96.x.y, each with one
 * endpoint on node .11 or .12, peers with the lab FRR, and then reads commands on stdin:
 * `move <i>` moves service i's endpoint to the other node (one route changes next hop).
 * It prints `ready` once the initial table is written.
 */
import { createInterface } from 'node:readline';
import type { Config } from '../../../src/config/model.js';
import { Metrics } from '../../../src/observability/metrics.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { ClusterSnapshot, EndpointSliceInfo, NodeInfo, ServiceInfo } from '../../../src/sync/cluster.js';
import { SyncEngine } from '../../../src/app/engine/engine.js';
import type { SourceListener } from '../../../src/app/engine/ports.js';
import { incrementalPlanner } from '../../../src/sync/planner/snapshot-delta.js';
import { createSpeakerSide } from '../../../src/app/engine/speaker-setup.js';
import { config as buildConfig, node, peer, pool, service } from '../../sync/builders.js';

const count = Number(process.argv[2] ?? '1000');
const nodes: NodeInfo[] = [11, 12].map((i) => node(`node-${i}`, [`192.168.201.${i}`], { labels: {} }));

function serviceAddress(i: number): string {
  return `10.96.${i >> 8}.${i & 255}`;
}

const lbService = (i: number): ServiceInfo =>
  service(`svc-${i}`, {
    namespace: 'bench',
    loadBalancerIP: serviceAddress(i),
    externalTrafficPolicy: 'Local',
    selector: {},
  });
const slice = (i: number, node: number): EndpointSliceInfo => ({
  namespace: 'bench',
  name: `svc-${i}-x`,
  serviceName: `svc-${i}`,
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.244.0.1'], ready: true, nodeName: nodes[node]!.name }],
});

const config: Config = buildConfig(
  [pool('bench', ['10.96.0.0/16'])],
  [peer('192.168.201.1', { name: 'lab-router', connectTimeSec: 1, sourceAddress: '192.168.201.2' })],
  { verifyIntervalSec: 3600 },
);

const logger = silentLogger();
const { speaker, announcer } = createSpeakerSide(config, logger);
let listener: SourceListener | undefined;
const engine = new SyncEngine<null>({
  config,
  source: { start: async (l) => void (listener = l), stop: async () => {} },
  planner: incrementalPlanner(config),
  announcer,
  verifier: { verify: async () => ({ verdict: 'ok', findings: [], report: null }) },
  reporter: () => {},
  metrics: new Metrics(),
  logger,
  settleMs: 3_600_000,
});
const nodeOf = Array.from({ length: count }, (_, i) => i % 2);
const services = Array.from({ length: count }, (_, i) => lbService(i));
let slices = Array.from({ length: count }, (_, i) => slice(i, nodeOf[i]!));
const snapshot = (): ClusterSnapshot => ({ services, endpointSlices: slices, nodes, namespaces: [] });

speaker.on('routes-sent', (e) => {
  if (e.cause === 'initial' || e.cause === 'update') process.stdout.write('ready\n');
});
announcer.start();
await engine.start();
listener!.snapshot(snapshot(), true);
for await (const line of createInterface({ input: process.stdin })) {
  const [cmd, arg] = line.split(' ');
  if (cmd === 'move') {
    const i = Number(arg);
    nodeOf[i] = 1 - nodeOf[i]!;
    slices = slices.slice();
    slices[i] = slice(i, nodeOf[i]!);
    listener!.snapshot(snapshot(), true);
  }
}
await engine.stop('withdraw');
