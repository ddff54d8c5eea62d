import { expect } from 'chai';
import { cp, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localRouterYaml, startFrr, speakerNeighborLines } from '../../lab/frr.js';
import { createLab } from '../../lab/netns.js';
import { frrTable, type RouteTable } from '../../lab/route-tables.js';
import { labRunConfigYaml } from '../../lab/speaker-peer.js';
import { requireLab } from '../../support/requirements.js';
import { waitFor } from '../../support/wait-for.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

/** Long enough that each brief fault below is undone well inside it, on a loaded machine too. */
const GRACE_SEC = 15;

/**
 * A Service and its EndpointSlice, written by hand (no creation time, no status) as JSON, which a
 * write cut short always leaves unparseable.
 */
const FIRST_BY_NAME = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'aaa-first', namespace: 'default' },
        spec: {
          type: 'LoadBalancer',
          externalTrafficPolicy: 'Local',
          selector: { app: 'aaa' },
          ports: [{ port: 80 }],
        },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: 'aaa-first-x1',
          namespace: 'default',
          labels: { 'kubernetes.io/service-name': 'aaa-first' },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.244.2.40'], nodeName: 'k8s-node2' }],
      },
    ],
  },
  null,
  2,
);

/** The prefixes of `want` that `got` lacks or holds with other next hops. */
function differences(want: RouteTable, got: RouteTable): string[] {
  return Object.entries(want)
    .filter(([prefix, hops]) => JSON.stringify(got[prefix]) !== JSON.stringify(hops))
    .map(([prefix]) => prefix);
}

describe('lab: run --manifests against a real FRR keeps announced addresses through new services and half-written files @lab', function () {
  this.timeout(240_000);
  const t = runLabHooks();
  let manifests: string;
  /** The router's RIB once the seed services are announced: what no fault below may change. */
  let announced: RouteTable;

  before(async function () {
    requireLab(this, { root: true, commands: ['ip', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] });
    t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    t.frr = await startFrr(t.lab, {
      bgpLines: speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
    });
    t.dir = await mkdtemp(join(tmpdir(), 'crs-manifests-faults-'));
    manifests = join(t.dir, 'manifests');
    await cp('fixtures/seed/manifests', manifests, { recursive: true });
    // Hand-written manifests carry no creation time: the allocation order is namespace/name alone.
    for (const name of await readdir(manifests)) {
      const file = join(manifests, name);
      await writeFile(file, (await readFile(file, 'utf8')).replace(/^ {2}creationTimestamp: .*\n/gm, ''));
    }
    const configFile = join(t.dir, 'crs.yaml');
    await writeFile(
      configFile,
      labRunConfigYaml(localRouterYaml(t.frr), [
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
        'kubernetes:',
        `  manifestsGracePeriod: ${GRACE_SEC}s`,
        'verifyIntervalSec: 2',
      ]),
    );
    t.proc = new RunProcess(t.lab.speakerNs, ['run', '--config', configFile, '--manifests', manifests]);
    announced = await waitFor('the seed services on FRR', async () => {
      const rib = await frrTable(t.frr!);
      return Object.keys(rib).length === 3 ? rib : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n${t.proc?.tail()}`);
    });
  });

  /** Log lines of `run` matching `pattern` so far. */
  const logged = (pattern: RegExp) => t.proc!.stderr.split('\n').filter((l) => pattern.test(l)).length;
  const HELD = /keeping its last good|kept until the grace period ends|invalid now, keeping/;
  const CHANGED = /"msg":"manifests changed"/;

  /** Runs `fault`, waits until `run` has read the broken state, then `repair` and its read. */
  async function briefly(what: string, fault: () => Promise<void>, repair: () => Promise<void>) {
    const held = logged(HELD);
    await fault();
    await waitFor(`run to hold its state through ${what}`, () => logged(HELD) > held).catch((err: Error) => {
      throw new Error(`${err.message}\n${t.proc?.tail()}`);
    });
    const changed = logged(CHANGED);
    await repair();
    await waitFor(`run to read the repaired files after ${what}`, () => logged(CHANGED) > changed);
  }

  it('announces a new service that sorts first on a new address, moving no announced /32', async () => {
    expect(Object.keys(announced).sort()).to.deep.equal([
      '192.168.197.0/32',
      '192.168.197.1/32',
      '192.168.197.254/32',
    ]);
    await writeFile(join(manifests, 'aaa-first.json'), FIRST_BY_NAME);
    const rib = await waitFor('the new service on FRR', async () => {
      const now = await frrTable(t.frr!);
      return Object.keys(now).length === 4 ? now : undefined;
    });
    expect(differences(announced, rib)).to.deep.equal([]);
    expect(rib['192.168.197.2/32']).to.deep.equal(['192.168.201.12']);
    announced = rib;
  });

  it('withdraws nothing while files are emptied, half-written, deleted or replaced for a moment', async () => {
    const services = join(manifests, 'services.yaml');
    const slices = join(manifests, 'endpointslices.yaml');
    const json = join(manifests, 'aaa-first.json');
    const servicesText = await readFile(services, 'utf8');
    const slicesText = await readFile(slices, 'utf8');
    const gaps: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const missing = differences(announced, await frrTable(t.frr!));
        if (missing.length > 0) gaps.push(missing.join(', '));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      const restore = async () => {
        await writeFile(services, servicesText);
        await writeFile(slices, slicesText);
        await writeFile(json, FIRST_BY_NAME);
      };
      await briefly('an emptied file', () => writeFile(services, ''), restore);
      // Half of services.yaml ends in `kind: S`: the services after it are missing.
      await briefly(
        'a half-written file',
        () => writeFile(services, servicesText.slice(0, servicesText.length / 2)),
        restore,
      );
      await briefly(
        'a file cut at a document boundary',
        () => writeFile(slices, slicesText.split('\n---\n')[0] ?? ''),
        restore,
      );
      await briefly(
        'a JSON file cut short (not parseable)',
        () => writeFile(json, FIRST_BY_NAME.slice(0, FIRST_BY_NAME.length / 2)),
        restore,
      );
      await briefly(
        'an object made invalid',
        () =>
          writeFile(
            services,
            servicesText.replace('loadBalancerIP: 192.168.197.254', 'loadBalancerIP: 192.168.197.2544'),
          ),
        restore,
      );
      await briefly('a deleted file', () => rm(services), restore);
      // Replaced by rename with a partial copy, as a tool that renames too early would.
      await briefly(
        'a partial file renamed over it',
        async () => {
          await writeFile(join(manifests, '.services.tmp'), servicesText.slice(0, servicesText.length / 3));
          await rename(join(manifests, '.services.tmp'), services);
        },
        restore,
      );
    } finally {
      sampling = false;
      await sampler;
    }
    expect(gaps).to.deep.equal([]);
    expect(await frrTable(t.frr!)).to.deep.equal(announced);
  });

  it('withdraws the services of a file deleted for longer than the grace period', async () => {
    const held = logged(HELD);
    await rm(join(manifests, 'services.yaml'));
    await waitFor('run to hold the deleted services', () => logged(HELD) > held);
    expect(await frrTable(t.frr!)).to.deep.equal(announced);
    const rib = await waitFor(
      'the deleted services to be withdrawn',
      async () => {
        const now = await frrTable(t.frr!);
        return Object.keys(now).length === 1 ? now : undefined;
      },
      { timeoutMs: (GRACE_SEC + 30) * 1000 },
    );
    // Only the service of the other file is left, on the address it had.
    expect(rib).to.deep.equal({ '192.168.197.2/32': ['192.168.201.12'] });
  });
});
