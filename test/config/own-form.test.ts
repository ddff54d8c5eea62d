import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { ConfigError, configToJson, loadConfigFiles } from '../../src/config/index.js';
import { communitiesOf, largeCommunitiesOf } from '../support/routes.js';

describe('config: our own form, every section (fixtures/config/full-own.yaml)', () => {
  it('loads every section into the model', async () => {
    const { config, warnings } = await loadConfigFiles(['fixtures/config/full-own.yaml']);
    expect(warnings).to.deep.equal([]);
    expect(configToJson(config)).to.deep.equal({
      router: {
        transport: 'ssh',
        host: 'router.example.net',
        port: 2222,
        user: 'crs',
        privateKeyFile: '/etc/cluster-router-sync/id_ed25519',
        useAgent: false,
        knownHostsFile: '/etc/cluster-router-sync/known_hosts',
        dialect: 'frr',
        vtyshPath: '/usr/bin/vtysh',
        connectTimeoutMs: 10000,
        commandTimeoutMs: 30000,
        maxOutputBytes: 64 * 1024 * 1024,
      },
      speaker: { listenAddress: '192.168.200.2', listenPort: 179, gracefulRestartTimeSec: 120 },
      peers: [
        {
          name: 'core',
          peerAddress: '192.168.200.1',
          peerAsn: 64501,
          myAsn: 64500,
          peerPort: 179,
          holdTimeSec: 90,
          keepaliveTimeSec: 30,
          connectTimeSec: 5,
          routerId: '192.168.200.2',
          ebgpMultiHop: false,
          ttlSecurity: false,
          nodeSelectors: [{ matchLabels: { rack: 'r1' }, matchExpressions: [] }],
        },
        {
          name: 'backup',
          peerAddress: '2001:db8::1',
          peerAsn: 64502,
          myAsn: 64500,
          peerPort: 179,
          holdTimeSec: 9,
          keepaliveTimeSec: 3,
          connectTimeSec: 10,
          ebgpMultiHop: false,
          ttlSecurity: false,
          nodeSelectors: [],
        },
      ],
      pools: [
        {
          name: 'public',
          protocol: 'bgp',
          addresses: [
            { text: '192.168.197.0/24', family: 4, first: '192.168.197.0', last: '192.168.197.255' },
            { text: '192.168.198.0/24', family: 4, first: '192.168.198.0', last: '192.168.198.255' },
            { text: '2001:db8:197::/120', family: 6, first: '2001:db8:197::', last: '2001:db8:197::ff' },
          ],
          autoAssign: true,
          avoidBuggyIps: false,
          serviceAllocation: {
            priority: 10,
            namespaces: ['web'],
            namespaceSelectors: [],
            serviceSelectors: [],
          },
          bgpAdvertisements: [
            {
              name: 'public-aggregated',
              aggregationLength: 24,
              aggregationLengthV6: 120,
              localPref: 200,
              communities: communitiesOf(['64500:100', '65535:65281']),
              largeCommunities: largeCommunitiesOf(['64500:1:2']),
              peers: ['core'],
              nodeSelectors: [],
            },
          ],
        },
        {
          name: 'private',
          protocol: 'bgp',
          addresses: [{ text: '10.10.0.1-10.10.0.14', family: 4, first: '10.10.0.1', last: '10.10.0.14' }],
          autoAssign: false,
          avoidBuggyIps: false,
          bgpAdvertisements: [
            {
              name: 'private-hosts',
              aggregationLength: 32,
              aggregationLengthV6: 128,
              communities: [],
              largeCommunities: [],
              peers: [],
              nodeSelectors: [],
            },
          ],
        },
      ],
      kubernetes: {
        mode: 'cluster',
        kubeconfig: '/etc/cluster-router-sync/kubeconfig',
        metallbNamespace: 'metallb-system',
      },
      loadBalancerClass: 'example.net/router-lb',
      manageNeighbors: false,
      neighborDescription: 'cluster-router-sync',
      verifyIntervalSec: 60,
    });
  });

  it('leaves optional fields absent, never present and undefined', async () => {
    for (const files of [
      ['fixtures/config/full-own.yaml'],
      ['fixtures/config/router-access.yaml', 'fixtures/seed/metallb-config.yaml'],
      ['fixtures/config/seed-crds.yaml'],
    ]) {
      const { config } = await loadConfigFiles(files);
      expect(undefinedPaths(config, 'config'), files.join(' ')).to.deep.equal([]);
    }
  });

  it("merges run's cluster documents into the files, and names the object in their errors", async () => {
    const seed = await readFile('fixtures/seed/metallb-config.yaml', 'utf8');
    const file = 'kubernetes:ConfigMap/metallb-system/config';
    const { config } = await loadConfigFiles(['fixtures/config/router-access.yaml'], [{ file, text: seed }]);
    expect(config.pools.map((p) => p.name)).to.deep.equal(['default']);
    expect(config.router).to.not.equal(undefined);

    const broken = seed.replace('192.168.197.0/24', '192.168.197.0/99');
    const err = await loadConfigFiles(['fixtures/config/router-access.yaml'], [{ file, text: broken }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.file)).to.deep.equal([file]);
  });
});

function undefinedPaths(value: unknown, at: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) =>
    v === undefined ? [`${at}.${k}`] : undefinedPaths(v, `${at}.${k}`),
  );
}
