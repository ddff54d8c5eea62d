import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckDir } from '../src/app/check/check-dir.js';
import { runCheck } from '../src/app/check/run-check.js';
import { renderReport } from '../src/reports/index.js';
import { planCluster } from '../src/sync/planner/index.js';
import { observedFromRecords } from '../src/sync/verify/from-records.js';
import { verify } from '../src/sync/verify/verify.js';
import { stringify } from 'yaml';
import { configMap, seedPeerAndPool } from '../test/support/metallb-config.js';
import type { BenchRow, BenchSuite } from './types.js';

interface GeneratedCheckDir {
  services: number;
  nodes: number;
}

const NODE_BASE = 11;

function nodeIp(i: number): string {
  return `192.168.201.${NODE_BASE + i}`;
}

/** The i-th service's address in 10.200.0.0/16 (skipping .0 and .255 of each /24, as MetalLB would not). */
function serviceIp(i: number): string {
  return `10.200.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * Writes a check directory with `services` LoadBalancer services (Local policy, one ready
 * endpoint each, spread over `nodes` nodes; every 10th one Cluster policy, so ECMP over all
 * nodes) and a router recording that matches the plan exactly, in FRR text or FRR JSON form.
 */
function writeCheckDir(dir: string, size: GeneratedCheckDir, form: 'frr-text' | 'frr-json'): void {
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  mkdirSync(join(dir, 'router'), { recursive: true });
  writeFileSync(join(dir, 'metallb-config.yaml'), configMap(seedPeerAndPool('bench', ['10.200.0.0/16'])));
  const allNodes = Array.from({ length: size.nodes }, (_, i) => nodeIp(i));
  const nodes = allNodes.map((ip, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: `node-${i}`, labels: { 'kubernetes.io/hostname': `node-${i}` } },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }],
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }));
  const services = [];
  const slices = [];
  const routes: Array<{ prefix: string; hops: string[] }> = [];
  for (let i = 0; i < size.services; i++) {
    const name = `svc-${i}`;
    const cluster = i % 10 === 0;
    const node = i % size.nodes;
    services.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'bench' },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: cluster ? 'Cluster' : 'Local',
        loadBalancerIP: serviceIp(i),
        selector: { app: name },
        ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30000 + (i % 2000) }],
      },
    });
    slices.push({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-x`, namespace: 'bench', labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: [`10.244.${node}.${(i % 250) + 1}`],
          conditions: { ready: true },
          nodeName: `node-${node}`,
        },
      ],
    });
    routes.push({ prefix: `${serviceIp(i)}/32`, hops: cluster ? allNodes : [nodeIp(node)] });
  }
  const list = (items: unknown[]): string => stringify({ apiVersion: 'v1', kind: 'List', items });
  writeFileSync(join(dir, 'manifests', 'nodes.yaml'), list(nodes));
  writeFileSync(join(dir, 'manifests', 'services.yaml'), list(services));
  writeFileSync(join(dir, 'manifests', 'endpointslices.yaml'), list(slices));
  const received = new Map<string, number>(allNodes.map((ip) => [ip, 0]));
  for (const r of routes) for (const h of r.hops) received.set(h, (received.get(h) ?? 0) + 1);
  if (form === 'frr-text') {
    writeFileSync(join(dir, 'router', 'show_bgp_summary.txt'), summaryText(received));
    writeFileSync(join(dir, 'router', 'show_ip_route_bgp.txt'), routeText(routes));
  } else {
    writeFileSync(join(dir, 'router', 'show_bgp_summary_json.txt'), summaryJson(received));
    writeFileSync(join(dir, 'router', 'show_ip_route_bgp_json.txt'), routeJson(routes));
  }
}

function summaryText(received: Map<string, number>): string {
  const rows = [...received].map(
    ([ip, pfx]) =>
      `${ip.padEnd(16)}4 ${'64500'.padStart(10)} ${'100'.padStart(9)} ${'100'.padStart(9)} ${'0'.padStart(8)} ${'0'.padStart(4)} ${'0'.padStart(4)} ${'01:00:00'.padStart(8)} ${String(pfx).padStart(12)} ${'0'.padStart(8)} N/A`,
  );
  return [
    '',
    'IPv4 Unicast Summary (VRF default):',
    'BGP router identifier 192.168.198.254, local AS number 64501 vrf-id 0',
    'BGP table version 1',
    'RIB entries 1, using 192 bytes of memory',
    `Peers ${received.size}, using 1448 KiB of memory`,
    '',
    'Neighbor        V         AS   MsgRcvd   MsgSent   TblVer  InQ OutQ  Up/Down State/PfxRcd   PfxSnt Desc',
    ...rows,
    '',
    `Total number of neighbors ${received.size}`,
    '',
  ].join('\n');
}

function routeText(routes: Array<{ prefix: string; hops: string[] }>): string {
  const lines = [
    'Codes: K - kernel route, C - connected, S - static, R - RIP,',
    '       > - selected route, * - FIB route',
    '',
  ];
  for (const r of routes) {
    const head = `B>* ${r.prefix} [20/0] `;
    r.hops.forEach((h, k) =>
      lines.push(`${k === 0 ? head : `  *${' '.repeat(head.length - 3)}`}via ${h}, eth0, weight 1, 01:00:00`),
    );
  }
  return `${lines.join('\n')}\n`;
}

function summaryJson(received: Map<string, number>): string {
  const peers = Object.fromEntries(
    [...received].map(([ip, pfx]) => [
      ip,
      {
        remoteAs: 64500,
        version: 4,
        msgRcvd: 100,
        msgSent: 100,
        tableVersion: 0,
        outq: 0,
        inq: 0,
        peerUptime: '01:00:00',
        pfxRcd: pfx,
        pfxSnt: 0,
        state: 'Established',
      },
    ]),
  );
  return JSON.stringify({
    ipv4Unicast: { routerId: '192.168.198.254', as: 64501, vrfName: 'default', peers },
  });
}

function routeJson(routes: Array<{ prefix: string; hops: string[] }>): string {
  const entries = routes.map((r) => [
    r.prefix,
    [
      {
        prefix: r.prefix,
        protocol: 'bgp',
        selected: true,
        installed: true,
        distance: 20,
        metric: 0,
        uptime: '01:00:00',
        nexthops: r.hops.map((h) => ({
          fib: true,
          ip: h,
          afi: 'ipv4',
          interfaceName: 'eth0',
          active: true,
          weight: 1,
        })),
      },
    ],
  ]);
  return JSON.stringify(Object.fromEntries(entries));
}

const SERVICES = 10_000;
const NODES = 20;
const TARGET_MS = 2000;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/**
 * Median wall and process CPU time (user + system) of a few in-process runs of `check DIR`
 * (read, parse, plan, verify, render): wall time alone misleads on a machine shared with others.
 */
async function timeCheck(
  dir: string,
  format: 'text' | 'json',
  runs: number,
): Promise<{ wallMs: number; cpuMs: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const result = await runCheck(dir, { format });
    walls.push(Number(process.hrtime.bigint() - start) / 1e6);
    const cpu = process.cpuUsage(cpuStart);
    cpus.push((cpu.user + cpu.system) / 1e3);
    if (result.exitCode !== 0)
      throw new Error(`bench check failed (exit ${result.exitCode}): ${result.error ?? ''}`);
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Where the time goes, one (warm) run: reading the directory is YAML parsing, mostly. */
async function phases(dir: string): Promise<BenchRow[]> {
  let t = process.hrtime.bigint();
  const inputs = await readCheckDir(dir);
  const read = msSince(t);
  t = process.hrtime.bigint();
  const plan = planCluster(inputs.config, inputs.snapshot);
  const planned = msSince(t);
  t = process.hrtime.bigint();
  const v = verify({ plan, config: inputs.config, observed: observedFromRecords(inputs.records) });
  const verified = msSince(t);
  t = process.hrtime.bigint();
  renderReport(v, { format: 'text' });
  const rendered = msSince(t);
  const row = (name: string, value: number): BenchRow => ({ name: `phase: ${name}`, value, unit: 'ms' });
  return [
    row('read DIR (manifests YAML, config, router text)', read),
    row('plan (allocate + routes)', planned),
    row('verify (adapt records + compare)', verified),
    row('render text report', rendered),
  ];
}

export default {
  name: 'check',
  async run(): Promise<BenchRow[]> {
    const root = mkdtempSync(join(tmpdir(), 'crs-bench-check-'));
    try {
      const rows: BenchRow[] = [];
      for (const form of ['frr-text', 'frr-json'] as const) {
        const dir = join(root, form);
        writeCheckDir(dir, { services: SERVICES, nodes: NODES }, form);
        const { wallMs, cpuMs } = await timeCheck(dir, 'text', 3);
        const name = `check DIR, ${SERVICES} services, ${form} recording, text report`;
        rows.push({
          name: `${name} (median of 3)`,
          value: wallMs,
          unit: 'ms',
          target: `< ${TARGET_MS} ms`,
          met: wallMs < TARGET_MS,
        });
        rows.push({ name: `${name}, process CPU user+sys (median of 3)`, value: cpuMs, unit: 'ms' });
      }
      rows.push(...(await phases(join(root, 'frr-text'))));
      return rows;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
} satisfies BenchSuite;
