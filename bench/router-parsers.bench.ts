import { performance } from 'node:perf_hooks';
import { parseRouteJson } from '../src/router-drivers/parse-json.js';
import { parseRouteText } from '../src/router-drivers/parse-route-text.js';
import type { RouteEntry } from '../src/router-drivers/records.js';
import { formatUptime } from '../src/router-drivers/uptime.js';
import { renderFrrRouteText } from '../test/router-drivers/frr-text-render.js';
import { bgpRoute } from '../test/router-drivers/route-entries.js';
import type { BenchRow, BenchSuite } from './types.js';

const ROUTES = 100_000;
const RUNS = 5;

/** 100k BGP /32s as the seed's router would hold them: every 4th one ECMP over two nodes. */
function routes(): RouteEntry[] {
  const out: RouteEntry[] = [];
  for (let i = 0; i < ROUTES; i += 1) {
    const prefix = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
    const hops = i % 4 === 0 ? ['192.168.201.11', '192.168.201.12'] : [`192.168.201.${11 + (i % 2)}`];
    out.push(bgpRoute(prefix, hops, 'crs_vr', formatUptime(i % 400_000), 1));
  }
  return out;
}

/** zebra's `show ip route bgp json`: json-c pretty printing, two-space indent, no space after `:`. */
function renderFrrRouteJson(rs: readonly RouteEntry[]): string {
  const doc: Record<string, unknown[]> = {};
  rs.forEach((r, i) => {
    doc[r.prefix] = [
      {
        prefix: r.prefix,
        prefixLen: 32,
        protocol: 'bgp',
        vrfId: 0,
        vrfName: 'default',
        selected: true,
        destSelected: true,
        distance: r.distance,
        metric: r.metric,
        installed: true,
        table: 254,
        internalStatus: 16,
        internalFlags: 8,
        internalNextHopNum: r.nextHops.length,
        internalNextHopActiveNum: r.nextHops.length,
        nexthopGroupId: 7 + i,
        installedNexthopGroupId: 7 + i,
        uptime: r.uptimeText,
        nexthops: r.nextHops.map((h) => ({
          flags: 3,
          fib: true,
          ip: h.address,
          afi: 'ipv4',
          interfaceIndex: 12,
          interfaceName: h.interface,
          active: true,
          weight: 1,
        })),
      },
    ];
  });
  return `${JSON.stringify(doc, null, 2).replace(/": /g, '":')}\n`;
}

function inputs(): { text: string; json: string } {
  const rs = routes();
  return { text: renderFrrRouteText(rs), json: renderFrrRouteJson(rs) };
}

/**
 * Median wall time and median CPU time (user + system, this process) of RUNS runs after one
 * warm-up. On a shared 2-core machine the wall time also measures the scheduler; the CPU time is
 * the parser's own cost (it includes V8's GC threads, so it is not flattering either).
 */
function measure(fn: () => unknown): { wallMs: number; cpuMs: number } {
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { wallMs: median(wall), cpuMs: median(cpu) };
}

/** The wall and CPU rows of one parser, each against the same target. */
function rows(name: string, m: { wallMs: number; cpuMs: number }, targetMs: number): BenchRow[] {
  return [
    { name: `${name}, wall, median of ${RUNS}`, value: m.wallMs, unit: 'ms' },
    { name: `${name}, CPU, median of ${RUNS}`, value: m.cpuMs, unit: 'ms' },
  ].map((row) => ({ ...row, target: `< ${targetMs} ms`, met: row.value < targetMs }));
}

export default {
  name: 'router-parsers',
  run: async (): Promise<BenchRow[]> => {
    // The generated records stay inside inputs() so the heap holds only the two texts when timed.
    const { text, json } = inputs();
    if (parseRouteText(text).length !== ROUTES || parseRouteJson(json).length !== ROUTES) {
      throw new Error('benchmark input did not parse to 100k routes');
    }
    const t = measure(() => parseRouteText(text));
    const j = measure(() => parseRouteJson(json));
    const textName = `show ip route text, ${ROUTES} BGP routes (${(text.length / 2 ** 20).toFixed(1)} MiB)`;
    const jsonName = `show ip route bgp json, ${ROUTES} routes (${(json.length / 2 ** 20).toFixed(1)} MiB)`;
    return [...rows(textName, t, 300), ...rows(jsonName, j, 500)];
  },
} satisfies BenchSuite;
