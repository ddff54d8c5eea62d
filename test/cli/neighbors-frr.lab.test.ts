import { expect } from 'chai';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrrRouter } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireRouter, ROUTER_MATRIX, startMatrixFrr } from '../lab/router-matrix.js';
import { cli, localRouterConfig, neighborsCli } from './run-cli.js';

/** The `router bgp` block of a running config, as printed. */
function bgpBlock(running: string): string {
  const lines = running.split('\n');
  const start = lines.findIndex((l) => l.startsWith('router bgp '));
  const end = lines.findIndex((l, i) => i > start && /^\S/.test(l) && l !== '!');
  return lines.slice(start, end).join('\n');
}

for (const router of ROUTER_MATRIX)
  describe(`cli neighbors against real ${router.name} through the local transport @lab`, function () {
    this.timeout(120_000);
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    let dir = '';
    const config = (name: string, listen: string, vtyshPath: string): Promise<string> =>
      localRouterConfig(join(dir, name), { vtyshPath, dialect: 'frr' }, listen);

    /**
     * A vtysh that runs every command but, right after a batch that gives `address` our
     * description, takes that line away again: a change the router does not keep.
     */
    const vtyshLosingDescription = async (r: FrrRouter, address: string): Promise<string> => {
      const file = join(dir, `vtysh-loses-${address}.sh`);
      await writeFile(
        file,
        [
          '#!/bin/sh',
          `${r.vtyshPath} "$@"`,
          'status=$?',
          'case " $* " in',
          `  *" neighbor ${address} description cluster-router-sync "*)`,
          `    ${r.vtyshPath} -c 'configure terminal' -c 'router bgp 64501' -c 'no neighbor ${address} description' >/dev/null 2>&1 ;;`,
          'esac',
          'exit $status',
          '',
        ].join('\n'),
      );
      await chmod(file, 0o755);
      return file;
    };

    before(async function () {
      requireRouter(this, router);
      lab = await createLab();
      // The seed's router: AS 64501 with the two MetalLB node neighbors we must leave alone.
      frr = await startMatrixFrr(lab, router, {
        bgpLines: ['neighbor 192.168.201.11 remote-as 64500', 'neighbor 192.168.201.12 remote-as 64500'],
      });
      dir = await mkdtemp(join(tmpdir(), 'crs-neighbors-lab-'));
    });

    after(async () => {
      await frr?.stop();
      await lab?.destroy();
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    it('dry run, --apply --write-memory (lines in show running-config), then nothing pending', async () => {
      const r = frr as FrrRouter;
      const file = await config('crs.yaml', (lab as Lab).speakerAddress, r.vtyshPath);
      const dry = await neighborsCli(file);
      expect(dry.code, dry.stderr).to.equal(1);
      expect(dry.stdout).to.contain('+ neighbor 192.168.201.2 remote-as 64500\n');
      expect(dry.stdout).to.contain('+ route-map cluster-router-sync-in permit 10\n');

      const applied = await neighborsCli(file, '--apply', '--write-memory');
      expect(applied.code, applied.stderr).to.equal(0);
      expect(applied.stdout).to.match(
        /! applied \d+ change\(s\), read back and verified, configuration saved \(write memory\)\n$/,
      );
      // write memory saved it where this FRR reads its config at start.
      expect(await readFile(join(r.dir, 'frr.conf'), 'utf8')).to.contain(
        ' neighbor 192.168.201.2 remote-as 64500\n',
      );
      const running = await r.vtysh('show running-config');
      expect(running).to.contain(' neighbor 192.168.201.2 remote-as 64500\n');
      expect(running).to.contain(' neighbor 192.168.201.2 description cluster-router-sync\n');
      expect(running).to.contain('  neighbor 192.168.201.2 route-map cluster-router-sync-in in\n');
      expect(running).to.contain(' neighbor 192.168.201.11 remote-as 64500\n');
      expect(running).to.contain(' neighbor 192.168.201.12 remote-as 64500\n');

      const again = await neighborsCli(file);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain(
        'router bgp 64501: neighbors already as configured, nothing to change\n',
      );
      expect(again.stdout).to.not.contain('dry run');
    });

    it('a change the router does not keep is rolled back: every line read before is back, byte for byte', async () => {
      const r = frr as FrrRouter;
      // A router that takes the batch but loses one line of it: right after the batch, the new
      // neighbor's description is gone, so the read-back cannot verify the change.
      const losing = await vtyshLosingDescription(r, '192.168.201.3');
      const before = await r.vtysh('show running-config');
      // Our speaker moves to .3: the plan removes our (marked) .2 and adds .3.
      const file = await config('moved.yaml', '192.168.201.3', losing);
      const dry = await neighborsCli(file);
      expect(dry.stdout)
        .to.contain('- no neighbor 192.168.201.2\n')
        .and.contain('+ neighbor 192.168.201.3 remote-as 64500\n');

      const failed = await neighborsCli(file, '--apply');
      expect(failed.code, failed.stdout + failed.stderr).to.equal(1);
      expect(failed.stderr)
        .to.contain('not verified')
        .and.contain('rolled back to the previous neighbor lines');
      const after = await r.vtysh('show running-config');
      expect(bgpBlock(after)).to.equal(bgpBlock(before));
      expect(after).to.not.contain('192.168.201.3');
      expect(after).to.contain('ip prefix-list cluster-router-sync-in seq 5 permit 192.168.197.0/24 ge 32\n');
    });

    it('path slots: one marked neighbor per source address and maximum-paths when asked; a failed change rolls back exactly', async () => {
      const r = frr as FrrRouter;
      // Our own form: one peer with two path slots, .2 (already a neighbor of ours) and .5.
      const slots = (vtyshPath: string) =>
        [
          'apiVersion: cluster-router-sync.io/v1alpha1',
          'kind: ClusterRouterSyncConfig',
          'router:',
          '  transport: local',
          `  vtyshPath: ${vtyshPath}`,
          '  dialect: frr',
          'peers:',
          '  - name: core',
          '    peerAddress: 192.168.201.1',
          '    peerASN: 64501',
          '    myASN: 64500',
          `    sourceAddresses: [${(lab as Lab).speakerAddress}, 192.168.201.5]`,
          'pools:',
          '  - name: default',
          '    addresses: [192.168.197.0/24]',
          '',
        ].join('\n');
      const file = join(dir, 'slots.yaml');
      const slotsNeighbors = async (vtyshPath: string, ...more: string[]) => {
        await writeFile(file, slots(vtyshPath));
        return cli('neighbors', '-c', file, '--log-level', 'silent', '--maximum-paths', '2', ...more);
      };

      const dry = await slotsNeighbors(r.vtyshPath);
      expect(dry.code, dry.stderr).to.equal(1);
      expect(dry.stdout)
        .to.contain('+ neighbor 192.168.201.5 remote-as 64500\n')
        .and.contain('+ neighbor 192.168.201.5 description cluster-router-sync\n')
        .and.contain('+  maximum-paths 2\n')
        .and.contain('! maximum-paths 2 (asked for)');
      expect(dry.stdout).to.not.contain('neighbor 192.168.201.2 remote-as');
      expect(dry.stdout).to.not.contain('- no neighbor');

      const before = await r.vtysh('show running-config');
      const failed = await slotsNeighbors(await vtyshLosingDescription(r, '192.168.201.5'), '--apply');
      expect(failed.code, failed.stdout + failed.stderr).to.equal(1);
      expect(failed.stderr).to.contain('rolled back to the previous neighbor lines');
      expect(bgpBlock(await r.vtysh('show running-config'))).to.equal(bgpBlock(before));

      const applied = await slotsNeighbors(r.vtyshPath, '--apply');
      expect(applied.code, applied.stdout + applied.stderr).to.equal(0);
      const running = await r.vtysh('show running-config');
      for (const address of [(lab as Lab).speakerAddress, '192.168.201.5']) {
        expect(running).to.contain(` neighbor ${address} remote-as 64500\n`);
        expect(running).to.contain(` neighbor ${address} description cluster-router-sync\n`);
        expect(running).to.contain(`  neighbor ${address} route-map cluster-router-sync-in in\n`);
      }
      expect(running).to.contain('  maximum-paths 2\n');
      expect(running).to.contain(' neighbor 192.168.201.11 remote-as 64500\n');

      const again = await slotsNeighbors(r.vtyshPath);
      expect(again.code, again.stdout + again.stderr).to.equal(0);
      expect(again.stdout).to.contain(
        'router bgp 64501: neighbors already as configured, nothing to change\n',
      );
    });
  });
