import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanUpAll, labSteps } from '../../lab/cleanup.js';
import { localRouterYaml, speakerNeighborLines, type FrrRouter } from '../../lab/frr.js';
import { HealthzServer } from '../../lab/healthz-server.js';
import { createLab, type Lab } from '../../lab/netns.js';
import {
  clusterServiceManifests,
  slotRouterLines,
  slotRunConfigYaml,
  SLOTS,
} from '../../lab/path-slot-lab.js';
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
        ? slotRouterLines(SLOTS, { addPath: false, neighbor: ['timers connect 1'] })
        : speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
    });
    for (const n of HEALTH_NODES) servers.push(new HealthzServer(lab.speakerNs, n, HEALTH_PORT));
    for (const s of servers) await s.start();

    dir = await mkdtemp(join(tmpdir(), 'crs-health-'));
    const manifests = await clusterServiceManifests(dir);
    const configFile = join(dir, 'crs.yaml');
    await writeFile(
      configFile,
      slotRunConfigYaml(localRouterYaml(frr), opts.slots ? SLOTS : SLOTS.slice(0, 1), [
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
        'verifyIntervalSec: 3600',
        // Manifests mode has health checks off unless the config turns them on.
        'healthChecks:',
        `  nodeHealthPort: ${HEALTH_PORT}`,
        ...opts.healthChecks.map((l) => `  ${l}`),
      ]),
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
