/**
 * The container image deploy/build-image.sh builds from deploy/Dockerfile (bases made from Debian
 * trixie's packages, no registry), run with podman as the Deployment runs it: as its own
 * unprivileged user, read-only root filesystem, every capability dropped, no network but
 * loopback. `run --demo --once` must exit 0; the image must hold no compiler and none of the
 * package's dev dependencies. The image is built by .ci/run before the suite (minutes, so not
 * here); outside CI a missing image or podman skips with the command to run.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { requireLab } from '../support/requirements.js';

const run = promisify(execFile);
const repoRoot = new URL('../../', import.meta.url).pathname;
/** deploy/build-image.sh's default name. */
const IMAGE = process.env.CRS_IMAGE ?? 'localhost/cluster-router-sync:dev';
/** As deploy/build-image.sh runs podman (why: deploy/podman/containers.conf). */
const RUNC = '/usr/sbin/runc';
const env = { ...process.env, CONTAINERS_CONF: join(repoRoot, 'deploy/podman/containers.conf') };

async function podman(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('podman', ['--runtime', RUNC, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
}

async function imageExists(): Promise<boolean> {
  return podman(['image', 'exists', IMAGE]).then(
    () => true,
    () => false,
  );
}

/** `podman run` with the Deployment's restrictions (deploy/deployment.yaml securityContext). */
function restricted(extra: string[]): string[] {
  return [
    'run',
    '--rm',
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...extra,
  ];
}

describe('deploy: the container image @lab', function () {
  this.timeout(120_000);

  before(async function () {
    requireLab(this, { root: true, commands: ['podman', RUNC] });
    const missing = (await imageExists())
      ? []
      : [`the image ${IMAGE} (run: bash deploy/build-image.sh, or bash .ci/run)`];
    requireLab(this, { unmet: missing });
    const { stdout } = await podman(['image', 'inspect', '--format', '{{.Size}}', IMAGE]);
    process.stderr.write(`    ${IMAGE}: ${Math.round(Number(stdout) / 1e6)} MB\n`);
  });

  it('runs `run --demo --once` as its unprivileged user on a read-only root, exit 0 and an OK report', async () => {
    const { stdout: user } = await podman(['image', 'inspect', '--format', '{{.Config.User}}', IMAGE]);
    expect(user.trim()).to.equal('65532:65532');
    const { stdout } = await podman(restricted([IMAGE, 'run', '--demo', '--once']));
    expect(stdout).to.match(/^OK: sessions 1 \(ok 1/m);
  });

  it('holds no compiler and none of the dev dependencies', async () => {
    // Dev-only packages as npm resolved them (package-lock.json marks them `dev`): a devDependency
    // that a production dependency also needs (@types/node for @kubernetes/client-node) is not one.
    const lock = JSON.parse(await readFile(join(repoRoot, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const dev = Object.entries(lock.packages)
      .filter(([path, p]) => p.dev === true && /^node_modules\/(@[^/]+\/)?[^/@]+$/.test(path))
      .map(([path]) => path.slice('node_modules/'.length));
    expect(dev).to.include.members(['typescript', 'mocha', 'eslint', 'tsx']);
    // Prints what it finds: a compiler on PATH, a dev dependency's directory, and (as a check that
    // the look works) one production dependency.
    const script = [
      'for t in gcc cc c++ g++ clang make; do command -v "$t" || true; done',
      `for d in ${[...dev, 'pino'].join(' ')}; do [ -e "/app/node_modules/$d" ] && echo "/app/node_modules/$d"; done; true`,
    ].join('\n');
    const { stdout } = await podman(restricted(['--entrypoint', '/bin/sh', IMAGE, '-c', script]));
    expect(stdout.trim().split('\n')).to.deep.equal(['/app/node_modules/pino']);
  });
});
