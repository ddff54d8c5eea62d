import { expect } from 'chai';
import { type FrrRouter, speakerNeighborLines } from './frr.js';
import { createLab, type Lab } from './netns.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from './router-matrix.js';

for (const router of ROUTER_MATRIX)
  describe(`lab: ${router.name} in a network namespace @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;

    before(async function () {
      requireRouter(this, router);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      frr = await startMatrixFrr(lab, router, {
        bgpLines: speakerNeighborLines(),
      });
    });

    after(async () => {
      await frr?.stop();
      await lab?.destroy();
    });

    it('runs the seed router config and answers vtysh with the shared segment connected', async () => {
      const summary = await frr!.vtyshJson<{
        ipv4Unicast: { as: number; routerId: string; peers: Record<string, unknown> };
      }>('show bgp summary json');
      expect(summary.ipv4Unicast.as).to.equal(64501);
      expect(summary.ipv4Unicast.routerId).to.equal('192.168.198.254');
      expect(Object.keys(summary.ipv4Unicast.peers)).to.deep.equal(['192.168.201.2']);
      expect(await frr!.vtysh('show ip route connected')).to.match(
        /C>\* 192\.168\.201\.0\/24 is directly connected, vr/,
      );
      expect(await frr!.kernelRoutes()).to.match(/192\.168\.201\.0\/24 dev vr/);
    });

    it('restarts bgpd after a kill', async () => {
      await frr!.killBgpd();
      await frr!.startBgpd();
      expect(await frr!.vtysh('show running-config')).to.match(/neighbor 192\.168\.201\.2 remote-as 64500/);
    });
  });
