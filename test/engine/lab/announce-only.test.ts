/**
 * `run` in announce-only mode (announceOnly: true, no router: section) against a real FRR (zebra +
 * bgpd) in a lab namespace: the seed's routes reach FRR's RIB and the kernel FIB, /readyz is ready
 * and says announce-only, and the process never reads the router: its only TCP connection is the
 * BGP session (no SSH), it starts no vtysh, and no verification is counted.
 */
import { expect } from 'chai';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import { ANNOUNCE_ONLY_NOTE } from '../../../src/app/engine/run-sync.js';
import { speakerNeighborLines } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import { frrTable, kernelTable } from '../../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../../lab/router-matrix.js';
import { LAB_ROUTER_PEERS_YAML } from '../../lab/speaker-peer.js';
import { waitFor } from '../../support/wait-for.js';
import { plannedTable } from './planned-table.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

/** The host's FRR: announce-only does not depend on the router's version. */
const ROUTER = ROUTER_MATRIX[0]!;
const METRICS = '127.0.0.1:9464';

describe(`lab: run in announce-only mode against a real ${ROUTER.name} @lab`, function () {
  this.timeout(180_000);
  const t = runLabHooks();
  let configFile: string;
  let manifests: string;

  before(async function () {
    requireRouter(this, ROUTER, ['ss']);
    t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    t.frr = await startMatrixFrr(t.lab, ROUTER, {
      bgpLines: speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
    });
    t.dir = await mkdtemp(join(tmpdir(), 'crs-announce-only-'));
    manifests = join(t.dir, 'manifests');
    await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
    configFile = join(t.dir, 'crs.yaml');
    await writeFile(
      configFile,
      [
        'apiVersion: cluster-router-sync.io/v1alpha1',
        'kind: ClusterRouterSyncConfig',
        'announceOnly: true',
        ...LAB_ROUTER_PEERS_YAML,
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
        // Would verify every second, were verification on.
        'verifyIntervalSec: 1',
        '',
      ].join('\n'),
    );
    t.proc = new RunProcess(t.lab.speakerNs, [
      'run',
      '--config',
      configFile,
      '--manifests',
      manifests,
      '--metrics-address',
      METRICS,
      '--log-level',
      'debug',
    ]);
  });

  /** GET on the process's health server, from inside its namespace. */
  async function get(path: string): Promise<{ status: number; body: string }> {
    const script = `const r = await fetch('http://${METRICS}${path}');
process.stdout.write(JSON.stringify({ status: r.status, body: await r.text() }));`;
    const { stdout } = await t.lab!.exec(t.lab!.speakerNs, process.execPath, [
      '--input-type=module',
      '-e',
      script,
    ]);
    return JSON.parse(stdout) as { status: number; body: string };
  }

  it('says at start, as a warning, that the router is never read', async () => {
    await waitFor('the start-up warning', () => t.proc!.stderr.includes(ANNOUNCE_ONLY_NOTE));
    const line = t.proc!.stderr.split('\n').find((l) => l.includes(ANNOUNCE_ONLY_NOTE)) ?? '';
    expect((JSON.parse(line) as { level: number }).level).to.equal(40);
  });

  it('announces the seed services: RIB and kernel FIB hold exactly the plan', async () => {
    const want = await plannedTable(configFile, manifests);
    expect(want).to.deep.equal({
      '192.168.197.0/32': ['192.168.201.11'],
      '192.168.197.1/32': ['192.168.201.12'],
      '192.168.197.254/32': ['192.168.201.12'],
    });
    await waitFor('the plan on FRR', async () => {
      const [rib, fib] = [await frrTable(t.frr!), await kernelTable(t.lab!)];
      return JSON.stringify(rib) === JSON.stringify(want) && JSON.stringify(fib) === JSON.stringify(want);
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- stderr tail\n${t.proc!.tail()}`, { cause: err });
    });
  });

  it('is ready, and /readyz says it is announce-only', async () => {
    await waitFor('/readyz 200', async () => (await get('/readyz')).status === 200);
    expect((await get('/readyz')).body).to.equal(`ready\n${ANNOUNCE_ONLY_NOTE}\n`);
  });

  it('never reads the router: no connection but the BGP session, no vtysh, no verification', async () => {
    // By now a verification would have run several times over (1 s settle, 1 s interval): the
    // routes were in FRR and the process ready in the tests before.
    const { stdout } = await t.lab!.exec(t.lab!.speakerNs, 'ss', ['-Htnp', 'state', 'all']);
    const ours = stdout.split('\n').filter((l) => l.includes(`pid=${t.proc!.pid},`));
    const peers = ours
      .filter((l) => !/^LISTEN/.test(l))
      .map((l) => l.trim().split(/\s+/)[4])
      .filter((peer) => peer !== undefined && !peer.startsWith('127.0.0.1:'));
    // The fetches above left the health server's loopback connections; nothing else but BGP.
    expect(peers).to.deep.equal(['192.168.201.1:179']);
    expect(ours.some((l) => /:22\b/.test(l))).to.equal(false);
    const records = t
      .proc!.stderr.split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { component?: string; msg?: string });
    expect(records.filter((r) => r.component === 'router' || r.msg === 'vtysh')).to.deep.equal([]);
    expect(
      records.filter((r) => r.msg === 'router verified' || r.msg === 'verification failed'),
    ).to.deep.equal([]);
    expect((await get('/metrics')).body).not.to.match(/^crs_verifications_total\{/m);
    expect((await get('/metrics')).body).to.match(/^crs_bgp_session_up\{peer="lab-router"\} 1$/m);
  });
});
