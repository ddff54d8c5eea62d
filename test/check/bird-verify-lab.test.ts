import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/check/run-check.js';
import { runRecord } from '../../src/check/run-record.js';
import { runVerify } from '../../src/check/run-verify.js';
import { birdcInvocation } from '../../src/router-drivers/bird/birdc-invocation.js';
import {
  createRouterDriver,
  createRouterTransport,
  createSshTransport,
  RouterCommandError,
} from '../../src/router-drivers/index.js';
import { birdKernelLines, type BirdRouter } from '../lab/bird.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { kernelTable, type RouteTable } from '../lab/route-tables.js';
import { BIRD_MATRIX, requireBird, startMatrixBird } from '../lab/router-matrix.js';
import { sshLogin, sshRouterYaml, startSshd, type Sshd } from '../lab/sshd.js';
import { waitFor } from '../support/wait-for.js';

const seed = new URL('../../fixtures/seed/', import.meta.url).pathname;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

interface Report {
  sessions: Array<{ neighbor: string; verdict: string; state?: string }>;
  routes: Array<{ prefix: string; verdict: string; services: string[]; codes: string; detail?: string }>;
}

/** The seed's Local services, one path per node as gobgpd announces them for the seed's speakers. */
const SEED_TABLE: RouteTable = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

/**
 * The lab BIRD as a user sets it up for us (docs/openwrt.md): our speaker (gobgpd standing in at
 * 192.168.201.2) as `protocol bgp speaker` with ADD-PATH receive, a kernel protocol merging paths,
 * and a disabled static route that, enabled, wins over BGP for .254 (the not-in-fib drift).
 */
const BIRD_BODY = [
  ...birdKernelLines(),
  'protocol static keep_out {',
  '  disabled;',
  '  ipv4 { preference 250; };',
  '  route 192.168.197.254/32 blackhole;',
  '}',
  'protocol bgp speaker {',
  '  local 192.168.201.1 as 64501;',
  '  neighbor 192.168.201.2 as 64500;',
  '  ipv4 { import all; export none; add paths rx; };',
  '}',
];

for (const bird of BIRD_MATRIX)
  describe(`verify, record and check against a real ${bird.name} over real sshd (birdc-only.sh) fed by gobgpd @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let router: BirdRouter | undefined;
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
      const r = await runVerify(sources(), (access) => createRouterDriver(access, silent), {
        format: 'json',
      });
      expect(r.error).to.equal(undefined);
      return { exitCode: r.exitCode, report: JSON.parse(r.output) as Report };
    }

    const verdicts = (r: Report) => r.routes.map((x) => [x.prefix, x.verdict]);

    /** Waits until the router namespace's kernel FIB holds exactly `table` from BIRD. */
    const fibIs = (what: string, table: RouteTable) => {
      const text = (t: RouteTable) => JSON.stringify(Object.entries(t).sort());
      return waitFor(what, async () => text(await kernelTable(lab as Lab, 'bird')) === text(table), {
        timeoutMs: 60_000,
      });
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
      requireBird(this, bird, ['gobgpd', 'gobgp', '/usr/sbin/sshd', 'ssh-keygen']);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      router = await startMatrixBird(lab, bird, { body: BIRD_BODY });
      dir = await mkdtemp(join(tmpdir(), 'crs-bird-verify-lab-'));
      gobgpd = await startGobgpd(lab);
      for (const [prefix, [nextHop]] of Object.entries(SEED_TABLE)) {
        await gobgpd.addRoute([prefix, 'nexthop', nextHop as string]);
      }
      await fibIs('BIRD to install the seed routes', SEED_TABLE);
      // The router as docs/openwrt.md sets it up: our key may run birdc-only.sh (birdc -r) and nothing else.
      sshd = await startSshd({ vtyshPath: router.birdcPath, birdcOnly: true });
      config = join(dir, 'crs.yaml');
      await writeFile(
        config,
        [
          'apiVersion: cluster-router-sync.io/v1alpha1',
          'kind: ClusterRouterSyncConfig',
          'router:',
          ...sshRouterYaml(sshd),
          '  dialect: bird',
          '',
        ].join('\n'),
      );
    });

    after(async () => {
      await sshd?.stop();
      await gobgpd?.stop();
      await router?.stop();
      await lab?.destroy();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('finds the router in line with the seed plan (exit 0), every read a birdc -v through birdc-only.sh', async () => {
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
      for (const line of lines) expect(line).to.match(/^'birdc' '-v' 'show' /);
    });

    it('birdc-only.sh runs birdc restricted: BIRD itself refuses configure, the wrapper anything but birdc', async () => {
      const over = (vtyshPath: string) =>
        createSshTransport({
          ...sshLogin(sshd as Sshd),
          vtyshPath,
          connectTimeoutMs: 10_000,
          commandTimeoutMs: 30_000,
          invocation: birdcInvocation,
        });
      const birdc = over('birdc');
      const other = over('/bin/cat');
      try {
        let refused: unknown;
        await birdc.run(['configure']).catch((err: unknown) => (refused = err));
        expect(refused).to.be.instanceOf(RouterCommandError);
        expect((refused as Error).message).to.contain('Access denied');
        await other.run(['show status']).catch((err: unknown) => (refused = err));
        expect((refused as Error).message).to.contain('birdc-only: refused');
      } finally {
        await birdc.close();
        await other.close();
      }
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

    it('reports a route a static route of higher preference keeps out of the FIB as not-in-fib', async () => {
      const rest = { '192.168.197.0/32': ['192.168.201.11'], '192.168.197.1/32': ['192.168.201.12'] };
      await withDrift(
        {
          apply: () => (router as BirdRouter).birdc('enable', 'keep_out'),
          fib: rest,
          undo: () => (router as BirdRouter).birdc('disable', 'keep_out'),
        },
        ({ exitCode, report }) => {
          expect(verdicts(report)).to.deep.equal([
            ['192.168.197.0/32', 'ok'],
            ['192.168.197.1/32', 'ok'],
            ['192.168.197.254/32', 'not-in-fib'],
          ]);
          expect(report.routes[2]?.detail).to.equal('route is not selected (another route wins)');
          expect(exitCode).to.equal(1);
        },
      );
    });

    it('record captures the real BIRD over ssh so that check replays the same verdicts', async () => {
      const recording = join(dir as string, 'recording');
      await withdraw('192.168.197.1/32');
      await fibIs('BIRD to drop .1', {
        '192.168.197.0/32': ['192.168.201.11'],
        '192.168.197.254/32': ['192.168.201.12'],
      });
      const rec = await runRecord(sources(), createRouterTransport, recording, silent);
      expect(rec.error).to.equal(undefined);
      expect(rec.output).to.contain(join(recording, 'router', 'show_route_export_kernel4.txt'));
      const replay = await runCheck(recording, { format: 'json' });
      const live = await verifyJson();
      expect(replay.error).to.equal(undefined);
      expect(verdicts(JSON.parse(replay.output) as Report)).to.deep.equal(verdicts(live.report));
      expect(verdicts(live.report)).to.deep.include(['192.168.197.1/32', 'missing']);
      expect(replay.exitCode).to.equal(live.exitCode);
      await announce('192.168.197.1/32', '192.168.201.12');
      await fibIs('the seed routes back in the FIB', SEED_TABLE);
    });

    it('reports the session as down and its routes as missing when BIRD disables the protocol', async () => {
      await (router as BirdRouter).birdc('disable', 'speaker');
      await fibIs('BIRD to drop the routes of the disabled session', {});
      const { exitCode, report } = await verifyJson();
      expect(report.sessions.map((s) => [s.neighbor, s.state, s.verdict])).to.deep.equal([
        ['192.168.201.2', 'Down', 'down'],
      ]);
      expect(verdicts(report)).to.deep.equal([
        ['192.168.197.0/32', 'missing'],
        ['192.168.197.1/32', 'missing'],
        ['192.168.197.254/32', 'missing'],
      ]);
      expect(exitCode).to.equal(1);
    });
  });
