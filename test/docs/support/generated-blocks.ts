/**
 * Code blocks the docs show as the program's output: a block right after
 * `<!-- generated: NAME -->` must equal what GENERATED_BLOCKS[NAME]() returns, computed by the
 * real code (test/docs/generated-blocks.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { loadConfigFiles } from '../../../src/config/index.js';
import { createDriverOn, type RouterTransport } from '../../../src/router-drivers/index.js';
import { driverNeighborManager } from '../../../src/app/engine/neighbor-manager.js';
import { silentLog } from '../../../src/util/log.js';
import { repoRoot } from './built-app.js';

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
 * docs/openwrt.md's speaker-host.yaml (speaker 192.168.200.2; its docs-test stand-in) + the seed
 * ConfigMap: the one vtysh run of the neighbor manager, planned from the seed's running config
 * and verified by reading it back.
 */
async function neighborsSeed(): Promise<string> {
  const { config } = await loadConfigFiles([
    join(repoRoot, 'test/docs/workspace/speaker-host.yaml'),
    join(repoRoot, 'fixtures/seed/metallb-config.yaml'),
  ]);
  const running = await readFile(join(repoRoot, 'fixtures/seed/router/show_running-config.txt'), 'utf8');
  const router = textRouter(running);
  const manager = driverNeighborManager(
    createDriverOn(router.transport, silentLog, 'quagga'),
    config,
    silentLog,
  );
  for (const peer of config.peers) await manager.ensureNeighbor(peer);
  return router.batches.map((b) => b.join('\n')).join('\n');
}

/**
 * `cluster-router-sync neighbors --config speaker-host.yaml --config metallb-config.yaml` as the
 * docs test's scratch directory runs it (test/docs/workspace/speaker-host.yaml: the seed router's
 * recorded running config), run in-process from the repository root, where the stand-in's
 * relative recordedDir resolves the same way.
 */
async function neighborsCliSeed(): Promise<string> {
  if (process.cwd() !== repoRoot) throw new Error(`run the docs test from ${repoRoot}`);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    [
      'node',
      'cluster-router-sync',
      'neighbors',
      '--config',
      'test/docs/workspace/speaker-host.yaml',
      '--config',
      'fixtures/seed/metallb-config.yaml',
    ],
    { out: (t) => void out.push(t), err: (t) => void err.push(t), isTty: false },
  );
  if (code !== 1) throw new Error(`neighbors exited ${code}, not 1 (changes pending): ${err.join('')}`);
  return out.join('');
}

export const GENERATED_BLOCKS: Readonly<Record<string, () => Promise<string>>> = {
  'neighbors-seed': neighborsSeed,
  'neighbors-cli-seed': neighborsCliSeed,
};
