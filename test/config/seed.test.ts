import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  embeddedDefaultConfigFile,
  embeddedDefaultDir,
  loadConfigFiles,
  type Config,
} from '../../src/config/index.js';

const SEED = 'fixtures/seed/metallb-config.yaml';

/** The parts of the model the three forms must agree on. */
function essentials(config: Config): Pick<Config, 'peers' | 'pools'> {
  return { peers: config.peers, pools: config.pools };
}

describe('config: the seed scenario', () => {
  it('loads the seed ConfigMap field by field', async () => {
    const { config, warnings } = await loadConfigFiles([SEED]);
    expect(warnings).to.deep.equal([]);

    expect(config.peers).to.have.length(1);
    const peer = config.peers[0];
    expect(peer?.name).to.equal('peer-192.168.200.1');
    expect(peer?.peerAddress).to.equal('192.168.200.1');
    expect(peer?.peerAsn).to.equal(64501);
    expect(peer?.myAsn).to.equal(64500);
    expect(peer?.peerPort).to.equal(179);
    expect(peer?.holdTimeSec).to.equal(90);
    expect(peer?.keepaliveTimeSec).to.equal(30);
    expect(peer?.connectTimeSec).to.equal(10);
    expect(peer?.ebgpMultiHop).to.equal(false);
    expect(peer?.ttlSecurity).to.equal(false);
    expect(peer?.nodeSelectors).to.deep.equal([]);
    expect(peer?.routerId).to.equal(undefined);
    expect(peer?.sourceAddress).to.equal(undefined);
    expect(peer?.password).to.equal(undefined);
    expect(peer?.bfdProfile).to.equal(undefined);

    expect(config.pools).to.have.length(1);
    const pool = config.pools[0];
    expect(pool?.name).to.equal('default');
    expect(pool?.protocol).to.equal('bgp');
    expect(pool?.autoAssign).to.equal(true);
    expect(pool?.avoidBuggyIps).to.equal(false);
    expect(pool?.serviceAllocation).to.equal(undefined);
    expect(pool?.addresses).to.deep.equal([
      { text: '192.168.197.0/24', family: 4, first: 0xc0a8c500n, last: 0xc0a8c5ffn },
    ]);
    expect(pool?.bgpAdvertisements).to.deep.equal([
      {
        name: 'default',
        aggregationLength: 32,
        aggregationLengthV6: 128,
        communities: [],
        largeCommunities: [],
        peers: [],
        nodeSelectors: [],
      },
    ]);

    expect(config.router).to.equal(undefined);
    expect(config.speaker).to.deep.equal({ listenPort: 179, gracefulRestartTimeSec: 120 });
    expect(config.kubernetes).to.deep.equal({ mode: 'cluster', metallbNamespace: 'metallb-system' });
    expect(config.loadBalancerClass).to.equal(undefined);
    expect(config.manageNeighbors).to.equal(false);
    expect(config.neighborDescription).to.equal('cluster-router-sync');
    expect(config.verifyIntervalSec).to.equal(60);
  });

  it('gives the same peers, pools and advertisements from the CRD form', async () => {
    const fromConfigMap = await loadConfigFiles([SEED]);
    const fromCrds = await loadConfigFiles(['fixtures/config/seed-crds.yaml']);
    expect(fromCrds.warnings).to.deep.equal([]);
    expect(essentials(fromCrds.config)).to.deep.equal(essentials(fromConfigMap.config));
  });

  it('gives the same peers, pools and advertisements from our own form', async () => {
    const fromConfigMap = await loadConfigFiles([SEED]);
    const fromOwn = await loadConfigFiles(['fixtures/config/seed-own.yaml']);
    expect(fromOwn.warnings).to.deep.equal([]);
    expect(fromOwn.config).to.deep.equal(fromConfigMap.config);
  });

  it('merges router access from our file with peers and pools from the ConfigMap', async () => {
    const seed = await loadConfigFiles([SEED]);
    const { config } = await loadConfigFiles(['fixtures/config/router-access.yaml', SEED]);
    expect(essentials(config)).to.deep.equal(essentials(seed.config));
    expect(config.router).to.deep.equal({
      transport: 'ssh',
      host: '192.168.200.1',
      port: 22,
      user: 'crs',
      privateKeyFile: '/etc/cluster-router-sync/id_ed25519',
      useAgent: false,
      hostKeyFingerprint: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
      dialect: 'quagga',
      vtyshPath: 'vtysh',
      connectTimeoutMs: 5000,
      commandTimeoutMs: 20000,
      maxOutputBytes: 64 * 1024 * 1024,
    });
    expect(config.speaker).to.deep.equal({
      listenAddress: '192.168.200.2',
      listenPort: 179,
      gracefulRestartTimeSec: 120,
    });
    expect(config.kubernetes).to.deep.equal({
      mode: 'manifests',
      manifestsPath: 'fixtures/seed/manifests',
      metallbNamespace: 'metallb-system',
    });
    expect(config.manageNeighbors).to.equal(true);
    expect(config.verifyIntervalSec).to.equal(30);
  });

  it('rejects the blog paste with non-breaking spaces, naming the line', async () => {
    const file = 'fixtures/seed/original/metallb-config.nbsp.yaml';
    const err = await loadConfigFiles([file]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConfigError);
    const issue = (err as ConfigError).issues[0];
    expect(issue?.file).to.equal(file);
    expect(issue?.line).to.equal(3);
    expect(issue?.reason).to.match(
      /^a non-breaking space \(U\+00A0\) was found at column 10 \(14 lines contain one\)/,
    );
    expect((err as ConfigError).message).to.contain('metallb-config.nbsp.yaml:3: a non-breaking space');
  });

  it('reports every unreadable file', async () => {
    const err = await loadConfigFiles(['fixtures/config/missing.yaml', 'fixtures/config']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).message).to.equal(
      'fixtures/config/missing.yaml: cannot be read: no such file\n' +
        'fixtures/config: cannot be read: it is a directory, not a file',
    );
  });

  it('points the embedded default at the packaged seed', () => {
    expect(embeddedDefaultDir()).to.match(/fixtures[\\/]seed$/);
    expect(readFileSync(embeddedDefaultConfigFile(), 'utf8')).to.equal(readFileSync(SEED, 'utf8'));
  });
});
