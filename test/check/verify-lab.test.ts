import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/check/run-check.js';
import { runRecord } from '../../src/check/run-record.js';
import { runVerify } from '../../src/check/run-verify.js';
import { createLocalTransport, createRouterDriver } from '../../src/router-drivers/index.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';

const seed = new URL('../../fixtures/seed/', import.meta.url).pathname;
const silent = { debug: () => {}, info: () => {} };

interface Report {
  status: string;
  sessions: Array<{ neighbor: string; verdict: string }>;
  routes: Array<{ prefix: string; verdict: string; services: string[]; codes: string }>;
}

describe('verify against a real FRR 8.4 (local vtysh) fed by gobgpd @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let gobgpd: Gobgpd | undefined;
  let dir: string | undefined;
  let config: string;

  const gobgp = (...args: string[]) => (lab as Lab).exec((lab as Lab).speakerNs, 'gobgp', args);

  async function verifyJson(): Promise<{ exitCode: number; report: Report }> {
    const r = await runVerify(
      { configFiles: [config, join(seed, 'metallb-config.yaml')], manifestsPath: join(seed, 'manifests') },
      (access) => createRouterDriver(access, silent),
      { format: 'json' },
    );
    expect(r.error).to.equal(undefined);
    return { exitCode: r.exitCode, report: JSON.parse(r.output) as Report };
  }

  const hasRoute = async (prefix: string) =>
    (await (frr as FrrRouter).kernelRoutes(prefix)).includes(prefix.split('/')[0] as string);

  before(async function () {
    requireLab(this, { root: true, commands: ['vtysh', 'gobgpd', 'gobgp'] });
    lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    frr = await startFrr(lab, {
      bgpLines: speakerNeighborLines(),
    });
    dir = await mkdtemp(join(tmpdir(), 'crs-verify-lab-'));
    // gobgpd stands in for the seed's speakers: one path per node as next hop.
    gobgpd = await startGobgpd(lab);
    for (const [prefix, nextHop] of [
      ['192.168.197.0/32', '192.168.201.11'],
      ['192.168.197.1/32', '192.168.201.12'],
      ['192.168.197.254/32', '192.168.201.12'],
    ] as const) {
      await gobgpd.addRoute([prefix, 'nexthop', nextHop]);
    }
    await waitFor('FRR to install the seed routes', () => hasRoute('192.168.197.254/32'));
    config = join(dir, 'crs.yaml');
    await writeFile(
      config,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: local\n  vtyshPath: ${frr.vtyshPath}\n`,
    );
  });

  after(async () => {
    await gobgpd?.stop();
    await frr?.stop();
    await lab?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finds the router in line with the seed plan', async () => {
    const { exitCode, report } = await verifyJson();
    expect(report.sessions).to.deep.equal([
      { ...report.sessions[0], neighbor: '192.168.201.2', verdict: 'ok' },
    ]);
    expect(report.routes.map((r) => [r.prefix, r.codes, r.services.join(), r.verdict])).to.deep.equal([
      ['192.168.197.0/32', 'B>*', 'default/nginx', 'ok'],
      ['192.168.197.1/32', 'B>*', 'default/test-service', 'ok'],
      ['192.168.197.254/32', 'B>*', 'default/test-service-3', 'ok'],
    ]);
    expect(exitCode).to.equal(0);
  });

  it('reports a withdrawn route as missing and a stray one in the pool as unexpected', async () => {
    await gobgp('global', 'rib', 'del', '-a', 'ipv4', '192.168.197.1/32');
    await gobgp('global', 'rib', 'add', '-a', 'ipv4', '192.168.197.7/32', 'nexthop', '192.168.201.11');
    await waitFor(
      'FRR to drop .1 and install .7',
      async () => !(await hasRoute('192.168.197.1/32')) && hasRoute('192.168.197.7/32'),
    );
    const { exitCode, report } = await verifyJson();
    expect(exitCode).to.equal(1);
    expect(report.routes.map((r) => [r.prefix, r.verdict])).to.deep.equal([
      ['192.168.197.0/32', 'ok'],
      ['192.168.197.1/32', 'missing'],
      ['192.168.197.7/32', 'unexpected'],
      ['192.168.197.254/32', 'ok'],
    ]);
  });

  it('record captures the real router (FRR JSON) so that check replays the same verdicts', async () => {
    const recording = join(dir as string, 'recording');
    const rec = await runRecord(
      { configFiles: [config, join(seed, 'metallb-config.yaml')], manifestsPath: join(seed, 'manifests') },
      (access) =>
        createLocalTransport({ vtyshPath: access.vtyshPath, commandTimeoutMs: access.commandTimeoutMs }),
      recording,
      silent,
    );
    expect(rec.error).to.equal(undefined);
    expect(rec.output).to.contain(join(recording, 'router', 'show_ip_route_bgp_json.txt'));
    const replay = await runCheck(recording, { format: 'json' });
    const live = await verifyJson();
    const verdicts = (r: Report) => r.routes.map((x) => [x.prefix, x.verdict]);
    expect(replay.error).to.equal(undefined);
    expect(verdicts(JSON.parse(replay.output) as Report)).to.deep.equal(verdicts(live.report));
    expect(replay.exitCode).to.equal(live.exitCode);
  });
});
