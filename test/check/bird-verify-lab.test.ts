import { expect } from 'chai';
import { birdcInvocation } from '../../src/router-drivers/bird/birdc-invocation.js';
import { createSshTransport, RouterCommandError } from '../../src/router-drivers/index.js';
import { birdKernelLines, type BirdRouter } from '../lab/bird.js';
import { BIRD_MATRIX, requireBird, startMatrixBird } from '../lab/router-matrix.js';
import { sshLogin } from '../lab/sshd.js';
import {
  BIRD_SPEAKER_PROTOCOL,
  expectNotInFib,
  expectSeedInLine,
  expectSessionDown,
  seedDriftTests,
  VerifyHarness,
} from '../lab/verify-harness.js';
import { seededRouterOverSsh } from '../lab/verify-lab-hooks.js';

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
  ...BIRD_SPEAKER_PROTOCOL,
];

for (const bird of BIRD_MATRIX)
  describe(`verify, record and check against a real ${bird.name} over real sshd (birdc-only.sh) fed by gobgpd @lab`, function () {
    this.timeout(120_000);
    const h = new VerifyHarness({
      fibProto: 'bird',
      fibTimeoutMs: 60_000,
      recordedFile: 'show_route_export_kernel4.txt',
    });
    const t = seededRouterOverSsh<BirdRouter>(h, {
      require: (ctx) => requireBird(ctx, bird, ['gobgpd', 'gobgp', '/usr/sbin/sshd', 'ssh-keygen']),
      start: (lab) => startMatrixBird(lab, bird, { body: BIRD_BODY }),
      // The router as docs/openwrt.md sets it up: our key may run birdc-only.sh (birdc -r) and nothing else.
      sshd: (router) => ({ vtyshPath: router.birdcPath, birdcOnly: true }),
      routerLines: ['  dialect: bird'],
      installer: 'BIRD',
    });

    it('finds the router in line with the seed plan (exit 0), every read a birdc -v through birdc-only.sh', async () => {
      await expectSeedInLine(h, t.sshd!, /^'birdc' '-v' 'show' /);
    });

    it('birdc-only.sh runs birdc restricted: BIRD itself refuses configure, the wrapper anything but birdc', async () => {
      const over = (vtyshPath: string) =>
        createSshTransport({
          ...sshLogin(t.sshd!),
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

    seedDriftTests(h);

    it('reports a route a static route of higher preference keeps out of the FIB as not-in-fib', async () => {
      const keepOut = (op: 'enable' | 'disable') => () => t.router!.birdc(op, 'keep_out');
      await expectNotInFib(h, { apply: keepOut('enable'), undo: keepOut('disable') }, ({ report }) =>
        expect(report.routes[2]?.detail).to.equal('route is not selected (another route wins)'),
      );
    });

    it('reports the session as down and its routes as missing when BIRD disables the protocol', async () => {
      await t.router!.birdc('disable', 'speaker');
      await h.fibIs('BIRD to drop the routes of the disabled session', {});
      expectSessionDown(await h.verify(), 'Down');
    });
  });
