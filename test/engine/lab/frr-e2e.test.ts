import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import type { Server } from 'node:net';
import { cleanUpAll, killChild, labSteps } from '../../lab/cleanup.js';
import { type FrrRouter, localRouterYaml, speakerNeighborLines } from '../../lab/frr.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { sshRouterYaml, startSshd, type Sshd } from '../../lab/sshd.js';
import { tcpToUnixScript, unixToTcp } from '../../lab/unix-bridge.js';
import { frrTable, kernelTable, type RouteTable } from '../../lab/route-tables.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { waitFor } from '../../support/wait-for.js';
import { spawnTsxIn } from '../../lab/tsx-in-namespace.js';
import { labRunConfigYaml } from '../../lab/speaker-peer.js';
import { plannedTable } from './planned-table.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  await writeFile(file, after);
}

/** Rewrites one `---`-separated YAML document (the one naming `name`), or drops it. */
function onDocument(name: string, change: ((doc: string) => string) | 'delete'): (text: string) => string {
  return (text) =>
    text
      .split('\n---\n')
      .flatMap((doc) =>
        new RegExp(`^  name: ${name}$`, 'm').test(doc) ? (change === 'delete' ? [] : [change(doc)]) : [doc],
      )
      .join('\n---\n');
}

const SCENARIOS = [
  { transport: 'local', withdrawOnExit: false },
  { transport: 'ssh', withdrawOnExit: false },
  // Shutdown with --withdraw-on-exit: only the start and the exit are of interest.
  { transport: 'local', withdrawOnExit: true },
] as const;

const RUNS = ROUTER_MATRIX.flatMap((router) => SCENARIOS.map((scenario) => ({ router, ...scenario })));

for (const { router, transport, withdrawOnExit } of RUNS)
  describe(`lab: run against a real ${router.name} (zebra + bgpd) in a network namespace, router read over ${transport === 'ssh' ? 'a real sshd' : 'local vtysh'}${withdrawOnExit ? ', --withdraw-on-exit' : ''} @lab`, function () {
    this.timeout(180_000);
    let sshd: Sshd | undefined;
    let bridge: Server | undefined;
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let dir: string | undefined;
    let child: ChildProcess | undefined;
    let stdout = '';
    let stderr = '';
    let configFile: string;
    let manifests: string;

    before(async function () {
      requireRouter(this, router, transport === 'ssh' ? ['/usr/sbin/sshd', 'ssh-keygen'] : []);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      frr = await startMatrixFrr(lab, router, {
        bgpLines: speakerNeighborLines({
          neighbor: ['description cluster-router-sync', 'timers connect 1'],
          ecmp: true,
        }),
      });
      dir = await mkdtemp(join(tmpdir(), 'crs-e2e-'));
      manifests = join(dir, 'manifests');
      await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
      configFile = join(dir, 'crs.yaml');
      let bridgeScript = '';
      let routerLines = localRouterYaml(frr);
      if (transport === 'ssh') {
        sshd = await startSshd({ vtyshPath: frr.vtyshPath });
        const socket = join(dir, 'sshd.sock');
        bridge = await unixToTcp(socket, sshd.port);
        bridgeScript = tcpToUnixScript(sshd.port, socket);
        routerLines = sshRouterYaml(sshd);
      }
      await writeFile(
        configFile,
        labRunConfigYaml(routerLines, [
          'pools:',
          '  - name: default',
          '    addresses: [192.168.197.0/24]',
          'manageNeighbors: true',
          'verifyIntervalSec: 2',
        ]),
      );
      const script = `${bridgeScript}const { main } = await import(${JSON.stringify(`${root}src/cli/main.ts`)});
process.exitCode = await main(['node', 'cluster-router-sync', 'run', '--config', ${JSON.stringify(configFile)}, '--manifests', ${JSON.stringify(manifests)}, '--log-level', 'debug'${withdrawOnExit ? ", '--withdraw-on-exit'" : ''}]);
${bridgeScript === '' ? '' : 'bridge.close();'}`;
      child = spawnTsxIn(lab.speakerNs, ['--input-type=module', '-e', script], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    });

    after(async () => {
      await cleanUpAll([
        async () => killChild(child),
        () => new Promise((resolve) => (bridge ? bridge.close(resolve) : resolve(undefined))),
        async () => sshd?.stop(),
        ...labSteps({ frr, lab, dir }),
      ]);
    });

    async function routerMatchesPlan(what: string): Promise<RouteTable> {
      const want = await plannedTable(configFile, manifests);
      try {
        await waitFor(what, async () => {
          const [rib, fib] = [await frrTable(frr!), await kernelTable(lab!)];
          return JSON.stringify(rib) === JSON.stringify(want) && JSON.stringify(fib) === JSON.stringify(want);
        });
      } catch (err) {
        const detail = `plan ${JSON.stringify(want)}\nrib ${JSON.stringify(await frrTable(frr!))}\nfib ${JSON.stringify(await kernelTable(lab!))}\n--- stderr tail\n${stderr.split('\n').slice(-30).join('\n')}`;
        throw new Error(`${(err as Error).message}\n${detail}`, { cause: err });
      }
      return want;
    }

    it('announces the seed services: RIB and kernel FIB hold exactly the plan', async () => {
      const table = await routerMatchesPlan('the seed routes on FRR');
      expect(table).to.deep.equal({
        '192.168.197.0/32': ['192.168.201.11'],
        '192.168.197.1/32': ['192.168.201.12'],
        '192.168.197.254/32': ['192.168.201.12'],
      });
      await waitFor('an OK report', () => /^OK: /m.test(stdout));
    });

    if (!withdrawOnExit) {
      it('moves a service to another node when its endpoint moves', async () => {
        await edit(
          join(manifests, 'endpointslices.yaml'),
          onDocument('nginx-7x2kq', (d) => d.replace('nodeName: k8s-node1', 'nodeName: k8s-node2')),
        );
        const table = await routerMatchesPlan('nginx via k8s-node2');
        expect(table['192.168.197.0/32']).to.deep.equal(['192.168.201.12']);
      });

      it('spreads a service over every node when it moves from Local to Cluster policy, and back', async () => {
        const services = join(manifests, 'services.yaml');
        await edit(
          services,
          onDocument('test-service', (d) =>
            d.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster'),
          ),
        );
        let table = await routerMatchesPlan('test-service over both nodes (ECMP)');
        expect(table['192.168.197.1/32']).to.deep.equal(['192.168.201.11', '192.168.201.12']);
        await edit(
          services,
          onDocument('test-service', (d) =>
            d.replace('externalTrafficPolicy: Cluster', 'externalTrafficPolicy: Local'),
          ),
        );
        table = await routerMatchesPlan('test-service back on its endpoint node');
        expect(table['192.168.197.1/32']).to.deep.equal(['192.168.201.12']);
      });

      it('withdraws a deleted service', async () => {
        await edit(join(manifests, 'services.yaml'), onDocument('test-service-3', 'delete'));
        const table = await routerMatchesPlan('test-service-3 withdrawn');
        expect(table).not.to.have.property('192.168.197.254/32');
      });

      async function sessionsEstablished(): Promise<number> {
        const n = await frr!.vtyshJson<Record<string, { connectionsEstablished?: number }>>(
          'show bgp neighbors 192.168.201.2 json',
        );
        return n['192.168.201.2']?.connectionsEstablished ?? 0;
      }

      it('recovers from `clear bgp *` on the router', async () => {
        const before = await sessionsEstablished();
        await frr!.vtysh('clear bgp *');
        await waitFor('our speaker to reconnect', async () => (await sessionsEstablished()) > before);
        await routerMatchesPlan('routes back after clear bgp');
      });

      it('re-adds our neighbor statement after it is removed by hand, and reports the repair', async () => {
        await frr!.vtysh('configure terminal', 'router bgp 64501', 'no neighbor 192.168.201.2');
        // A safety net, not a speed limit: noticing the drift and repairing it takes a few router
        // reads over ssh (one exec channel and vtysh run each): up to 30 s on 2 cores at load 11.
        await waitFor(
          'the repair to be logged',
          () => stderr.includes('re-added neighbor 192.168.201.2 remote-as 64500'),
          { timeoutMs: 90_000 },
        ).catch((err: Error) => {
          throw new Error(
            `${err.message}\n${stderr
              .split('\n')
              .filter((l) => /verified|neighbor|error|warn/i.test(l))
              .slice(-15)
              .join('\n')}`,
          );
        });
        await routerMatchesPlan('routes back after the neighbor was re-added');
        expect(await frr!.vtysh('show running-config')).to.match(/neighbor 192\.168\.201\.2 remote-as 64500/);
        expect(stderr).to.match(/"repair":"neighbor-readd"/);
        if (sshd) {
          // Proof that the repair went over SSH: the ForceCommand saw the configuration run.
          expect((await sshd.invocations()).join('\n')).to.match(/neighbor 192\.168\.201\.2 remote-as 64500/);
        }
      });
    }

    if (!withdrawOnExit)
      it('on SIGTERM closes without withdrawing: the router keeps our routes (graceful restart)', async () => {
        const before = await frrTable(frr!);
        child!.kill('SIGTERM');
        const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
        expect(code).to.equal(0);
        await waitFor(
          'the session to drop',
          async () => !(await frr!.vtysh('show bgp summary')).includes('Established') || undefined,
        );
        expect(await frrTable(frr!)).to.deep.equal(before);
        expect(await kernelTable(lab!)).to.deep.equal(before);
      });

    if (withdrawOnExit)
      it('on SIGTERM with --withdraw-on-exit withdraws every route before closing', async () => {
        const updates = async () =>
          (
            await frr!.vtyshJson<Record<string, { messageStats?: { updatesRecv?: number } }>>(
              'show bgp neighbors 192.168.201.2 json',
            )
          )['192.168.201.2']?.messageStats?.updatesRecv ?? 0;
        const before = await updates();
        child!.kill('SIGTERM');
        const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
        expect(code).to.equal(0);
        await waitFor('the routes to be gone', async () => Object.keys(await frrTable(frr!)).length === 0);
        // zebra drops a route from `show ip route` when it queues the kernel's delete, not once done.
        await waitFor(
          'the routes to leave the kernel FIB',
          async () => Object.keys(await kernelTable(lab!)).length === 0,
        );
        // The withdrawals arrived as UPDATEs before the Cease, not just as a dropped session.
        expect(await updates()).to.be.greaterThan(before);
      });
  });
