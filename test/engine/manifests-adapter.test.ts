import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '../../src/observability/metrics.js';
import { silentLogger } from '../../src/observability/logger.js';
import { manifestsClusterSource } from '../../src/app/engine/manifests-adapter.js';
import type { ClusterSource } from '../../src/app/engine/ports.js';
import type { ClusterSnapshot } from '../../src/sync/cluster.js';
import { waitFor } from '../support/wait-for.js';

describe('engine: the manifests source as the engine sees it', () => {
  let dir: string;
  let source: ClusterSource | undefined;
  const snapshots: ClusterSnapshot[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-manifests-adapter-'));
    await cp('fixtures/seed/manifests', dir, { recursive: true });
    snapshots.length = 0;
  });

  afterEach(async () => {
    await source?.stop();
    source = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (metrics?: Metrics) => {
    const s = manifestsClusterSource(dir, silentLogger(), {
      debounceMs: 30,
      graceMs: 60_000,
      ...(metrics ? { metrics } : {}),
    });
    source = s;
    await s.start({ snapshot: (snap) => snapshots.push(snap), problem: (err) => expect.fail(err.message) });
    return s;
  };

  it('counts a file that does not parse and an object made invalid, and keeps what they had', async () => {
    const metrics = new Metrics();
    await start(metrics);
    const file = join(dir, 'services.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, `${text}---\nkind: Service\nmetadata: { name: [unclosed\n`);
    await waitFor('the broken file to be read', async () =>
      (await metrics.text()).includes('crs_manifests_parse_failures_total{what="file"} 1'),
    );
    await writeFile(
      file,
      text.replace('loadBalancerIP: 192.168.197.254', 'loadBalancerIP: 192.168.197.2544'),
    );
    await waitFor('the invalid object to be read', async () =>
      (await metrics.text()).includes('crs_manifests_parse_failures_total{what="object"} 1'),
    );
    for (const snap of snapshots) expect(snap).to.deep.equal(snapshots[0]);
    expect(snapshots.length).to.be.greaterThan(1);
  });

  it('hands back what was written as allocations as the services status, until released', async () => {
    const s = await start();
    await s.allocations.write({
      changed: [{ service: 'default/nginx', ips: ['192.168.197.7'], pools: ['default'] }],
      released: [],
    });
    // The memory reaches the engine with the next read that changes something.
    const change = (name: string) =>
      writeFile(join(dir, 'extra.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name} }\n`);
    const nginx = (snap: ClusterSnapshot | undefined) => snap?.services.find((x) => x.name === 'nginx');
    await change('one');
    await waitFor('a snapshot after the write', () => snapshots.length > 1);
    expect(nginx(snapshots.at(-1))?.statusIngress).to.deep.equal(['192.168.197.7']);
    expect(nginx(snapshots[0])?.statusIngress).to.deep.equal([]);
    await s.allocations.write({ changed: [], released: ['default/nginx'] });
    await change('two');
    await waitFor('a snapshot after the release', () => snapshots.length > 2);
    expect(nginx(snapshots.at(-1))?.statusIngress).to.deep.equal([]);
  });
});
