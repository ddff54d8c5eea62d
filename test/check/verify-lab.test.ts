import { type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../lab/router-matrix.js';
import { sshRouterYaml, startSshd, type Sshd } from '../lab/sshd.js';
import {
  expectNotInFib,
  expectSeedInLine,
  expectSessionDown,
  seedDriftTests,
  SEED_TABLE,
  VerifyHarness,
} from '../lab/verify-harness.js';

for (const router of ROUTER_MATRIX)
  describe(`verify, record and check against a real ${router.name} over real sshd (vtysh-only.sh) fed by gobgpd @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let gobgpd: Gobgpd | undefined;
    let sshd: Sshd | undefined;
    const h = new VerifyHarness({ fibProto: 'bgp', recordedFile: 'show_ip_route_bgp_json.txt' });

    before(async function () {
      requireRouter(this, router, ['gobgpd', 'gobgp', '/usr/sbin/sshd', 'ssh-keygen']);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      frr = await startMatrixFrr(lab, router, { bgpLines: speakerNeighborLines() });
      gobgpd = await startGobgpd(lab);
      for (const [prefix, [nextHop]] of Object.entries(SEED_TABLE)) {
        await gobgpd.addRoute([prefix, 'nexthop', nextHop as string]);
      }
      // The router as docs/openwrt.md sets it up: our key may run vtysh-only.sh and nothing else.
      sshd = await startSshd({ vtyshPath: frr.vtyshPath, vtyshOnly: true });
      await h.start(lab, sshRouterYaml(sshd));
      await h.fibIs('FRR to install the seed routes', SEED_TABLE);
    });

    after(async () => {
      await sshd?.stop();
      await gobgpd?.stop();
      await frr?.stop();
      await lab?.destroy();
      await h.stop();
    });

    it('finds the router in line with the seed plan (exit 0), every read through vtysh-only.sh', async () => {
      await expectSeedInLine(h, sshd as Sshd, /^'vtysh' /);
    });

    seedDriftTests(h);

    it('reports a route a static blackhole keeps out of the FIB as not-in-fib', async () => {
      // A blackhole added by hand in the kernel: zebra learns it as a kernel route (distance 0),
      // which wins over eBGP (20), so the BGP route stays in the RIB but is not the one installed.
      const blackhole = (op: 'add' | 'del') => () =>
        (lab as Lab).exec((lab as Lab).routerNs, 'ip', ['route', op, 'blackhole', '192.168.197.254/32']);
      await expectNotInFib(h, { apply: blackhole('add'), undo: blackhole('del') });
    });

    // Last: gobgpd is slow to come back after an administrative shutdown.
    it('reports the session as down (Idle (Admin)) and its routes as missing when the router shuts it', async () => {
      await (frr as FrrRouter).vtysh(
        'configure terminal',
        'router bgp 64501',
        'neighbor 192.168.201.2 shutdown',
      );
      await h.fibIs('FRR to drop the routes of the shut session', {});
      expectSessionDown(await h.verify(), 'Idle (Admin)');
    });
  });
