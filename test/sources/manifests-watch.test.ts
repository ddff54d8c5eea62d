import { expect } from 'chai';
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManifestsUpdate } from '../../src/sources/last-good-manifests.js';
import { watchManifests, type ManifestsWatch } from '../../src/sources/manifests-source.js';
import { waitFor } from '../support/wait-for.js';

describe('manifests source: watching', function () {
  let dir: string;
  let watcher: ManifestsWatch | undefined;
  const loads: ManifestsUpdate[] = [];
  const errors: Error[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-manifests-'));
    await cp('fixtures/seed/manifests', dir, { recursive: true });
    loads.length = 0;
    errors.length = 0;
  });

  afterEach(async () => {
    watcher?.close();
    watcher = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (path: string, graceMs = 200) => {
    watcher = await watchManifests(path, {
      onChange: (l) => loads.push(l),
      onError: (e) => errors.push(e),
      debounceMs: 50,
      graceMs,
    });
    return watcher;
  };

  it('picks up an edited file in a watched directory', async () => {
    const w = await start(dir);
    expect(w.initial.snapshot.services).to.have.length(5);
    const file = join(dir, 'services.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('loadBalancerIP: 192.168.197.254', 'loadBalancerIP: 192.168.197.200'));
    const load = await waitFor('the edited snapshot', () =>
      loads.find((l) => l.snapshot.services.some((s) => s.loadBalancerIP === '192.168.197.200')),
    );
    expect(load.snapshot.services).to.have.length(5);
    expect(load.snapshot.nodes).to.have.length(3);
    expect(errors).to.deep.equal([]);
  });

  it('sees a new file, a removed file and a bad edit (reported, rest kept)', async () => {
    await start(dir);
    await writeFile(
      join(dir, 'extra.yml'),
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n  labels: { team: x }\n',
    );
    await waitFor('the new namespace', () => loads.at(-1)?.snapshot.namespaces.length === 1);
    await rm(join(dir, 'nodes.yaml'));
    // Held first (the file may be on its way back), then gone once the grace period is over.
    const held = await waitFor('the nodes to be held', () => loads.find((l) => l.held.length === 3));
    expect(held.snapshot.nodes).to.have.length(3);
    await waitFor('the nodes to go', () => loads.at(-1)?.snapshot.nodes.length === 0);
    await writeFile(join(dir, 'extra.yml'), 'apiVersion: v1\nmetadata:\n  name: extra\n');
    const bad = await waitFor('the problem report', () => loads.find((l) => l.problems.length > 0));
    expect(bad.problems[0]).to.deep.include({ documentIndex: 0, field: 'kind', reason: 'missing' });
    expect(bad.problems[0]?.file).to.equal(join(dir, 'extra.yml'));
    expect(bad.snapshot.services).to.have.length(5);
  });

  it('follows a single file replaced by rename, as editors save it', async () => {
    const file = join(dir, 'nodes.yaml');
    await start(file);
    const text = await readFile(file, 'utf8');
    await writeFile(join(dir, '.nodes.yaml.swp'), text.replace(/k8s-node2/g, 'k8s-node9'));
    await rename(join(dir, '.nodes.yaml.swp'), file);
    const load = await waitFor('the renamed node', () =>
      loads.find((l) => l.snapshot.nodes.some((n) => n.name === 'k8s-node9')),
    );
    expect(load.files).to.deep.equal([file]);
    expect(load.snapshot.services).to.deep.equal([]);
    // A rename is a change, not a deletion: k8s-node9 comes at once; k8s-node2, gone from the
    // new contents, is held like any removal.
    expect(load.snapshot.nodes.map((n) => n.name)).to.deep.equal([
      'k8s-master',
      'k8s-node1',
      'k8s-node2',
      'k8s-node9',
    ]);
    expect(load.held.map((h) => h.key)).to.deep.equal(['k8s-node2']);
    expect(loads.every((l) => l.files.length === 1)).to.equal(true);
  });

  it('keeps everything while a single file is deleted and written again, within the grace period', async () => {
    const file = join(dir, 'services.yaml');
    const w = await start(file, 60_000);
    const text = await readFile(file, 'utf8');
    await rm(file);
    const gone = await waitFor('the deletion to be seen', () => loads.find((l) => l.files.length === 0));
    expect(gone.snapshot).to.deep.equal(w.initial.snapshot);
    await writeFile(file, '');
    await writeFile(file, text.slice(0, text.length / 2));
    await writeFile(file, text);
    await waitFor(
      'the file back whole',
      () => loads.at(-1)?.files.length === 1 && loads.at(-1)?.held.length === 0,
    );
    for (const l of loads) expect(l.snapshot).to.deep.equal(w.initial.snapshot);
    expect(errors).to.deep.equal([]);
  });

  it('drops the services of a file that stays deleted, once the grace period is over', async () => {
    const file = join(dir, 'services.yaml');
    await start(file, 300);
    await rm(file);
    const gone = await waitFor('the services to go', () =>
      loads.find((l) => l.snapshot.services.length === 0),
    );
    expect(gone.held).to.deep.equal([]);
    // Before that, one update held all five.
    expect(loads.some((l) => l.held.length === 5 && l.snapshot.services.length === 5)).to.equal(true);
  });
});
