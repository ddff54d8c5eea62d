import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRouterYaml, speakerNeighborLines } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import { monitorRoutes } from '../../lab/route-monitor.js';
import { kernelTable, type RouteTable } from '../../lab/route-tables.js';
import { labRunConfigYaml } from '../../lab/speaker-peer.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { waitFor } from '../../support/wait-for.js';
import { writeLargeCluster } from './large-cluster.js';
import { plannedTable } from './planned-table.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

/** Enough Services that loading the manifests takes `run` seconds after each restart. */
const SERVICES = 20_000;
const RESTARTS = 5;

/** Prefixes of `want` that `got` lacks, or holds with a next hop missing. */
function missing(want: RouteTable, got: RouteTable): string[] {
  return Object.entries(want)
    .filter(([prefix, hops]) => {
      const have = got[prefix] ?? [];
      return hops.some((h) => !have.includes(h));
    })
    .map(([prefix]) => prefix);
}

// Every FRR of the lab's router matrix (test/lab/router-matrix.ts): a release added there runs here.
for (const router of ROUTER_MATRIX)
  describe(`lab: kill -9 and restart of run with ${SERVICES} services against ${router.name}: no FIB gap @lab`, function () {
    // A safety net: at load 24 on 2 cores FRR 8.4's run took 680 s of the 900 s this used to be.
    this.timeout(1_800_000);
    const t = runLabHooks();

    before(async function () {
      requireRouter(this, router);
      t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      t.frr = await startMatrixFrr(t.lab, router, {
        bgpLines: speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
      });
      t.dir = await mkdtemp(join(tmpdir(), 'crs-restart-'));
    });

    it(`keeps every route and ECMP next hop in the router's kernel FIB across ${RESTARTS} restarts, two of them killed again while loading`, async () => {
      const manifests = join(t.dir!, 'manifests');
      await writeLargeCluster(manifests, SERVICES);
      const configFile = join(t.dir!, 'crs.yaml');
      await writeFile(
        configFile,
        labRunConfigYaml(localRouterYaml(t.frr!), [
          'pools:',
          '  - name: bulk',
          '    addresses: [10.128.0.0/17]',
          'verifyIntervalSec: 3600',
        ]),
      );
      const want = await plannedTable(configFile, manifests);
      expect(Object.keys(want)).to.have.length(SERVICES);
      expect(Object.values(want).filter((hops) => hops.length === 2)).to.have.length(SERVICES / 2);
      const start = () =>
        new RunProcess(t.lab!.speakerNs, ['run', '--config', configFile, '--manifests', manifests]);
      /** Waits for `p` to log a line passing `line`; a timeout shows the end of its log. */
      const logged = (p: RunProcess, what: string, line: (l: string) => boolean, intervalMs: number) =>
        waitFor(what, () => p.stderr.split('\n').some(line), { timeoutMs: 180_000, intervalMs }).catch(
          (err: Error) => {
            throw new Error(`${err.message}\n${p.tail()}`);
          },
        );

      t.proc = start();
      await waitFor(
        'the first run to announce everything',
        async () => missing(want, await kernelTable(t.lab!)).length === 0,
        {
          timeoutMs: 180_000,
          intervalMs: 500,
        },
      );

      // Two watches: samples of the whole table, and the kernel's own report of every change, which
      // sees a route removed or losing a next hop however briefly (a sample of 20,000 routes takes
      // longer than the 50 ms between samples).
      const gaps: string[] = [];
      const removals: string[] = [];
      const narrowings: string[] = [];
      const monitor = monitorRoutes(t.lab!.routerNs);
      monitor.records((record) => {
        const deleted = record.startsWith('Deleted ');
        const prefix = `${(deleted ? record.slice(8) : record).split(' ')[0]}/32`;
        const hops = want[prefix];
        if (!hops) return;
        const nextHops = record.match(/nexthop via/g)?.length ?? (record.includes(' via ') ? 1 : 0);
        if (deleted) removals.push(record.replace(/\s+/g, ' '));
        else if (nextHops < hops.length) narrowings.push(record.replace(/\s+/g, ' '));
      });
      let samples = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const gone = missing(want, await kernelTable(t.lab!));
          samples++;
          if (gone.length > 0)
            gaps.push(`${new Date().toISOString()}: ${gone.length} missing, e.g. ${gone[0]}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      /** FIB samples taken between each kill and the new process's first verification. */
      const samplesPerRestart: number[] = [];
      try {
        for (let i = 0; i < RESTARTS; i++) {
          const atKill = samples;
          await t.proc.kill();
          t.proc = start();
          // Every other restart fails again while it loads (a crash loop, a rollout killed
          // midway), before the router has its End-of-RIB.
          if (i % 2 === 1) {
            // Manifests read, plan not made yet: the router still holds the killed run's routes as stale.
            await logged(
              t.proc,
              `restart ${i + 1} to load its manifests`,
              (l) => l.includes('"msg":"initial cluster state complete"'),
              20,
            );
            await t.proc.kill();
            t.proc = start();
          }
          await logged(
            t.proc,
            `restart ${i + 1} to verify the router`,
            (l) => l.includes('"msg":"router verified"') && l.includes('"verdict":"ok"'),
            200,
          );
          samplesPerRestart.push(samples - atKill);
        }
      } finally {
        sampling = false;
        await sampler;
        monitor.stop();
      }
      process.stderr.write(
        `    ${samples} FIB samples over ${RESTARTS} restarts, ${gaps.length} missing routes; the kernel reported ${removals.length} route removals and ${narrowings.length} ECMP routes briefly down to fewer next hops\n`,
      );
      // How many samples fit in a restart depends on the machine's load; what counts is that the
      // sampler read the FIB during every restart (the kernel monitor sees each change anyway).
      expect(
        samplesPerRestart.filter((n) => n === 0),
        `samples per restart: ${samplesPerRestart.join()}`,
      ).to.deep.equal([]);
      expect(gaps, `${gaps.length} of ${samples} FIB samples missed routes`).to.deep.equal([]);
      expect(removals.slice(0, 5), `${removals.length} routes removed`).to.deep.equal([]);
      expect(narrowings.slice(0, 5), `${narrowings.length} routes lost a next hop`).to.deep.equal([]);
    });
  });
