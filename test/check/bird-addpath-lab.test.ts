import { expect } from 'chai';
import { birdKernelLines, type BirdRouter } from '../lab/bird.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import type { RouteTable } from '../lab/route-tables.js';
import { BIRD_MATRIX, requireBird, startMatrixBird } from '../lab/router-matrix.js';
import { BIRD_SPEAKER_PROTOCOL, VerifyHarness, type VerifyReport } from '../lab/verify-harness.js';

/**
 * The seed's routes plus default/test-service-2 (Cluster policy, both nodes: the manifests of
 * fixtures/check/in-sync-frr-json), all from ONE session that sends two paths for .2 (ADD-PATH).
 */
const TABLE: RouteTable = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.2/32': ['192.168.201.11', '192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

for (const bird of BIRD_MATRIX)
  describe(`a real ${bird.name} with add paths rx: one session, a two-next-hop kernel route @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let router: BirdRouter | undefined;
    let gobgpd: Gobgpd | undefined;
    const h = new VerifyHarness({
      fibProto: 'bird',
      fibTimeoutMs: 60_000,
      manifests: 'check/in-sync-frr-json/manifests',
    });
    const path = (op: 'add' | 'del', id: number, nextHop: string) =>
      h.gobgp(
        'global',
        'rib',
        op,
        '-a',
        'ipv4',
        '192.168.197.2/32',
        'identifier',
        String(id),
        'nexthop',
        nextHop,
      );
    const row = (r: VerifyReport, prefix: string) => r.routes.find((x) => x.prefix === prefix);

    before(async function () {
      requireBird(this, bird, ['gobgpd', 'gobgp']);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      router = await startMatrixBird(lab, bird, {
        body: [...birdKernelLines(), ...BIRD_SPEAKER_PROTOCOL],
      });
      await h.start(lab, ['  transport: local', '  dialect: bird', `  vtyshPath: ${router.birdcPath}`]);
      gobgpd = await startGobgpd(lab, { addPathSendMax: 2 });
      await gobgpd.addRoute(['192.168.197.0/32', 'nexthop', '192.168.201.11']);
      await gobgpd.addRoute(['192.168.197.1/32', 'nexthop', '192.168.201.12']);
      await gobgpd.addRoute(['192.168.197.254/32', 'nexthop', '192.168.201.12']);
      await path('add', 1, '192.168.201.11');
      await path('add', 2, '192.168.201.12');
    });

    after(async () => {
      await gobgpd?.stop();
      await router?.stop();
      await lab?.destroy();
      await h.stop();
    });

    it('both paths of the Cluster service reach the kernel as one ECMP route; verify finds all in line', async () => {
      await h.fibIs('the ECMP route in the kernel', TABLE);
      const { exitCode, report } = await h.verify();
      expect(report.sessions).to.deep.equal([
        { ...report.sessions[0], neighbor: '192.168.201.2', verdict: 'ok' },
      ]);
      // BIRD lists an ECMP route's next hops in the order its paths arrived.
      expect(row(report, '192.168.197.2/32')?.actualNextHops).to.have.members([
        '192.168.201.11',
        '192.168.201.12',
      ]);
      expect(report.routes.map((r) => r.verdict)).to.deep.equal(['ok', 'ok', 'ok', 'ok']);
      expect(exitCode).to.equal(0);
    });

    it('a path withdrawn from the ADD-PATH session is ecmp-incomplete', async () => {
      await path('del', 2, '192.168.201.12');
      try {
        await h.fibIs('one path left', { ...TABLE, '192.168.197.2/32': ['192.168.201.11'] });
        const { exitCode, report } = await h.verify();
        expect(row(report, '192.168.197.2/32')).to.include({
          verdict: 'ecmp-incomplete',
          detail: '1 of 2 next hops; missing 192.168.201.12',
        });
        expect(exitCode).to.equal(1);
      } finally {
        await path('add', 2, '192.168.201.12');
        await h.fibIs('both paths back', TABLE);
      }
    });
  });
