import { expect } from 'chai';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { DesiredRoute } from '../../../src/bgp/index.js';
import type { CliIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import { SpeakerProcess } from '../../bgp/lab/speaker-process.js';
import type { ChildOptions } from '../../bgp/lab/speaker-child.js';
import { localRouterYaml, speakerNeighborLines } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import { frrTable } from '../../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { labRouterPeer, labRunConfigYaml } from '../../lab/speaker-peer.js';
import { waitFor } from '../../support/wait-for.js';
import { plannedTable } from './planned-table.js';
import { runLabHooks } from './run-lab.js';
import { nextHopsOf, routePrefixOf } from '../../support/routes.js';

/** `cluster-router-sync verify` in this process, against the lab's router. */
async function verifyCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
  const code = await main(['node', 'cluster-router-sync', 'verify', ...args, '--log-level', 'silent'], io);
  return { code, stdout, stderr };
}

// A router keeps a restarted speaker's routes as stale until its End-of-RIB (RFC 4724 section
// 4.2); until then the routes it shows may be the previous session's, and a second restart in that
// window makes FRR (7.5 to 10.3) delete the still-stale ones. `verify` must not call that ok.
for (const router of ROUTER_MATRIX)
  describe(`lab: verify while ${router.name} waits for our End-of-RIB after a restart @lab`, function () {
    this.timeout(300_000);
    const t = runLabHooks();
    let speaker: SpeakerProcess | undefined;
    after(async () => speaker?.kill());

    before(async function () {
      requireRouter(this, router);
      t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      t.frr = await startMatrixFrr(t.lab, router, { bgpLines: speakerNeighborLines({ ecmp: true }) });
      t.dir = await mkdtemp(join(tmpdir(), 'crs-restart-verify-'));
    });

    it('reports the session restarting (exit 1) until the router has our End-of-RIB, then ok (exit 0)', async () => {
      const manifests = join(t.dir!, 'manifests');
      await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
      const configFile = join(t.dir!, 'crs.yaml');
      await writeFile(
        configFile,
        labRunConfigYaml(localRouterYaml(t.frr!), [
          'pools:',
          '  - name: default',
          '    addresses: [192.168.197.0/24]',
        ]),
      );
      const table = await plannedTable(configFile, manifests);
      const routes: DesiredRoute[] = Object.entries(table).map(([prefix, nextHops]) => ({
        prefix: routePrefixOf(prefix),
        nextHops: nextHopsOf(nextHops),
        communities: [],
        largeCommunities: [],
      }));
      const options = (over: Partial<ChildOptions>): ChildOptions => ({
        routerId: '192.168.201.2',
        gracefulRestartTimeSec: 120,
        peers: [labRouterPeer({ name: 'lab-router', sourceAddress: '192.168.201.2' })],
        routes: { 'lab-router': routes },
        ...over,
      });
      const args = ['--config', configFile, '--manifests', manifests];

      speaker = await SpeakerProcess.start(t.lab!.speakerNs, options({}));
      await waitFor('the planned routes on the router', async () =>
        isDeepStrictEqual(await frrTable(t.frr!), table),
      );
      expect((await verifyCli(args)).code, 'before the restart').to.equal(0);

      await speaker.kill();
      // The restarted speaker holds its table, as `run` does until its first plan is made.
      speaker = await SpeakerProcess.start(
        t.lab!.speakerNs,
        options({ awaitInitialTable: true, restarted: true }),
      );
      await speaker.waitEvent((e) => e.event === 'established');
      await waitFor('the router to see the new session', async () =>
        (await t.frr!.vtysh('show bgp summary')).includes('192.168.201.2'),
      );
      const during = await verifyCli([...args, '--output', 'json']);
      expect(during.stderr).to.equal('');
      expect(during.code, during.stdout).to.equal(1);
      const report = JSON.parse(during.stdout) as {
        status: string;
        sessions: Array<{ verdict: string; state: string; detail?: string }>;
      };
      expect(report.status).to.equal('drift');
      expect(report.sessions).to.have.length(1);
      expect(report.sessions[0]).to.include({ verdict: 'restarting', state: 'Established' });
      expect(report.sessions[0]!.detail).to.contain('End-of-RIB');
      // The stale routes still forward meanwhile.
      expect(await frrTable(t.frr!)).to.deep.equal(table);

      speaker.send({ cmd: 'tableComplete' });
      await waitFor(
        'verify to find the router in line (End-of-RIB taken)',
        async () => (await verifyCli(args)).code === 0,
      );
    });
  });
