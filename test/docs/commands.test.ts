/**
 * Every shell block (```sh, ```bash, ```shell, ```console) of README.md and docs/*.md is run, one
 * command per line, in a scratch directory: a copy of fixtures/, deploy/ and docs/, the seed's
 * ConfigMap as metallb-config.yaml, a small cluster as manifests/ (fixtures/check/in-sync-quagga),
 * and the stand-ins in test/docs/workspace/ (router.yaml, crs.yaml: the router's answers come from
 * recorded vtysh outputs). `cluster-router-sync` is the CLI compiled once into an image-like
 * layout (support/built-app.ts). A command must exit 0, or the code its comment promises
 * (`# exit 1`). The only rewrites are in support/doc-commands.ts: `npx cluster-router-sync` ->
 * `cluster-router-sync`, `--once` added to `run`, and the README's `npm install` / `npm test`
 * not run (why: SETUP_COMMANDS). Blocks for another machine use another tag (OTHER_TAGS); an
 * unknown tag fails.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { builtApp, repoRoot } from './support/built-app.js';
import { prepareCommand, SETUP_COMMANDS } from './support/doc-commands.js';
import { GENERATED_BLOCKS } from './support/generated-blocks.js';
import {
  codeBlocks,
  isKnownTag,
  isShellBlock,
  shellCommands,
  type CodeBlock,
} from './support/markdown-blocks.js';
import { DOC_FILES } from './support/doc-files.js';

function blocksOf(file: string): CodeBlock[] {
  return codeBlocks(file, readFileSync(join(repoRoot, file), 'utf8'));
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function bash(script: string, cwd: string, path: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-o', 'pipefail', '-c', script],
      {
        cwd,
        env: { ...process.env, PATH: path, HOME: cwd, NO_COLOR: '1' },
        timeout: 90_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
        if (e && (typeof e.code !== 'number' || e.killed)) {
          reject(new Error(`${script}: did not finish (${e.message})\n${stderr}`));
          return;
        }
        resolve({ code: e ? (e.code as number) : 0, stdout, stderr });
      },
    );
  });
}

describe('docs: every shell block of README.md and docs/*.md runs', function () {
  this.timeout(300_000);
  let scratch: string;
  let path: string;

  before(async function () {
    const app = await builtApp();
    path = `${app.binDir}:${process.env.PATH ?? ''}`;
    scratch = await mkdtemp(join(tmpdir(), 'crs-docs-'));
    for (const dir of ['fixtures', 'deploy', 'docs'])
      await cp(join(repoRoot, dir), join(scratch, dir), { recursive: true });
    await cp(join(repoRoot, 'test/docs/workspace'), scratch, { recursive: true });
    await cp(join(repoRoot, 'fixtures/seed/metallb-config.yaml'), join(scratch, 'metallb-config.yaml'));
    await cp(join(repoRoot, 'fixtures/check/in-sync-quagga/manifests'), join(scratch, 'manifests'), {
      recursive: true,
    });
  });

  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the README starts with the two set-up commands', () => {
    const first = blocksOf('README.md')[0];
    expect(first?.tag).to.equal('sh');
    expect(first?.body).to.deep.equal(['npm install && npx cluster-router-sync run --demo', 'npm test']);
  });

  it('set-up commands appear only in the README set-up block', () => {
    const elsewhere = DOC_FILES.flatMap((file) =>
      blocksOf(file)
        .filter(isShellBlock)
        .filter((b, i) => !(file === 'README.md' && i === 0))
        .flatMap(shellCommands)
        .filter((c) => prepareCommand(c.text).dropped.length > 0)
        .map((c) => `${c.file}:${c.line}: ${c.text}`),
    );
    expect(elsewhere).to.deep.equal([]);
    expect([...SETUP_COMMANDS.keys()]).to.deep.equal(['npm install', 'npm test']);
  });

  for (const file of DOC_FILES) {
    describe(file, () => {
      const blocks = blocksOf(file);

      it('uses only known fence tags', () => {
        const unknown = blocks
          .filter((b) => !isKnownTag(b.tag))
          .map((b) => `${b.file}:${b.line}: \`\`\`${b.tag}`);
        expect(unknown, 'use a shell tag for commands of this machine, or one of OTHER_TAGS').to.deep.equal(
          [],
        );
      });

      it('names only generators that exist in its generated markers', () => {
        const names = blocks.flatMap((b) => (b.generated === undefined ? [] : [b.generated]));
        for (const name of names) expect(Object.keys(GENERATED_BLOCKS)).to.include(name);
      });

      for (const command of blocks.filter(isShellBlock).flatMap(shellCommands)) {
        const prepared = prepareCommand(command.text);
        if (prepared.script === undefined) continue;
        const script = prepared.script;
        it(`${file}:${command.line}: ${command.text}`, async () => {
          const result = await bash(script, scratch, path);
          expect(
            result.code,
            `${script}\nexit ${result.code}, promised ${command.expectedExit}\nstdout:\n${result.stdout.slice(-4000)}\nstderr:\n${result.stderr.slice(-4000)}`,
          ).to.equal(command.expectedExit);
        });
      }
    });
  }
});
