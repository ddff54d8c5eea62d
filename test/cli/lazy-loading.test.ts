import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Module loader hooks (node:module register) that append every resolved URL to the file named
 * by their `data`: the whole module graph one CLI invocation loads, dynamic imports included.
 */
const RECORDING_HOOKS = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(file) { log = file; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}`;

/** Runs `cluster-router-sync <args>` from src in a child process; returns the modules it loaded. */
async function modulesLoadedBy(args: string[]): Promise<{ code: number; modules: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-imports-'));
  const log = join(dir, 'modules');
  const script = `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RECORDING_HOOKS)}`)}, { data: ${JSON.stringify(log)} });
const { main } = await import(${JSON.stringify(`${root}src/cli/main.ts`)});
process.exitCode = await main(['node', 'cluster-router-sync', ...${JSON.stringify(args)}], { out() {}, err() {} });`;
  try {
    const code = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: root, timeout: 60_000 },
        (err) => resolve(err === null ? 0 : typeof err.code === 'number' ? err.code : -1),
      );
    });
    return { code, modules: (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The code a command that does not talk to a cluster, a router or a BGP peer must not load. */
const HEAVY = {
  kubernetesClient: /\/node_modules\/@kubernetes\/client-node\//,
  ssh: /\/node_modules\/ssh2\//,
  bgpSpeaker: /\/src\/bgp\//,
  // The engine and its runner; neighbors' policy borrows only an error class from src/app/engine.
  syncEngine: /\/src\/app\/engine\/(engine|run-sync|runner|speaker-[a-z]+)\.ts$/,
  metrics: /\/node_modules\/prom-client\//,
};

function heavyIn(modules: string[], which: ReadonlyArray<keyof typeof HEAVY>): string[] {
  return which.filter((name) => modules.some((m) => HEAVY[name].test(m)));
}

describe('cli: each command loads only the code it uses', function () {
  this.timeout(90_000);

  it('version loads no more than the CLI frame: no Kubernetes client, SSH, BGP, engine or metrics', async () => {
    const { code, modules } = await modulesLoadedBy(['version']);
    expect(code).to.equal(0);
    expect(
      heavyIn(modules, ['kubernetesClient', 'ssh', 'bgpSpeaker', 'syncEngine', 'metrics']),
    ).to.deep.equal([]);
    // The command tree itself: commander and our own CLI modules, none of the others.
    expect(modules.filter((m) => m.includes('/src/cli/commands/'))).to.deep.equal([
      `file://${root}src/cli/commands/version.ts`,
    ]);
  });

  it('plan --manifests loads neither the Kubernetes client, SSH, BGP nor the sync engine', async () => {
    const { code, modules } = await modulesLoadedBy([
      'plan',
      '--config',
      'fixtures/seed/metallb-config.yaml',
      '--manifests',
      'fixtures/seed/manifests',
    ]);
    expect(code).to.equal(0);
    expect(
      heavyIn(modules, ['kubernetesClient', 'ssh', 'bgpSpeaker', 'syncEngine', 'metrics']),
    ).to.deep.equal([]);
  });

  it('check DIR loads neither the Kubernetes client, SSH, BGP nor the sync engine', async () => {
    const { code, modules } = await modulesLoadedBy(['check', 'fixtures/seed']);
    expect(code).to.equal(0);
    expect(
      heavyIn(modules, ['kubernetesClient', 'ssh', 'bgpSpeaker', 'syncEngine', 'metrics']),
    ).to.deep.equal([]);
  });

  it('--help lists every command without loading the Kubernetes client, BGP or the sync engine', async () => {
    const { code, modules } = await modulesLoadedBy(['--help']);
    expect(code).to.equal(0);
    expect(heavyIn(modules, ['kubernetesClient', 'bgpSpeaker', 'syncEngine', 'metrics'])).to.deep.equal([]);
  });
});
