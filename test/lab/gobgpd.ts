import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait-for.js';
import type { Lab } from './netns.js';

export interface Gobgpd {
  /** `gobgp global rib add -a ipv4 <args>`, retried until gobgpd's API takes it. */
  addRoute(args: string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * gobgpd in the lab's speaker namespace standing in for the seed's speakers: AS 64500 at
 * 192.168.201.2, peering with the router at .1 (AS 64501). With `addPathSendMax` it sends up to
 * that many paths per prefix (ADD-PATH), one per node.
 */
export async function startGobgpd(lab: Lab, opts: { addPathSendMax?: number } = {}): Promise<Gobgpd> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-gobgp-'));
  const config = join(dir, 'gobgpd.toml');
  await writeFile(
    config,
    [
      '[global.config]',
      '  as = 64500',
      `  router-id = "${lab.speakerAddress}"`,
      '  port = -1',
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${lab.routerAddress}"`,
      '    peer-as = 64501',
      '  [neighbors.transport.config]',
      `    local-address = "${lab.speakerAddress}"`,
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv4-unicast"',
      ...(opts.addPathSendMax === undefined
        ? []
        : ['    [neighbors.afi-safis.add-paths.config]', `      send-max = ${opts.addPathSendMax}`]),
      '',
    ].join('\n'),
  );
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      lab.speakerNs,
      'gobgpd',
      '-f',
      config,
      '--api-hosts',
      '127.0.0.1:50051',
      '--pprof-disable',
    ],
    { stdio: 'ignore' },
  );
  return {
    addRoute: async (args) => {
      await waitFor(
        'gobgp to take a route',
        async () =>
          (await lab.exec(lab.speakerNs, 'gobgp', ['global', 'rib', 'add', '-a', 'ipv4', ...args])) && true,
      );
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
