import { speakerNeighborLines, type FrrRouter } from '../lab/frr.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../lab/router-matrix.js';
import {
  expectNotInFib,
  expectSeedInLine,
  expectSessionDown,
  seedDriftTests,
  VerifyHarness,
} from '../lab/verify-harness.js';
import { seededRouterOverSsh } from '../lab/verify-lab-hooks.js';

for (const router of ROUTER_MATRIX)
  describe(`verify, record and check against a real ${router.name} over real sshd (vtysh-only.sh) fed by gobgpd @lab`, function () {
    this.timeout(120_000);
    const h = new VerifyHarness({ fibProto: 'bgp', recordedFile: 'show_ip_route_bgp_json.txt' });
    const t = seededRouterOverSsh<FrrRouter>(h, {
      require: (ctx) => requireRouter(ctx, router, ['gobgpd', 'gobgp', '/usr/sbin/sshd', 'ssh-keygen']),
      start: (lab) => startMatrixFrr(lab, router, { bgpLines: speakerNeighborLines() }),
      // The router as docs/openwrt.md sets it up: our key may run vtysh-only.sh and nothing else.
      sshd: (frr) => ({ vtyshPath: frr.vtyshPath, vtyshOnly: true }),
      installer: 'FRR',
    });

    it('finds the router in line with the seed plan (exit 0), every read through vtysh-only.sh', async () => {
      await expectSeedInLine(h, t.sshd!, /^'vtysh' /);
    });

    seedDriftTests(h);

    it('reports a route a static blackhole keeps out of the FIB as not-in-fib', async () => {
      // A blackhole added by hand in the kernel: zebra learns it as a kernel route (distance 0),
      // which wins over eBGP (20), so the BGP route stays in the RIB but is not the one installed.
      const blackhole = (op: 'add' | 'del') => () =>
        t.lab!.exec(t.lab!.routerNs, 'ip', ['route', op, 'blackhole', '192.168.197.254/32']);
      await expectNotInFib(h, { apply: blackhole('add'), undo: blackhole('del') });
    });

    // Last: gobgpd is slow to come back after an administrative shutdown.
    it('reports the session as down (Idle (Admin)) and its routes as missing when the router shuts it', async () => {
      await t.router!.vtysh('configure terminal', 'router bgp 64501', 'neighbor 192.168.201.2 shutdown');
      await h.fibIs('FRR to drop the routes of the shut session', {});
      expectSessionDown(await h.verify(), 'Idle (Admin)');
    });
  });
