import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { neighborPolicyFor } from '../../src/app/neighbor-policy.js';
import { loadConfigFiles } from '../../src/config/index.js';
import type { Config, PeerConfig } from '../../src/config/model.js';
import { parseRunningConfig } from '../../src/router-drivers/index.js';
import { cli, ownConfigYaml } from './run-cli.js';

const SEED_CONFIG = 'fixtures/seed/metallb-config.yaml';

/** Our own config file: router access and the speaker's address. */
function routerYaml(router: string[]): string {
  return ownConfigYaml(router, ['listenAddress: 192.168.201.2']);
}

describe('cli neighbors over the recorded seed router', () => {
  let dir = '';
  let recorded = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-neighbors-'));
    recorded = join(dir, 'crs.yaml');
    await writeFile(
      recorded,
      routerYaml([
        'transport: recorded',
        `recordedDir: ${resolve('fixtures/seed/router')}`,
        'dialect: quagga',
      ]),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('dry run: prints the vtysh diff for our speaker and exits 1 (changes pending)', async () => {
    const { code, stdout, stderr } = await cli('neighbors', '-c', recorded, '-c', SEED_CONFIG);
    expect(stderr).to.equal('');
    expect(code).to.equal(1);
    expect(stdout).to.equal(
      [
        `! recorded ${resolve('fixtures/seed/router')}, neighbors for peer-192.168.200.1`,
        '+ ip prefix-list cluster-router-sync-in seq 5 permit 192.168.197.0/24 ge 32',
        '+ route-map cluster-router-sync-in permit 10',
        '+  match ip address prefix-list cluster-router-sync-in',
        'router bgp 64501',
        '+ neighbor 192.168.201.2 remote-as 64500',
        '+ neighbor 192.168.201.2 description cluster-router-sync',
        '  address-family ipv4 unicast',
        '+  neighbor 192.168.201.2 route-map cluster-router-sync-in in',
        '  exit-address-family',
        '! dry run: nothing was changed; add --apply to carry this out',
        '',
      ].join('\n'),
    );
  });

  it('--maximum-paths N: one more line of its own, with a note saying what it changes', async () => {
    const { code, stdout } = await cli(
      'neighbors',
      '-c',
      recorded,
      '-c',
      SEED_CONFIG,
      '--maximum-paths',
      '4',
    );
    expect(code).to.equal(1);
    expect(stdout).to.contain(
      [
        '  address-family ipv4 unicast',
        '+  neighbor 192.168.201.2 route-map cluster-router-sync-in in',
        '+  maximum-paths 4',
        '  exit-address-family',
        '! maximum-paths 4 (asked for): the router installs up to 4 paths of a prefix as ECMP next hops, for every eBGP route it has, not only ours',
      ].join('\n'),
    );
    const bad = await cli('neighbors', '-c', recorded, '-c', SEED_CONFIG, '--maximum-paths', 'lots');
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.equal('error: --maximum-paths: "lots" is not a whole number from 1 to 256\n');
  });

  it('--output json: the steps, without secrets', async () => {
    const { code, stdout } = await cli('neighbors', '-c', recorded, '-c', SEED_CONFIG, '-o', 'json');
    expect(code).to.equal(1);
    const out = JSON.parse(stdout) as { routerAs: number; steps: Array<{ op: string; command: string }> };
    expect(out.routerAs).to.equal(64501);
    expect(out.steps.filter((s) => s.command.startsWith('neighbor 192.168.201.2 remote-as'))).to.deep.equal([
      { op: 'add', context: 'router', command: 'neighbor 192.168.201.2 remote-as 64500' },
    ]);
  });

  it('--apply on a recorded router is refused before anything is run', async () => {
    const { code, stdout, stderr } = await cli('neighbors', '-c', recorded, '-c', SEED_CONFIG, '--apply');
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.equal(
      'error: neighbors: --apply needs a live router; config.router.transport is recorded (read-only)\n',
    );
  });

  it('exits 3 when the router cannot be reached', async () => {
    const unreachable = join(dir, 'unreachable.yaml');
    // A vtysh that cannot be started is a router that cannot be reached.
    await writeFile(
      unreachable,
      routerYaml(['transport: local', `vtyshPath: ${join(dir, 'no-such-vtysh')}`]),
    );
    const { code, stderr } = await cli('neighbors', '-c', unreachable, '-c', SEED_CONFIG);
    expect(stderr).to.match(/^error: /);
    expect(code).to.equal(3);
  });

  it('bad input: no router section, or --manifests', async () => {
    expect((await cli('neighbors', '-c', SEED_CONFIG)).code).to.equal(2);
    const { code, stderr } = await cli('neighbors', '-c', recorded, '--manifests', 'fixtures/seed/manifests');
    expect(code).to.equal(2);
    expect(stderr).to.contain('neighbors reads the config and the router only');
  });
});

describe('neighbor policy from the config', () => {
  const running = parseRunningConfig(
    'router bgp 64501\n neighbor 192.168.201.11 remote-as 64500\n neighbor 192.168.201.12 remote-as 64500\n',
  );
  let seed: Config;
  before(async () => {
    seed = (await loadConfigFiles([SEED_CONFIG])).config;
  });
  const peer = (over: Partial<PeerConfig>): PeerConfig => ({ ...(seed.peers[0] as PeerConfig), ...over });

  it('our address is the peer source address, else the speaker listen address', () => {
    const withListen = { ...seed, speaker: { ...seed.speaker, listenAddress: '192.168.201.2' } };
    expect(neighborPolicyFor(withListen, running).policy).to.deep.equal({
      routerAs: 64501,
      descriptionMarker: 'cluster-router-sync',
      neighbors: [{ address: '192.168.201.2', remoteAs: 64500 }],
      importPools: [{ addresses: '192.168.197.0/24' }],
    });
    const withSource = {
      ...withListen,
      peers: [peer({ sourceAddress: '192.168.201.3', ebgpMultiHop: true, password: 'k3y' })],
    };
    expect(neighborPolicyFor(withSource, running).policy.neighbors).to.deep.equal([
      { address: '192.168.201.3', remoteAs: 64500, ebgpMultihop: 255, password: 'k3y' },
    ]);
  });

  it('only the peers whose peer-asn is the router AS; one neighbor per address', () => {
    const config = {
      ...seed,
      speaker: { ...seed.speaker, listenAddress: '192.168.201.2' },
      peers: [
        peer({ name: 'a' }),
        peer({ name: 'b', peerAddress: '192.168.200.9' }),
        peer({ name: 'other', peerAsn: 65000 }),
      ],
    };
    const r = neighborPolicyFor(config, running);
    expect(r.peers).to.deep.equal(['a', 'b']);
    expect(r.policy.neighbors).to.have.length(1);
  });

  it('one neighbor per path slot address; maximum-paths only when asked for', () => {
    const config = {
      ...seed,
      peers: [peer({ sourceAddresses: ['192.168.201.2', '192.168.201.5'], sourceAddress: '192.168.201.2' })],
    };
    const r = neighborPolicyFor(config, running);
    expect(r.policy.neighbors).to.deep.equal([
      { address: '192.168.201.2', remoteAs: 64500 },
      { address: '192.168.201.5', remoteAs: 64500 },
    ]);
    expect(r.policy.maximumPaths).to.equal(undefined);
    expect(neighborPolicyFor(config, running, { maximumPaths: 2 }).policy.maximumPaths).to.equal(2);
  });

  it('says why when it cannot tell', () => {
    expect(() => neighborPolicyFor(seed, running)).to.throw(/source address or speaker.listenAddress/);
    const listen = { ...seed, speaker: { ...seed.speaker, listenAddress: '192.168.201.2' } };
    expect(() => neighborPolicyFor({ ...listen, peers: [peer({ peerAsn: 65000 })] }, running)).to.throw(
      /no peer in the config has peer-asn 64501/,
    );
    const twoAses = { ...listen, peers: [peer({}), peer({ name: 'x', peerAsn: 65000 })] };
    expect(() => neighborPolicyFor(twoAses, parseRunningConfig(''))).to.throw(
      /several ASes \(64501, 65000\)/,
    );
    const clash = { ...listen, peers: [peer({ name: 'a' }), peer({ name: 'b', myAsn: 64999 })] };
    expect(() => neighborPolicyFor(clash, running)).to.throw(/peers a and b both speak from 192.168.201.2/);
  });

  it('a password kept in a Secret is not read: a warning says to set it by hand', () => {
    const config = {
      ...seed,
      speaker: { ...seed.speaker, listenAddress: '192.168.201.2' },
      peers: [peer({ passwordSecret: { name: 'bgp-auth', key: 'password' } })],
    };
    const r = neighborPolicyFor(config, running);
    expect(r.policy.neighbors).to.deep.equal([{ address: '192.168.201.2', remoteAs: 64500 }]);
    expect(r.warnings).to.deep.equal([
      'peer peer-192.168.200.1: its password is in Secret bgp-auth, which neighbors does not read; set the neighbor password on the router by hand',
    ]);
  });

  it('aggregating advertisements admit their prefix length', () => {
    const pool = seed.pools[0] as Config['pools'][number];
    const adv = pool.bgpAdvertisements[0] as (typeof pool.bgpAdvertisements)[number];
    const config = {
      ...seed,
      speaker: { ...seed.speaker, listenAddress: '192.168.201.2' },
      pools: [{ ...pool, bgpAdvertisements: [adv, { ...adv, name: 'agg', aggregationLength: 26 }] }],
    };
    expect(neighborPolicyFor(config, running).policy.importPools).to.deep.equal([
      { addresses: '192.168.197.0/24' },
      { addresses: '192.168.197.0/24', prefixLength: 26 },
    ]);
  });
});
