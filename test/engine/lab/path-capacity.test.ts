import { expect } from 'chai';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRouterYaml } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import { kernelTable, type RouteTable } from '../../lab/route-tables.js';
import { slotRouterLines, slotRunConfigYaml } from '../../lab/path-slot-lab.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { waitFor } from '../../support/wait-for.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

/*
 * `run` against a router that takes one path per session (FRR told `disable-addpath-rx`, standing
 * for Quagga, which has no ADD-PATH), with the Quagga capture's cluster
 * (fixtures/check-clusters/quagga-1.2.4: web-local via k8s-node2, web-both via both nodes):
 *
 * - one session: web-both reaches the router with one next hop, and verification says `ok`, naming
 *   the single-path reason, instead of re-announcing it at every verification;
 * - a route the router filters inbound: re-announced once, then only reported (the router's count
 *   of UPDATEs received from us stops growing while verifications go on);
 * - two path slots: web-both is ECMP over both nodes in the router's kernel FIB, verified `ok`.
 */

const CLUSTER = 'fixtures/check-clusters/quagga-1.2.4/manifests/cluster.yaml';
const SLOTS = ['192.168.201.2', '192.168.201.5'];

/**
 * FRR 7.5.1 refuses `neighbor X disable-addpath-rx` (vtysh exits non-zero, tried in the lab's
 * bullseye root): it cannot stand for a router without ADD-PATH, so it is not in this test.
 */
const ROUTERS = ROUTER_MATRIX.filter((r) => Number(r.frr.split('.')[0]) >= 8);

interface Case {
  title: string;
  /** Our speaker's addresses: one session each. */
  slots: string[];
  /** vtysh configuration commands entered before our speaker starts (an inbound filter). */
  filter?: string[];
}

const CASES: Case[] = [
  { title: 'one session', slots: SLOTS.slice(0, 1) },
  {
    title: 'one session, 192.168.197.0/32 filtered inbound by the router',
    slots: SLOTS.slice(0, 1),
    filter: [
      // Without this, bgpd applies a route-map change to the sessions up once its 5 s delay timer
      // runs out: it asks our speaker for a ROUTE-REFRESH, whose answer adds UPDATEs to the count
      // the test watches at a moment set by how fast `run` started (seen as routeRefreshSent 1 in
      // `show bgp neighbors json`, FRR 8.4.4). With 0 the filter is applied only as routes arrive,
      // which is all this test needs: our session comes up after it is configured.
      'bgp route-map delay-timer 0',
      'ip prefix-list no-web-local seq 5 deny 192.168.197.0/32',
      'ip prefix-list no-web-local seq 10 permit any',
      'route-map no-web-local permit 10',
      'match ip address prefix-list no-web-local',
      'exit',
      'router bgp 64501',
      'address-family ipv4 unicast',
      `neighbor ${SLOTS[0]} route-map no-web-local in`,
    ],
  },
  { title: 'two path slots', slots: SLOTS },
];

for (const router of ROUTERS)
  for (const c of CASES)
    describe(`lab: run against ${router.name} without ADD-PATH, ${c.title} @lab`, function () {
      this.timeout(180_000);
      const t = runLabHooks();

      before(async function () {
        requireRouter(this, router);
        t.lab = await createLab({
          speakerAddresses: [
            '192.168.201.11/24',
            '192.168.201.12/24',
            ...c.slots.slice(1).map((a) => `${a}/24`),
          ],
        });
        t.frr = await startMatrixFrr(t.lab, router, {
          bgpLines: slotRouterLines(c.slots, { addPath: false, neighbor: ['timers connect 1'] }),
        });
        if (c.filter) await t.frr.vtysh('configure terminal', ...c.filter);
        expect(await t.frr.vtysh('show running-config')).to.contain(
          `neighbor ${c.slots[0]} disable-addpath-rx`,
        );
        t.dir = await mkdtemp(join(tmpdir(), 'crs-path-capacity-'));
        const manifests = join(t.dir, 'manifests');
        await mkdir(manifests);
        await copyFile(CLUSTER, join(manifests, 'cluster.yaml'));
        const configFile = join(t.dir, 'crs.yaml');
        await writeFile(
          configFile,
          slotRunConfigYaml(localRouterYaml(t.frr), c.slots, [
            'pools:',
            '  - name: default',
            '    addresses: [192.168.197.0/24]',
            'verifyIntervalSec: 1',
          ]),
        );
        t.proc = new RunProcess(t.lab.speakerNs, [
          ...['run', '--config', configFile, '--manifests', manifests],
          ...['--log-level', 'debug', '--log-format', 'json'],
        ]);
      });

      /** The engine's `router verified` log lines so far. */
      const verifications = (): Array<{ verdict: string }> =>
        t
          .proc!.stderr.split('\n')
          .filter((l) => l.includes('"msg":"router verified"'))
          .map((l) => JSON.parse(l) as { verdict: string });

      /** UPDATEs the router has received from each of our sessions. */
      const updatesReceived = async (): Promise<number[]> => {
        const out: number[] = [];
        for (const a of c.slots) {
          const n = await t.frr!.vtyshJson<Record<string, { messageStats?: { updatesRecv?: number } }>>(
            `show bgp neighbors ${a} json`,
          );
          out.push(n[a]?.messageStats?.updatesRecv ?? 0);
        }
        return out;
      };

      /** Waits for `n` more verifications than there are now. */
      const moreVerifications = async (n: number): Promise<void> => {
        const seen = verifications().length;
        await waitFor(`${n} more verifications`, () => verifications().length >= seen + n, {
          timeoutMs: 60_000,
        }).catch((err: Error) => {
          throw new Error(`${err.message}\n${t.proc!.tail()}`);
        });
      };

      /** Three more verifications, each ending in `verdict`, send the router no UPDATE at all. */
      const quietVerifications = async (verdict: string): Promise<void> => {
        const before = await updatesReceived();
        await moreVerifications(3);
        expect(await updatesReceived()).to.deep.equal(before);
        expect(
          verifications()
            .slice(-3)
            .map((v) => v.verdict),
        ).to.deep.equal([verdict, verdict, verdict]);
      };

      if (c.filter === undefined)
        it('installs what the sessions can carry and verifies it ok; verifications send nothing more', async () => {
          const wanted = c.slots.length === 1 ? 1 : 2;
          let fib: RouteTable = {};
          await waitFor(
            `web-local via k8s-node2 and web-both with ${wanted} next hop(s) in the kernel FIB`,
            async () => {
              fib = await kernelTable(t.lab!);
              return (
                fib['192.168.197.0/32']?.join() === '192.168.201.12' &&
                fib['192.168.197.77/32']?.length === wanted
              );
            },
            { timeoutMs: 60_000 },
          ).catch((err: Error) => {
            throw new Error(`${err.message}\nfib ${JSON.stringify(fib)}\n${t.proc!.tail()}`);
          });
          if (c.slots.length === 2)
            expect(fib['192.168.197.77/32']).to.deep.equal(['192.168.201.11', '192.168.201.12']);
          await waitFor('an ok verification', () => verifications().some((v) => v.verdict === 'ok'), {
            timeoutMs: 60_000,
          });
          // The report goes to stdout after the log line on stderr: two pipes, read as they come.
          if (c.slots.length === 1)
            await waitFor('the report naming the single path', () =>
              t.proc!.stdout.includes('single path: the session has no ADD-PATH; 1 of 2 next hops'),
            );
          await quietVerifications('ok');
          expect(t.proc!.stderr).to.not.contain('re-announcing');
        });
      else
        it('re-announces the filtered route once, then only reports it', async () => {
          await waitFor(
            'the repair to be tried and found useless',
            () => t.proc!.stderr.includes('unchanged after a repair was sent for it'),
            { timeoutMs: 60_000 },
          ).catch((err: Error) => {
            throw new Error(`${err.message}\n${t.proc!.tail()}`);
          });
          // The repair's withdrawal and announcement were written before the check that found them
          // useless read the router; one more check gives bgpd time to count them, so the quiet
          // window holds only what came after.
          await moreVerifications(1);
          await quietVerifications('drift');
          const resends = t
            .proc!.stderr.split('\n')
            .filter((l) => l.includes('re-announcing 192.168.197.0/32'));
          expect(resends).to.have.length(1);
          expect((await kernelTable(t.lab!))['192.168.197.77/32']).to.have.length(1);
        });
    });
