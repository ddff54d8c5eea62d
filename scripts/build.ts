/**
 * `npm run build`: dist/ as a bundle of src/cli/entry.ts split per command. Unbundled, Node
 * resolves, reads, compiles and links every module file on its own: `check fixtures/seed` loaded
 * about 220 files (94 of them zod's), and that loading, not our code, was most of its start-up.
 * Bundled, a command loads its own chunk and the chunks it shares with others, a few dozen files;
 * each command's `import()` of its work (src/cli/main.ts, the commands' actions) becomes a chunk
 * boundary, so lazy loading holds in dist/ as it does in src/.
 *
 * Every output file sits directly in dist/cli/, two levels below the package root like the
 * modules in src/<dir>/ that find package.json and fixtures/seed from `import.meta.url`
 * (src/util/package-info.ts, src/config/embedded-default.ts).
 */
import { build, type Metafile } from 'esbuild';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Packages left in node_modules and loaded from there, by the commands that use them: native
 * code or files found at run time (ssh2's optional native crypto, koffi's native library, pino's
 * transports that run in worker threads by file name), or only used by `run` (prom-client). The
 * pure JavaScript ones are bundled, each into the chunks of the commands that import it. That
 * includes the Kubernetes client: `run` uses its KubeConfig only, and bundled, the rest of its
 * ~900 files (the generated API models) is mostly left out; importing it took 0.4 s and 61 MiB
 * instead of 1.4 s and 113 MiB as a whole process (node -e "import(...)", 3 runs each).
 */
const EXTERNAL = ['koffi', 'pino', 'prom-client', 'ssh2'];

/**
 * Bundled CommonJS packages (commander, yaml) call `require` for Node's built-in modules; an ES
 * module has none, so each output file makes its own.
 */
const REQUIRE_FOR_COMMONJS =
  "import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);";

/**
 * Writes the bundle to `distDir` (emptied first: chunk names change with their contents); returns
 * esbuild's account of which source files went into which output file.
 */
export async function bundle(distDir: string): Promise<Metafile> {
  await rm(distDir, { recursive: true, force: true });
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: ['src/cli/entry.ts'],
    outdir: join(distDir, 'cli'),
    chunkNames: '[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.11',
    external: EXTERNAL,
    banner: { js: REQUIRE_FOR_COMMONJS },
    // Our errors name themselves after their class (src/util/errors.ts: new.target.name); without
    // this, two classes of one name in different modules would get a renamed twin in the bundle.
    keepNames: true,
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
  });
  return metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundle(join(root, 'dist'));
}
