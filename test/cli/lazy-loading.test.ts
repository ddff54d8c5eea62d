import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { builtApp } from '../docs/support/built-app.js';

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

/**
 * Runs `node <nodeArgs> <cliArgs>` from the repository root with the recording hooks registered
 * first (--import); returns its exit code and the URLs of the modules it loaded.
 */
async function modulesLoadedBy(
  nodeArgs: string[],
  cliArgs: string[],
): Promise<{ code: number; modules: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-imports-'));
  const log = join(dir, 'modules');
  const register = join(dir, 'register.mjs');
  try {
    await writeFile(
      register,
      `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RECORDING_HOOKS)}`)}, { data: ${JSON.stringify(log)} });`,
    );
    await writeFile(log, '');
    const code = await new Promise<number>((done) => {
      execFile(
        process.execPath,
        ['--import', register, ...nodeArgs, ...cliArgs],
        { cwd: root, timeout: 60_000 },
        (err) => done(err === null ? 0 : typeof err.code === 'number' ? err.code : -1),
      );
    });
    return { code, modules: (await readFile(log, 'utf8')).split('\n').filter((l) => l !== '') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The CLI as the sources run it (tsx): each loaded URL is one source file. */
function fromSources(cliArgs: string[]): Promise<{ code: number; modules: string[] }> {
  return modulesLoadedBy(['--import', 'tsx', join(root, 'src/cli/entry.ts')], cliArgs);
}

/**
 * The CLI as users run it: bin/cluster-router-sync.js on the bundled dist/ (npm run build). A
 * loaded chunk stands for every source file esbuild put into it, so the same checks apply.
 */
async function fromBundle(cliArgs: string[]): Promise<{ code: number; modules: string[] }> {
  const app = await builtApp();
  const { code, modules } = await modulesLoadedBy([app.entry], cliArgs);
  const sourcesOf = new Map(
    Object.entries(app.metafile.outputs).map(([file, output]) => [
      pathToFileURL(resolvePath(root, file)).href,
      Object.keys(output.inputs).map((input) => pathToFileURL(resolvePath(root, input)).href),
    ]),
  );
  return { code, modules: modules.flatMap((m) => sourcesOf.get(m) ?? [m]) };
}

/** The code a command that does not talk to a cluster, a router or a BGP peer must not load. */
const HEAVY = {
  kubernetesClient: /\/node_modules\/@kubernetes\/client-node\//,
  ssh: /\/node_modules\/ssh2\//,
  bgpSpeaker: /\/src\/bgp\//,
  // The engine and its runner; neighbors' policy borrows only an error class from src/app/engine.
  syncEngine: /\/src\/app\/engine\/(engine|run-sync|runner|speaker-[a-z]+)\.ts$/,
  metrics: /\/node_modules\/prom-client\//,
  logger: /\/node_modules\/pino\//,
  // What reads a config or manifests: `version` and `--help` read neither.
  configParsing: /\/node_modules\/(zod|yaml|js-yaml)\//, // What talks to a router (transports, drivers, host keys, the neighbor plan and its apply):
  // reading a recording needs only the parsers.
  routerAccess: /\/src\/router-drivers\/(transport-(ssh|local)|driver|host-keys|neighbor-(plan|apply))\.ts$/,
};

function heavyIn(modules: string[], which: ReadonlyArray<keyof typeof HEAVY>): string[] {
  return which.filter((name) => modules.some((m) => HEAVY[name].test(m)));
}

const NO_PEER = ['kubernetesClient', 'ssh', 'bgpSpeaker', 'syncEngine', 'metrics'] as const;

for (const [how, loaded] of [
  ['from the sources', fromSources],
  ['from the bundle in dist/', fromBundle],
] as const) {
  describe(`cli ${how}: each command loads only the code it uses`, function () {
    this.timeout(90_000);

    it('version loads no more than the CLI frame: no Kubernetes client, SSH, BGP, engine, metrics or parsers', async () => {
      const { code, modules } = await loaded(['version']);
      expect(code).to.equal(0);
      expect(heavyIn(modules, [...NO_PEER, 'logger', 'configParsing'])).to.deep.equal([]);
      // The command tree itself: commander and our own CLI modules, none of the others.
      expect(modules.filter((m) => m.includes('/src/cli/commands/'))).to.deep.equal([
        pathToFileURL(join(root, 'src/cli/commands/version.ts')).href,
      ]);
    });

    it('--help lists every command without loading their work: no Kubernetes client, SSH, BGP, engine, logger or parsers', async () => {
      const { code, modules } = await loaded(['--help']);
      expect(code).to.equal(0);
      expect(heavyIn(modules, [...NO_PEER, 'logger', 'configParsing'])).to.deep.equal([]);
    });

    it('plan --manifests loads neither the Kubernetes client, SSH, BGP nor the sync engine', async () => {
      const { code, modules } = await loaded([
        'plan',
        '--config',
        'fixtures/seed/metallb-config.yaml',
        '--manifests',
        'fixtures/seed/manifests',
      ]);
      expect(code).to.equal(0);
      expect(heavyIn(modules, NO_PEER)).to.deep.equal([]);
    });

    it('check DIR loads neither the Kubernetes client, SSH, BGP, the sync engine nor the router transports and drivers', async () => {
      const { code, modules } = await loaded(['check', 'fixtures/seed']);
      expect(code).to.equal(0);
      expect(heavyIn(modules, [...NO_PEER, 'routerAccess'])).to.deep.equal([]);
    });
  });
}

describe('cli bundle in dist/', function () {
  this.timeout(90_000);

  it('holds only the parts of zod the schemas use: no locale but the English one zod sets itself', async () => {
    // `import { z } from 'zod'` anywhere makes the whole namespace a value, and the bundle then
    // carries all of zod with its 40-odd locales (about 0.6 MB more for every command reading a
    // config); `import * as z from 'zod'` lets the bundler keep what is used.
    const { metafile } = await builtApp();
    const inputs = Object.values(metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    expect(inputs.filter((i) => i.includes('/zod/v4/locales/'))).to.deep.equal([
      'node_modules/zod/v4/locales/en.js',
    ]);
  });
});
