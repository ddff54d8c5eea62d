/**
 * Code blocks the docs show as the program's output: a block right after
 * `<!-- generated: NAME -->` must equal what GENERATED_BLOCKS[NAME]() returns, computed by the
 * real code (test/docs/generated-blocks.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigFiles } from '../../../src/config/index.js';
import {
  createDriverOn,
  type RouterDriverLog,
  type RouterTransport,
} from '../../../src/router-drivers/index.js';
import { driverNeighborManager } from '../../../src/sync/engine/neighbor-manager.js';
import { repoRoot } from './built-app.js';

const quiet: RouterDriverLog = { debug: () => {}, info: () => {} };

class UnmodelledRouterCommandError extends Error {}

/**
 * A router holding a running config as text: `show running-config` returns it, a
 * `configure terminal` ... `end` batch of `neighbor` lines is appended to its `router bgp` block
 * and recorded. Only what the neighbor manager sends to a router like the seed's is modelled.
 */
function textRouter(runningConfig: string): { transport: RouterTransport; batches: string[][] } {
  let text = runningConfig;
  const batches: string[][] = [];
  const transport: RouterTransport = {
    description: 'docs text router',
    run: async (commands) => {
      if (commands[0] === 'configure terminal') {
        batches.push([...commands]);
        const [, routerLine, ...rest] = commands;
        const lines = rest.slice(0, -1);
        if (
          !routerLine?.startsWith('router bgp ') ||
          rest.at(-1) !== 'end' ||
          lines.some((l) => !l.startsWith('neighbor '))
        )
          throw new UnmodelledRouterCommandError(`not modelled: ${commands.join('; ')}`);
        const all = text.trimEnd().split('\n');
        const start = all.indexOf(routerLine);
        if (start < 0) throw new UnmodelledRouterCommandError(`no "${routerLine}" in the running config`);
        let end = start + 1;
        while (end < all.length && /^\s/.test(all[end] as string)) end += 1;
        all.splice(end, 0, ...lines.map((l) => ` ${l}`));
        text = `${all.join('\n')}\n`;
        return commands.map(() => '');
      }
      return commands.map((c) => {
        if (c !== 'show running-config') throw new UnmodelledRouterCommandError(`not modelled: ${c}`);
        return text;
      });
    },
    close: async () => {},
  };
  return { transport, batches };
}

/**
 * What `run` (with `manageNeighbors: true`) sends to the seed's router for
 * fixtures/config/router-access.yaml + the seed ConfigMap: the one vtysh run of the neighbor
 * manager, planned from the seed's running config and verified by reading it back.
 */
async function neighborsSeed(): Promise<string> {
  const { config } = await loadConfigFiles([
    join(repoRoot, 'fixtures/config/router-access.yaml'),
    join(repoRoot, 'fixtures/seed/metallb-config.yaml'),
  ]);
  const running = await readFile(join(repoRoot, 'fixtures/seed/router/show_running-config.txt'), 'utf8');
  const router = textRouter(running);
  const manager = driverNeighborManager(createDriverOn(router.transport, quiet, 'quagga'), config, quiet);
  for (const peer of config.peers) await manager.ensureNeighbor(peer);
  return router.batches.map((b) => b.join('\n')).join('\n');
}

export const GENERATED_BLOCKS: Readonly<Record<string, () => Promise<string>>> = {
  'neighbors-seed': neighborsSeed,
};
