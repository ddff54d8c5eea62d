import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { birdKernelLines, type BirdRouter } from '../lab/bird.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { kernelTable } from '../lab/route-tables.js';
import { BIRD_MATRIX, requireBird, startMatrixBird } from '../lab/router-matrix.js';
import { waitFor } from '../support/wait-for.js';
import { localRouterConfig, neighborsCli } from './run-cli.js';

const PROTOCOL = 'cluster_router_sync_192_168_201_2';

/** The seed's router as BIRD config: AS 64501 with the two MetalLB node sessions we must leave alone. */
const MAIN_BODY = [
  ...birdKernelLines(),
  ...['node1', 'node2'].flatMap((name, i) => [
    `protocol bgp ${name} {`,
    '  local 192.168.201.1 as 64501;',
    `  neighbor 192.168.201.1${i + 1} as 64500;`,
    '  ipv4 { import all; export none; };',
    '}',
  ]),
];

for (const bird of BIRD_MATRIX)
  describe(`cli neighbors against a real ${bird.name}: our include file, birdc configure check/configure, read back @lab`, function () {
    this.timeout(180_000);
    let lab: Lab | undefined;
    let router: BirdRouter | undefined;
    let gobgpd: Gobgpd | undefined;
    let dir = '';
    let include = '';
    const config = (name: string, listen: string): Promise<string> =>
      localRouterConfig(
        join(dir, name),
        { vtyshPath: (router as BirdRouter).birdcPath, dialect: 'bird' },
        listen,
      );
    const neighbors = (file: string, ...more: string[]) =>
      neighborsCli(file, '--bird-config', (router as BirdRouter).configFile, ...more);
    const protocolState = async (name: string) =>
      /BGP state:\s+(\S+)/.exec(await (router as BirdRouter).birdc('show', 'protocols', 'all', name))?.[1];

    before(async function () {
      requireBird(this, bird, ['gobgpd', 'gobgp']);
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
      router = await startMatrixBird(lab, bird, { body: MAIN_BODY });
      dir = await mkdtemp(join(tmpdir(), 'crs-neighbors-bird-'));
      include = join(router.dir, 'cluster-router-sync.conf');
      gobgpd = await startGobgpd(lab);
      await gobgpd.addRoute(['192.168.197.0/32', 'nexthop', '192.168.201.11']);
      // Outside our pools: the import filter we write must keep it out.
      await gobgpd.addRoute(['10.99.0.0/24', 'nexthop', '192.168.201.11']);
    });

    after(async () => {
      await gobgpd?.stop();
      await router?.stop();
      await lab?.destroy();
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    it('dry run shows our protocol and the include line; --apply needs --add-include for that line', async () => {
      const file = await config('crs.yaml', (lab as Lab).speakerAddress);
      const mainBefore = await readFile((router as BirdRouter).configFile, 'utf8');
      const dry = await neighbors(file);
      expect(dry.code, dry.stderr).to.equal(1);
      expect(dry.stdout).to.contain(`+protocol bgp ${PROTOCOL} {\n`);
      expect(dry.stdout).to.contain('+  neighbor 192.168.201.2 as 64500;\n');
      expect(dry.stdout).to.contain('+    import where net ~ [ 192.168.197.0/24{32,32} ];\n');
      expect(dry.stdout).to.contain(
        'needs the line: include "cluster-router-sync.conf"; (add it by hand, or pass --add-include)',
      );
      const refused = await neighbors(file, '--apply');
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain('--add-include');
      expect(await readFile((router as BirdRouter).configFile, 'utf8')).to.equal(mainBefore);
      expect(await readFile(include, 'utf8').catch(() => 'absent')).to.equal('absent');
    });

    it('--apply --add-include: BIRD runs our session, which comes up and imports only what our pools hold', async () => {
      const file = await config('crs.yaml', (lab as Lab).speakerAddress);
      const applied = await neighbors(file, '--apply', '--add-include');
      expect(applied.code, applied.stderr).to.equal(0);
      expect(applied.stdout).to.contain(`BIRD runs ${PROTOCOL}`);
      expect(await readFile((router as BirdRouter).configFile, 'utf8')).to.match(
        /\ninclude "cluster-router-sync.conf";\n$/,
      );
      await waitFor('our session to come up', async () => (await protocolState(PROTOCOL)) === 'Established', {
        timeoutMs: 60_000,
      });
      await waitFor('the pool route in the FIB', async () => {
        const fib = await kernelTable(lab as Lab, 'bird');
        return JSON.stringify(fib) === JSON.stringify({ '192.168.197.0/32': ['192.168.201.11'] });
      });
      expect(await protocolState('node1')).to.not.equal(undefined);
      const again = await neighbors(file);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain('# nothing to do\n');
    });

    it('a config BIRD refuses is rolled back: both files as they were, BIRD still runs the old session', async () => {
      const r = router as BirdRouter;
      // The user's main file already has a protocol of the name our next file would use.
      const clash = 'cluster_router_sync_192_168_201_3';
      const main = await readFile(r.configFile, 'utf8');
      const withClash = `${main}protocol static ${clash} { ipv4; }\n`;
      await writeFile(r.configFile, withClash);
      const ours = await readFile(include, 'utf8');
      const file = await config('crs-3.yaml', '192.168.201.3');
      const refused = await neighbors(file, '--apply');
      expect(refused.code).to.equal(2);
      expect(refused.stderr).to.contain('BIRD refused the new config, nothing applied, files restored');
      expect(await readFile(include, 'utf8')).to.equal(ours);
      expect(await readFile(r.configFile, 'utf8')).to.equal(withClash);
      expect(await protocolState(PROTOCOL)).to.equal('Established');
      await writeFile(r.configFile, main);
    });
  });
