import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueLines, peerRouteLines, renderKubectlTable } from '../../src/cli/render-plan.js';
import { loadConfigFiles } from '../../src/config/index.js';
import { loadManifests } from '../../src/sources/manifests-source.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { cli } from './run-cli.js';
import { communitiesOf, nextHopsOf, routePrefixOf } from '../support/routes.js';

/** Cells of a kubectl-style table, cut at the header's column starts; keyed by header. */
function tableCells(lines: string[]): Array<Record<string, string>> {
  const header = lines[0] as string;
  const starts = [...header.matchAll(/\S+/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(
        starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()]),
      ),
    );
}

const SEED_CONFIG = 'fixtures/seed/metallb-config.yaml';
const SEED_MANIFESTS = 'fixtures/seed/manifests';
const KUBECTL_COLUMNS = ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)'];

describe('cli plan with a cluster', () => {
  it("plans the seed: the blog's kubectl get svc, cell by cell apart from AGE", async () => {
    const { code, stdout, stderr } = await cli(
      'plan',
      '--config',
      SEED_CONFIG,
      '--manifests',
      SEED_MANIFESTS,
    );
    expect(code).to.equal(0);
    expect(stderr).to.equal('');
    const table = stdout.slice(0, stdout.indexOf('\n\n')).split('\n');
    const ours = tableCells(table);
    const blog = tableCells(readFileSync('fixtures/seed/kubectl_get_svc.txt', 'utf8').trimEnd().split('\n'));
    expect(ours).to.have.length(blog.length);
    blog.forEach((row, i) => {
      for (const column of KUBECTL_COLUMNS) {
        expect(ours[i]?.[column], `row ${i + 1} ${column}`).to.equal(row[column]);
      }
      expect(ours[i]?.NAMESPACE).to.equal('default');
    });
    expect(ours.map((r) => r.POOL)).to.deep.equal(['<none>', 'default', 'default', '<none>', 'default']);
    expect(ours.every((r) => r.FAILURE === '')).to.equal(true);
  });

  it('lists the seed routes per peer as show ip route bgp would, and no issues', async () => {
    const { stdout } = await cli('plan', '--config', SEED_CONFIG, '--manifests', SEED_MANIFESTS);
    expect(stdout.slice(stdout.indexOf('\n\n') + 2)).to.equal(
      [
        'Routes for peer-192.168.200.1 (192.168.200.1), as the router would show them:',
        'B>* 192.168.197.0/32   via 192.168.201.11   default/nginx',
        'B>* 192.168.197.1/32   via 192.168.201.12   default/test-service',
        'B>* 192.168.197.254/32 via 192.168.201.12   default/test-service-3',
        '',
        'Issues: none',
        '',
      ].join('\n'),
    );
  });

  it('--output json prints the Plan value itself', async () => {
    const { code, stdout } = await cli(
      'plan',
      '--config',
      SEED_CONFIG,
      '--manifests',
      SEED_MANIFESTS,
      '--output',
      'json',
    );
    expect(code).to.equal(0);
    const { config } = await loadConfigFiles([SEED_CONFIG]);
    const { snapshot } = await loadManifests(SEED_MANIFESTS);
    expect(stdout).to.equal(`${JSON.stringify(planCluster(config, snapshot), null, 2)}\n`);
    expect((JSON.parse(stdout) as Plan).allocations.map((a) => a.ips)).to.deep.equal([
      ['192.168.197.0'],
      ['192.168.197.1'],
      ['192.168.197.254'],
    ]);
  });

  describe('with a failing allocation', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'crs-plan-'));
      // The seed's services plus one asking for an address outside the pool.
      const seed = readFileSync(join(SEED_MANIFESTS, 'services.yaml'), 'utf8');
      const outside = [
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata: { name: wants-outside, namespace: apps }',
        'spec:',
        '  type: LoadBalancer',
        '  clusterIP: 10.96.7.7',
        '  loadBalancerIP: 10.0.0.1',
        '  ports: [{ port: 443, protocol: TCP, nodePort: 31443 }]',
        '',
      ].join('\n');
      await writeFile(join(dir, 'services.yaml'), `${seed}\n${outside}`);
      for (const f of ['endpointslices.yaml', 'nodes.yaml']) {
        await writeFile(join(dir, f), readFileSync(join(SEED_MANIFESTS, f), 'utf8'));
      }
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it('shows <pending>, the reason in the table and the issue below', async () => {
      const { code, stdout } = await cli('plan', '--config', SEED_CONFIG, '--manifests', dir);
      expect(code).to.equal(0);
      const rows = tableCells(stdout.slice(0, stdout.indexOf('\n\n')).split('\n'));
      const row = rows.find((r) => r.NAME === 'wants-outside');
      expect(row).to.include({
        NAMESPACE: 'apps',
        'EXTERNAL-IP': '<pending>',
        'PORT(S)': '443:31443/TCP',
        POOL: '<none>',
      });
      expect(row?.FAILURE).to.match(/^requested-ip-not-in-pool: /);
      expect(stdout).to.match(/\nIssues \(1\):\n {2}apps\/wants-outside: no IP: requested-ip-not-in-pool: /);
    });
  });

  it('--kubeconfig lists the cluster read-only; an API that refuses connections exits 3', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'crs-plan-kube-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      await writeFile(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]',
          'contexts: [{ name: c, context: { cluster: c, user: u } }]',
          'current-context: c',
          'users: [{ name: u, user: { token: t } }]',
          '',
        ].join('\n'),
      );
      const { code, stdout, stderr } = await cli('plan', '--config', SEED_CONFIG, '--kubeconfig', kubeconfig);
      expect(stdout).to.equal('');
      expect(stderr).to.match(/^error: .*127\.0\.0\.1:1/);
      expect(code).to.equal(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('bad input exits 2', () => {
    it('a manifests path that does not exist', async () => {
      const { code, stdout, stderr } = await cli(
        'plan',
        '--config',
        SEED_CONFIG,
        '--manifests',
        'no/such/dir',
      );
      expect(code).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.contain('no/such/dir');
    });

    it('manifests without any config', async () => {
      const { code, stderr } = await cli('plan', '--manifests', SEED_MANIFESTS);
      expect(code).to.equal(2);
      expect(stderr).to.contain('no configuration');
    });
  });
});

describe('plan text pieces', () => {
  it('ECMP next hops go on continuation lines under the prefix', () => {
    expect(
      peerRouteLines({
        peer: 'edge',
        peerAddress: '192.168.201.1',
        routes: [
          {
            prefix: routePrefixOf('192.168.197.2/32'),
            family: 4,
            nextHops: nextHopsOf(['192.168.201.11', '192.168.201.12']),
            localPref: 150,
            communities: communitiesOf(['64500:1']),
            largeCommunities: [],
            services: ['default/a', 'default/b'],
          },
        ],
      }),
    ).to.deep.equal([
      'Routes for edge (192.168.201.1), as the router would show them:',
      'B>* 192.168.197.2/32 via 192.168.201.11   default/a default/b, local-pref 150, communities 64500:1',
      '  *                  via 192.168.201.12',
    ]);
  });

  it('a peer without routes says so', () => {
    expect(peerRouteLines({ peer: 'edge', peerAddress: '10.0.0.1', routes: [] })[1]).to.equal(
      '  (no routes)',
    );
  });

  it('advertisement issues name the peer', () => {
    expect(
      issueLines({
        allocations: [],
        peers: [],
        issues: [{ service: 'default/a', peer: 'edge', message: 'no ready endpoints' }],
      }),
    ).to.deep.equal(['default/a (peer edge): no ready endpoints']);
  });

  it('kubectl tables: three spaces between columns, the last column unpadded', () => {
    expect(
      renderKubectlTable(
        ['A', 'BB', 'C'],
        [
          ['xxxx', 'y', ''],
          ['z', '', 'w'],
        ],
      ),
    ).to.deep.equal(['A      BB   C', 'xxxx   y', 'z           w']);
  });
});
