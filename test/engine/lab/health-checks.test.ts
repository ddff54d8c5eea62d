import { expect } from 'chai';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import { cleanUpAll, labSteps } from '../../lab/cleanup.js';
import { localRouterYaml, speakerNeighborLines, type FrrRouter } from '../../lab/frr.js';
import { HealthzServer } from '../../lab/healthz-server.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { kernelTable } from '../../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { waitFor } from '../../support/wait-for.js';
import { RunProcess } from './run-process.js';

/**
 * `run` with healthChecks against a real FRR: each node address has a node:http stand-in for
 * kube-proxy's healthz (port 10256, what a Cluster-policy service is probed on). test-service is
 * made Cluster-policy, so it is one ECMP route over both nodes. Killing one node's server takes
 * that next hop out of FRR's kernel FIB; killing both leaves both (fail open, logged as an
 * error); restarting brings them back. Once over ADD-PATH, once over two path slot sessions to an
 * FRR told `disable-addpath-rx` (a router without ADD-PATH).
 */

const NODES = ['192.168.201.11', '192.168.201.12'];
const SLOTS = ['192.168.201.2', '192.168.201.3'];
const PREFIX = '192.168.197.1/32';
const PORT = 10256;

const router = ROUTER_MATRIX.find((r) => r.frr === '8.4')!;

for (const mode of ['add-path', 'path slots'] as const)
  describe(`lab: health-checked next hops on ${router.name} (${mode}) @lab`, function () {
    this.timeout(180_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let dir: string | undefined;
    let proc: RunProcess | undefined;
    const servers: HealthzServer[] = [];

    after(async () => {
      await cleanUpAll([
        async () => proc?.kill(),
        ...servers.map((s) => () => s.stop()),
        ...labSteps({ frr, lab, dir }),
      ]);
    });

    async function fibOf(prefix: string): Promise<string[] | undefined> {
      return (await kernelTable(lab!))[prefix];
    }

    async function waitForHops(what: string, want: string[]): Promise<void> {
      let seen: string[] | undefined;
      await waitFor(what, async () => {
        seen = await fibOf(PREFIX);
        return JSON.stringify(seen) === JSON.stringify(want);
      }).catch((err: Error) => {
        throw new Error(`${err.message}\nfib ${JSON.stringify(seen)}\n${proc!.tail()}`);
      });
    }

    it('withdraws a dead node, fails open when all are dead, and takes them back', async function () {
      requireRouter(this, router);
      const slots = mode === 'path slots';
      lab = await createLab({
        speakerAddresses: [...(slots ? [`${SLOTS[1]}/24`] : []), ...NODES.map((n) => `${n}/24`)],
      });
      frr = await startMatrixFrr(lab, router, {
        bgpLines: slots
          ? [
              'no bgp ebgp-requires-policy',
              ...SLOTS.map((a) => `neighbor ${a} remote-as 64500`),
              ...SLOTS.map((a) => `neighbor ${a} timers connect 1`),
              'address-family ipv4 unicast',
              ' maximum-paths 8',
              ...SLOTS.map((a) => ` neighbor ${a} disable-addpath-rx`),
              'exit-address-family',
            ]
          : speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
      });
      for (const n of NODES) servers.push(new HealthzServer(lab.speakerNs, n, PORT));
      for (const s of servers) await s.start();

      dir = await mkdtemp(join(tmpdir(), 'crs-health-'));
      const manifests = join(dir, 'manifests');
      await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
      const services = join(manifests, 'services.yaml');
      const docs = (await readFile(services, 'utf8')).split('\n---\n');
      const i = docs.findIndex((d) => /^ {2}name: test-service$/m.test(d));
      docs[i] = docs[i]!.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster');
      await writeFile(services, docs.join('\n---\n'));
      const configFile = join(dir, 'crs.yaml');
      await writeFile(
        configFile,
        [
          'apiVersion: cluster-router-sync.io/v1alpha1',
          'kind: ClusterRouterSyncConfig',
          'router:',
          ...localRouterYaml(frr),
          '  dialect: frr',
          'peers:',
          '  - name: lab-router',
          '    peerAddress: 192.168.201.1',
          '    peerASN: 64501',
          '    myASN: 64500',
          slots ? `    sourceAddresses: [${SLOTS.join(', ')}]` : `    sourceAddress: ${SLOTS[0]}`,
          '    connectTime: 1s',
          'pools:',
          '  - name: default',
          '    addresses: [192.168.197.0/24]',
          'verifyIntervalSec: 3600',
          // Manifests mode has health checks off unless the config turns them on.
          'healthChecks:',
          '  intervalMs: 200',
          '  timeoutMs: 150',
          `  nodeHealthPort: ${PORT}`,
          '',
        ].join('\n'),
      );

      proc = new RunProcess(lab.speakerNs, ['run', '--config', configFile, '--manifests', manifests]);
      await waitForHops('both next hops in the FIB', NODES);

      await servers[1]!.stop();
      await waitForHops(`${NODES[1]} withdrawn after its healthz died`, [NODES[0]!]);
      expect(proc.stderr).to.match(/next hop 192\.168\.201\.12 fails its health check/);
      expect(proc.stderr).to.include('ECONNREFUSED');

      await servers[1]!.start();
      await waitForHops(`${NODES[1]} back after its healthz returned`, NODES);

      for (const s of servers) await s.stop();
      await waitFor('the fail-open error', () => proc!.stderr.includes(`every next hop of ${PREFIX}`));
      expect(await fibOf(PREFIX)).to.deep.equal(NODES);
      // Both targets are unhealthy by now; the FIB is read once more after that.
      await waitFor('both targets reported unhealthy', () =>
        NODES.every((n) => proc!.stderr.includes(`next hop ${n} fails its health check`)),
      );
      expect(await fibOf(PREFIX)).to.deep.equal(NODES);

      for (const s of servers) await s.start();
      await waitFor('the prefix healthy again', () =>
        proc!.stderr.includes(`${PREFIX} has a healthy next hop again`),
      );
      await waitForHops('both next hops in the FIB after recovery', NODES);
    });
  });
