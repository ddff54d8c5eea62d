import { expect } from 'chai';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRouterYaml } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import {
  clusterServiceManifests,
  slotRouterLines,
  slotRunConfigYaml,
  SLOTS,
} from '../../lab/path-slot-lab.js';
import { kernelTable, type RouteTable } from '../../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { waitFor } from '../../support/wait-for.js';
import { plannedTable } from './planned-table.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

/**
 * `run` with a peer that lists two source addresses, against a real FRR told to refuse ADD-PATH
 * (`neighbor X disable-addpath-rx`, FRR 8.4 and 10.3; test/bgp/path-slots-frr.lab.test.ts checks
 * that 7.5 has no such command): the seed's services reach the router's kernel FIB as planned,
 * a Cluster service as one route over both nodes, through one session per source address.
 */

for (const router of ROUTER_MATRIX.filter((r) => r.frr !== '7.5'))
  describe(`lab: run with peers[].sourceAddresses against a real ${router.name} without ADD-PATH @lab`, function () {
    this.timeout(180_000);
    const t = runLabHooks();

    it('puts a Cluster service over two nodes into the FIB as ECMP and a Local one on its node', async function () {
      requireRouter(this, router);
      t.lab = await createLab({
        speakerAddresses: [`${SLOTS[1]}/24`, '192.168.201.11/24', '192.168.201.12/24'],
      });
      t.frr = await startMatrixFrr(t.lab, router, {
        bgpLines: slotRouterLines(SLOTS, { addPath: false, neighbor: ['timers connect 1'] }),
      });
      t.dir = await mkdtemp(join(tmpdir(), 'crs-slots-'));
      // test-service (192.168.197.1) spread over every node: the ECMP case.
      const manifests = await clusterServiceManifests(t.dir);
      const configFile = join(t.dir, 'crs.yaml');
      await writeFile(
        configFile,
        slotRunConfigYaml(localRouterYaml(t.frr), SLOTS, [
          'pools:',
          '  - name: default',
          '    addresses: [192.168.197.0/24]',
          'verifyIntervalSec: 3600',
        ]),
      );
      const want = await plannedTable(configFile, manifests);
      expect(want['192.168.197.1/32']).to.deep.equal(['192.168.201.11', '192.168.201.12']);
      expect(want['192.168.197.0/32']).to.deep.equal(['192.168.201.11']);

      t.proc = new RunProcess(t.lab.speakerNs, ['run', '--config', configFile, '--manifests', manifests]);
      let fib: RouteTable = {};
      await waitFor('the kernel FIB to hold the plan', async () => {
        fib = await kernelTable(t.lab!);
        return JSON.stringify(fib) === JSON.stringify(want);
      }).catch((err: Error) => {
        throw new Error(
          `${err.message}\nplan ${JSON.stringify(want)}\nfib ${JSON.stringify(fib)}\n${t.proc!.tail()}`,
        );
      });
      // Two sessions, one per source address; the ECMP route's second path came over the second.
      const summary = await t.frr.vtyshJson<{
        ipv4Unicast?: { peers?: Record<string, { state?: string; pfxRcd?: number }> };
      }>('show bgp summary json');
      expect(SLOTS.map((a) => summary.ipv4Unicast?.peers?.[a]?.state)).to.deep.equal([
        'Established',
        'Established',
      ]);
      expect(summary.ipv4Unicast?.peers?.[SLOTS[1]!]?.pfxRcd).to.equal(1);
      expect(t.proc.stderr).to.include('each prefix');
    });
  });
