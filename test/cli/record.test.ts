import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli, ownConfigYaml } from './run-cli.js';

/**
 * Our config file: a recorded router. fixtures/check/in-sync-quagga is the seed (its config, its
 * manifests plus one ECMP service) with the outputs the live driver asks for; the seed's own
 * router/ lacks `show version` and names its summary `show bgp summary`, so it cannot be recorded.
 */
function routerYaml(recordedDir: string): string {
  return ownConfigYaml(['transport: recorded', `recordedDir: ${recordedDir}`, 'dialect: quagga']);
}

describe('cli record over the in-sync seed fixture (recorded Quagga router)', () => {
  let tmp = '';
  let routerConfig = '';
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'crs-cli-record-'));
    routerConfig = join(tmp, 'crs.yaml');
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  const fixture = 'fixtures/check/in-sync-quagga';
  const seedArgs = ['--manifests', `${fixture}/manifests`, '--config', `${fixture}/metallb-config.yaml`];

  it('writes a directory that check replays as all ok', async () => {
    await writeFile(routerConfig, routerYaml(resolve(fixture, 'router')));
    const dir = join(tmp, 'incident');
    const rec = await cli('record', dir, '--config', routerConfig, ...seedArgs);
    expect(rec.stderr).to.equal('');
    expect(rec.code).to.equal(0);
    expect(rec.stdout).to.match(/^recorded \d+ files in /);
    expect(await readdir(join(dir, 'router'))).to.include('show_running-config.txt');

    const check = await cli('check', dir);
    expect(check.stderr).to.equal('');
    expect(check.code).to.equal(0);
    expect(check.stdout).to.match(
      /^OK: sessions 2 \(ok 2,.*missing 0, wrong-nexthop 0, not-in-fib 0, unexpected 0/m,
    );
  });

  it('a router recording that is missing an output: exit 2, nothing written', async () => {
    await writeFile(routerConfig, routerYaml(join(tmp, 'no-such-recording')));
    const dir = join(tmp, 'incident');
    const rec = await cli('record', dir, '--config', routerConfig, ...seedArgs);
    expect(rec.code).to.equal(2);
    expect(rec.stderr).to.contain('no-such-recording');
    expect(await readdir(tmp)).to.deep.equal(['crs.yaml']);
  });
});
