import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/check/run-check.js';
import { runRecord } from '../../src/check/run-record.js';
import { runVerify } from '../../src/check/run-verify.js';
import { createRouterDriver, createRouterTransport } from '../../src/router-drivers/index.js';
import { type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { kernelTable, type RouteTable } from '../lab/route-tables.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../lab/router-matrix.js';
import { sshRouterYaml, startSshd, type Sshd } from '../lab/sshd.js';
import { waitFor } from '../support/wait-for.js';
import { silentLog } from '../../src/util/log.js';

const seed = new URL('../../fixtures/seed/', import.meta.url).pathname;

interface Report {
  status: string;
  sessions: Array<{ neighbor: string; verdict: string; state?: string }>;
  routes: Array<{ prefix: string; verdict: string; services: string[]; codes: string; detail?: string }>;
}

/** The seed's Local services, one path per node as gobgpd announces them for the seed's speakers. */
const SEED_TABLE: RouteTable = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

for (const router of ROUTER_MATRIX)
  describe(`verify, record and check against a real ${router.name} over real sshd (vtysh-only.sh) fed by gobgpd @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let gobgpd: Gobgpd | undefined;
    let sshd: Sshd | undefined;
    let dir: string | undefined;
    let config: string;

    const gobgp = (...args: string[]) => (lab as Lab).exec((lab as Lab).speakerNs, 'gobgp', args);
    const announce = (prefix: string, nextHop: string) =>
      gobgp('global', 'rib', 'add', '-a', 'ipv4', prefix, 'nexthop', nextHop);
    const withdraw = (prefix: string) => gobgp('global', 'rib', 'del', '-a', 'ipv4', prefix);
    const sources = () => ({
      configFiles: [config, join(seed, 'metallb-config.yaml')],
      manifestsPath: join(seed, 'manifests'),
    });

    async function verifyJson(): Promise<{ exitCode: number; report: Report }> {
      const r = await runVerify(sources(), (access) => createRouterDriver(access, silentLog), {
        format: 'json',
      });
      expect(r.error).to.equal(undefined);
      return { exitCode: r.exitCode, report: JSON.parse(r.output) as Report };
    }

    const verdicts = (r: Report) => r.routes.map((x) => [x.prefix, x.verdict]);

    /** Waits until the router namespace's kernel FIB holds exactly `table` from BGP. */
    const fibIs = (what: string, table: RouteTable) => {
      const text = (t: RouteTable) => JSON.stringify(Object.entries(t).sort());
      return waitFor(what, async () => text(await kernelTable(lab as Lab)) === text(table));
    };

    /** Brings a drift in, verifies, and takes it out again so the next test starts from the seed. */
    async function withDrift(
      drift: { apply: () => Promise<unknown>; fib: RouteTable; undo: () => Promise<unknown> },
      check: (result: { exitCode: number; report: Report }) => void,
    ): Promise<void> {
      await drift.apply();
      try {
        await fibIs('the drift to reach the FIB', drift.fib);
        check(await verifyJson());
      } finally {
        await drift.undo();
        await fibIs('the seed routes back in the FIB', SEED_TABLE);
      }
    }

    before(async function () {
      requireRouter(this, router, ['gobgpd', 'gobgp', '/usr/sbin/sshd', 'ssh-keygen']);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      frr = await startMatrixFrr(lab, router, { bgpLines: speakerNeighborLines() });
      dir = await mkdtemp(join(tmpdir(), 'crs-verify-lab-'));
      gobgpd = await startGobgpd(lab);
      for (const [prefix, [nextHop]] of Object.entries(SEED_TABLE)) {
        await gobgpd.addRoute([prefix, 'nexthop', nextHop as string]);
      }
      await fibIs('FRR to install the seed routes', SEED_TABLE);
      // The router as docs/openwrt.md sets it up: our key may run vtysh-only.sh and nothing else.
      sshd = await startSshd({ vtyshPath: frr.vtyshPath, vtyshOnly: true });
      config = join(dir, 'crs.yaml');
      await writeFile(
        config,
        [
          'apiVersion: cluster-router-sync.io/v1alpha1',
          'kind: ClusterRouterSyncConfig',
          'router:',
          ...sshRouterYaml(sshd),
          '',
        ].join('\n'),
      );
    });

    after(async () => {
      await sshd?.stop();
      await gobgpd?.stop();
      await frr?.stop();
      await lab?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('finds the router in line with the seed plan (exit 0), every read through vtysh-only.sh', async () => {
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
      const lines = await (sshd as Sshd).invocations();
      expect(lines.length).to.be.greaterThan(0);
      for (const line of lines) expect(line).to.match(/^'vtysh' /);
    });

    it('reports a withdrawn route as missing and a stray one in the pool as unexpected', async () => {
      await withDrift(
        {
          apply: async () => {
            await withdraw('192.168.197.1/32');
            await announce('192.168.197.7/32', '192.168.201.11');
          },
          fib: {
            '192.168.197.0/32': ['192.168.201.11'],
            '192.168.197.254/32': ['192.168.201.12'],
            '192.168.197.7/32': ['192.168.201.11'],
          },
          undo: async () => {
            await withdraw('192.168.197.7/32');
            await announce('192.168.197.1/32', '192.168.201.12');
          },
        },
        ({ exitCode, report }) => {
          expect(verdicts(report)).to.deep.equal([
            ['192.168.197.0/32', 'ok'],
            ['192.168.197.1/32', 'missing'],
            ['192.168.197.7/32', 'unexpected'],
            ['192.168.197.254/32', 'ok'],
          ]);
          expect(exitCode).to.equal(1);
        },
      );
    });

    it('reports a service routed to the wrong node as wrong-nexthop', async () => {
      const via = (nextHop: string) => () => announce('192.168.197.0/32', nextHop);
      await withDrift(
        {
          apply: via('192.168.201.12'),
          fib: { ...SEED_TABLE, '192.168.197.0/32': ['192.168.201.12'] },
          undo: via('192.168.201.11'),
        },
        ({ exitCode, report }) => {
          expect(verdicts(report)).to.deep.equal([
            ['192.168.197.0/32', 'wrong-nexthop'],
            ['192.168.197.1/32', 'ok'],
            ['192.168.197.254/32', 'ok'],
          ]);
          expect(report.routes[0]?.detail).to.equal(
            'unexpected next hop 192.168.201.12; missing 192.168.201.11',
          );
          expect(exitCode).to.equal(1);
        },
      );
    });

    it('reports a route a static blackhole keeps out of the FIB as not-in-fib', async () => {
      // A blackhole added by hand in the kernel: zebra learns it as a kernel route (distance 0),
      // which wins over eBGP (20), so the BGP route stays in the RIB but is not the one installed.
      const blackhole = (op: 'add' | 'del') => () =>
        (lab as Lab).exec((lab as Lab).routerNs, 'ip', ['route', op, 'blackhole', '192.168.197.254/32']);
      const rest = { '192.168.197.0/32': ['192.168.201.11'], '192.168.197.1/32': ['192.168.201.12'] };
      await withDrift(
        { apply: blackhole('add'), fib: rest, undo: blackhole('del') },
        ({ exitCode, report }) => {
          expect(verdicts(report)).to.deep.equal([
            ['192.168.197.0/32', 'ok'],
            ['192.168.197.1/32', 'ok'],
            ['192.168.197.254/32', 'not-in-fib'],
          ]);
          expect(exitCode).to.equal(1);
        },
      );
    });

    it('record captures the real router over ssh so that check replays the same verdicts', async () => {
      const recording = join(dir as string, 'recording');
      // Recorded while a route is missing, so the replay has drift to agree on.
      await withdraw('192.168.197.1/32');
      await fibIs('FRR to drop .1', {
        '192.168.197.0/32': ['192.168.201.11'],
        '192.168.197.254/32': ['192.168.201.12'],
      });
      const rec = await runRecord(sources(), createRouterTransport, recording, silentLog);
      expect(rec.error).to.equal(undefined);
      expect(rec.output).to.contain(join(recording, 'router', 'show_ip_route_bgp_json.txt'));
      const replay = await runCheck(recording, { format: 'json' });
      const live = await verifyJson();
      expect(replay.error).to.equal(undefined);
      expect(verdicts(JSON.parse(replay.output) as Report)).to.deep.equal(verdicts(live.report));
      expect(verdicts(live.report)).to.deep.include(['192.168.197.1/32', 'missing']);
      expect(replay.exitCode).to.equal(live.exitCode);
      await announce('192.168.197.1/32', '192.168.201.12');
      await fibIs('the seed routes back in the FIB', SEED_TABLE);
    });

    // Last: gobgpd is slow to come back after an administrative shutdown.
    it('reports the session as down (Idle (Admin)) and its routes as missing when the router shuts it', async () => {
      await (frr as FrrRouter).vtysh(
        'configure terminal',
        'router bgp 64501',
        'neighbor 192.168.201.2 shutdown',
      );
      await fibIs('FRR to drop the routes of the shut session', {});
      const { exitCode, report } = await verifyJson();
      expect(report.sessions.map((s) => [s.neighbor, s.state, s.verdict])).to.deep.equal([
        ['192.168.201.2', 'Idle (Admin)', 'down'],
      ]);
      expect(verdicts(report)).to.deep.equal([
        ['192.168.197.0/32', 'missing'],
        ['192.168.197.1/32', 'missing'],
        ['192.168.197.254/32', 'missing'],
      ]);
      expect(exitCode).to.equal(1);
    });
  });
