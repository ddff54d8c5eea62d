/**
 * The CLI built once per test process into a temp directory laid out like the container image
 * (deploy/Dockerfile: /app with package.json, bin/, dist/, fixtures/seed/, node_modules/), so the
 * docs test runs the real entry point at compiled speed and the deploy test can run that layout
 * as the image's user.
 */
import { rmSync } from 'node:fs';
import { chmod, cp, mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { bundle } from '../../../scripts/build.js';

export const repoRoot = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');

export interface BuiltApp {
  /** The image's /app. */
  appDir: string;
  /** What the image's ENTRYPOINT runs: bin/cluster-router-sync.js. */
  entry: string;
  /** A directory with a `cluster-router-sync` command on it, for PATH. */
  binDir: string;
  /** Which source files esbuild put into which file of dist/. */
  metafile: Metafile;
}

let building: Promise<BuiltApp> | undefined;

export function builtApp(): Promise<BuiltApp> {
  building ??= build();
  return building;
}

async function build(): Promise<BuiltApp> {
  const root = await mkdtemp(join(tmpdir(), 'crs-docs-app-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  // Readable by the image's unprivileged user (the deploy test runs the entry point as it).
  await chmod(root, 0o755);
  const appDir = join(root, 'app');
  await mkdir(appDir);
  // What `npm run build` writes (scripts/build.ts), as the image's build stage runs it.
  const metafile = await bundle(join(appDir, 'dist'));
  await cp(join(repoRoot, 'package.json'), join(appDir, 'package.json'));
  await cp(join(repoRoot, 'bin'), join(appDir, 'bin'), { recursive: true });
  await cp(join(repoRoot, 'fixtures', 'seed'), join(appDir, 'fixtures', 'seed'), { recursive: true });
  await symlink(join(repoRoot, 'node_modules'), join(appDir, 'node_modules'));
  const entry = join(appDir, 'bin', 'cluster-router-sync.js');
  const binDir = join(root, 'path');
  await mkdir(binDir);
  const shim = join(binDir, 'cluster-router-sync');
  await writeFile(shim, `#!/bin/sh\nexec '${process.execPath}' '${entry}' "$@"\n`);
  await chmod(shim, 0o755);
  return { appDir, entry, binDir, metafile };
}
