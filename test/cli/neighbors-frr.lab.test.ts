import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFrr, type FrrRouter } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { requireLab } from '../support/requirements.js';
import { cli, ownConfigYaml } from './run-cli.js';

describe('cli neighbors --apply --write-memory against real FRR 8.4 through the local transport @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let dir = '';
  let config = '';

  before(async function () {
    requireLab(this, { root: true, commands: ['vtysh', '/usr/lib/frr/bgpd'] });
    lab = await createLab();
    // The seed's router: AS 64501 with the two MetalLB node neighbors we must leave alone.
    frr = await startFrr(lab, {
      bgpLines: ['neighbor 192.168.201.11 remote-as 64500', 'neighbor 192.168.201.12 remote-as 64500'],
    });
    dir = await mkdtemp(join(tmpdir(), 'crs-neighbors-lab-'));
    config = join(dir, 'crs.yaml');
    await writeFile(
      config,
      ownConfigYaml(
        ['transport: local', `vtyshPath: ${frr.vtyshPath}`, 'dialect: frr'],
        [`listenAddress: ${lab.speakerAddress}`],
      ),
    );
  });

  after(async () => {
    await frr?.stop();
    await lab?.destroy();
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('applies our neighbor and its import filter, then finds nothing to do', async () => {
    const args = [
      'neighbors',
      '-c',
      config,
      '-c',
      'fixtures/seed/metallb-config.yaml',
      '--log-level',
      'silent',
    ];
    const dry = await cli(...args);
    expect(dry.code, dry.stderr).to.equal(1);
    expect(dry.stdout).to.contain('+ neighbor 192.168.201.2 remote-as 64500\n');

    const applied = await cli(...args, '--apply', '--write-memory');
    expect(applied.code, applied.stderr).to.equal(0);
    expect(applied.stdout).to.match(
      /! applied \d+ change\(s\), read back and verified, configuration saved \(write memory\)\n$/,
    );

    // write memory saved it where this FRR reads its config at start.
    expect(await readFile(join((frr as FrrRouter).dir, 'frr.conf'), 'utf8')).to.contain(
      ' neighbor 192.168.201.2 remote-as 64500\n',
    );
    const running = await (frr as FrrRouter).vtysh('show running-config');
    expect(running).to.contain(' neighbor 192.168.201.2 remote-as 64500\n');
    expect(running).to.contain(' neighbor 192.168.201.2 description cluster-router-sync\n');
    expect(running).to.contain('  neighbor 192.168.201.2 route-map cluster-router-sync-in in\n');
    expect(running).to.contain(' neighbor 192.168.201.11 remote-as 64500\n');
    expect(running).to.contain(' neighbor 192.168.201.12 remote-as 64500\n');

    const again = await cli(...args);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('router bgp 64501: neighbors already as configured, nothing to change\n');
    expect(again.stdout).to.not.contain('dry run');
  });
});
