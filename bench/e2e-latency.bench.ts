/**
 * The whole cluster path, timed: from `create Service` on a real kube-apiserver to the
 * route in the router's kernel FIB (real FRR in the lab's router namespace), with our `run`
 * (test/e2e/support/full-system.ts) in between: watch, plan, status write, BGP UPDATE, bgpd,
 * zebra. Services are created one at a time, each after its EndpointSlice (one ready endpoint on
 * k8s-node1), so each figure is one service's own latency.
 */
import { createObject } from '../test/e2e/kube-objects.js';
import {
  loadSeed,
  serviceWithEndpoint,
  startFullSystem,
  externalIps,
} from '../test/e2e/support/full-system.js';
import { kernelTable } from '../test/lab/route-tables.js';
import { waitFor } from '../test/support/wait-for.js';
import { monitorRoutes } from '../test/lab/route-monitor.js';
import { fullSystemMissing, withRunLog } from './full-system-bench.js';
import { percentile } from './stats.js';
import type { BenchRow, BenchSuite } from './types.js';

const SERVICES = 100;

async function createToFib(): Promise<BenchRow[]> {
  const missing = fullSystemMissing();
  if (missing) return [{ name: `e2e latency skipped: ${missing}`, value: 0, unit: '' }];

  // Each service is created right after a router verification finished (the next one starts a
  // settle time, 1 s, later at the earliest): a verification still reading the router when a newer
  // route arrives compares it with its older plan, takes it for unwanted and restarts the session
  // (an engine race, reported to its owner). So the figure is the latency of a change that does
  // not meet a verification in flight.
  const sys = await startFullSystem();
  try {
    await loadSeed(sys.api);
    const run = sys.startRun('crs-bench');
    const failed = withRunLog(run);
    await waitFor(
      'the seed routes in the FIB',
      async () => Object.keys(await kernelTable(sys.lab)).length === 3,
      {
        timeoutMs: 120_000,
        intervalMs: 250,
      },
    ).catch(failed);
    const monitor = monitorRoutes(sys.lab.routerNs);
    try {
      const verifications = () => run.stderr().split('"msg":"router verified"').length;
      const times: number[] = [];
      for (let k = 0; k < SERVICES; k++) {
        // The lowest free addresses in turn: .0, .1 and .254 are the seed's.
        const octet = 2 + k;
        const seen = verifications();
        await waitFor('a router verification to finish', () => verifications() > seen, {
          intervalMs: 5,
        }).catch(failed);
        const [svc, slice] = serviceWithEndpoint(`bench-${k}`, 'k8s-node1');
        await createObject(sys.api, slice!);
        // A route add in the monitor: `192.168.197.N [nhid K ][via 192.168.201.11 ]...`, not `Deleted ...`.
        const match = new RegExp(`^192\\.168\\.197\\.${octet} `);
        let installedAt: number | undefined;
        monitor.watch(match, (t) => (installedAt = t));
        const t0 = performance.now();
        await createObject(sys.api, svc!);
        const t1 = await waitFor(`bench-${k} (192.168.197.${octet}) in the FIB`, () => installedAt, {
          timeoutMs: 60_000,
          intervalMs: 20,
        }).catch(failed);
        times.push(t1 - t0);
      }
      // The addresses guessed above are the ones the Services got.
      const ips = await externalIps(sys.api);
      for (let k = 0; k < SERVICES; k++)
        if (ips[`bench-${k}`] !== `192.168.197.${2 + k}`)
          throw new Error(`bench-${k} got ${ips[`bench-${k}`]}, not 192.168.197.${2 + k}`);
      times.sort((a, b) => a - b);
      const p50 = percentile(times, 50);
      return [
        {
          name: `create Service on the API server to route in FRR's kernel FIB (${SERVICES} services), p50`,
          value: p50,
          unit: 'ms',
          target: '< 300',
          met: p50 < 300,
        },
        {
          name: `create Service on the API server to route in FRR's kernel FIB (${SERVICES} services), p99`,
          value: percentile(times, 99),
          unit: 'ms',
        },
      ];
    } finally {
      monitor.stop();
    }
  } finally {
    await sys.stop();
  }
}

export default {
  name: 'e2e-latency',
  run: createToFib,
} satisfies BenchSuite;
