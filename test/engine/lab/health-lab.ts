import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import { cleanUpAll, labSteps } from '../../lab/cleanup.js';
import { localRouterYaml, speakerNeighborLines, type FrrRouter } from '../../lab/frr.js';
import { HealthzServer } from '../../lab/healthz-server.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { kernelTable } from '../../lab/route-tables.js';
import { startMatrixFrr, type MatrixRouter } from '../../lab/router-matrix.js';
import { RunProcess } from './run-process.js';

/**
 * The health-check lab of test/engine/lab/health-checks.test.ts and bench/health-failover: `run`
 * over the seed's manifests with test-service made Cluster-policy (one ECMP route over both node
 * addresses), a node:http stand-in for kube-proxy's healthz on each node address, and a real FRR,
 * peered over ADD-PATH or over two path slot sessions to an FRR told `disable-addpath-rx`.
 */

export const HEALTH_NODES = ['192.168.201.11', '192.168.201.12'] as const;
export const HEALTH_PREFIX = '192.168.197.1/32';
export const HEALTH_PORT = 10256;
const SLOTS = ['192.168.201.2', '192.168.201.3'];

export interface HealthLab {
  lab: Lab;
  frr: FrrRouter;
  /** One per HEALTH_NODES entry, started. */
  servers: HealthzServer[];
  run: RunProcess;
  /** The FIB's next hops of HEALTH_PREFIX. */
  hops(): Promise<string[] | undefined>;
  close(): Promise<void>;
}

export async function startHealthLab(
  router: MatrixRouter,
  opts: { slots: boolean; healthChecks: readonly string[] },
): Promise<HealthLab> {
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let dir: string | undefined;
  let run: RunProcess | undefined;
  const servers: HealthzServer[] = [];
  const close = () =>
    cleanUpAll([
      async () => run?.kill(),
      ...servers.map((s) => () => s.stop()),
      ...labSteps({ frr, lab, dir }),
    ]);
  try {
    lab = await createLab({
      speakerAddresses: [...(opts.slots ? [`${SLOTS[1]}/24`] : []), ...HEALTH_NODES.map((n) => `${n}/24`)],
    });
    frr = await startMatrixFrr(lab, router, {
      bgpLines: opts.slots
        ? [
            'no bgp ebgp-requires-policy',
            ...SLOTS.map((a) => `neighbor ${a} remote-as 64500`),
            ...SLOTS.map((a) => `neighbor ${a} timers connect 1`),
            'address-family ipv4 unicast',
            ' maximum-paths 8',
            ...SLOTS.map((a) => ` neighbor ${a} disable-addpath-rx`),
            'exit-address-family',
          ]
        : speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
    });
    for (const n of HEALTH_NODES) servers.push(new HealthzServer(lab.speakerNs, n, HEALTH_PORT));
    for (const s of servers) await s.start();

    dir = await mkdtemp(join(tmpdir(), 'crs-health-'));
    const manifests = join(dir, 'manifests');
    await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
    const services = join(manifests, 'services.yaml');
    const docs = (await readFile(services, 'utf8')).split('\n---\n');
    const i = docs.findIndex((d) => /^ {2}name: test-service$/m.test(d));
    docs[i] = docs[i]!.replace('externalTrafficPolicy: Local', 'externalTrafficPolicy: Cluster');
    await writeFile(services, docs.join('\n---\n'));
    const configFile = join(dir, 'crs.yaml');
    await writeFile(
      configFile,
      [
        'apiVersion: cluster-router-sync.io/v1alpha1',
        'kind: ClusterRouterSyncConfig',
        'router:',
        ...localRouterYaml(frr),
        '  dialect: frr',
        'peers:',
        '  - name: lab-router',
        '    peerAddress: 192.168.201.1',
        '    peerASN: 64501',
        '    myASN: 64500',
        opts.slots ? `    sourceAddresses: [${SLOTS.join(', ')}]` : `    sourceAddress: ${SLOTS[0]}`,
        '    connectTime: 1s',
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
        'verifyIntervalSec: 3600',
        // Manifests mode has health checks off unless the config turns them on.
        'healthChecks:',
        `  nodeHealthPort: ${HEALTH_PORT}`,
        ...opts.healthChecks.map((l) => `  ${l}`),
        '',
      ].join('\n'),
    );
    run = new RunProcess(lab.speakerNs, ['run', '--config', configFile, '--manifests', manifests]);
    const theLab = lab;
    return {
      lab,
      frr,
      servers,
      run,
      hops: async () => (await kernelTable(theLab))[HEALTH_PREFIX],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
