import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireLab } from '../support/requirements.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function frrDemo(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'test/lab/frr-demo-main.ts', ...args],
      { cwd: root, timeout: 80_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('lab: `npm run demo:frr -- --once` against a real FRR in network namespaces @lab', function () {
  this.timeout(90_000);

  it('prints the seed routes as FRR installed them (B>*, FIB) and leaves no namespace behind', async function () {
    requireLab(this, { root: true, commands: ['ip', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] });
    const { code, stdout, stderr } = await frrDemo(['--once']);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(/^192\.168\.201\.2\s+64500\s+\S+\s+3\s+peer-192\.168\.200\.1\s+ok/m);
    expect(stdout).to.match(
      /^B>\*\s+192\.168\.197\.0\/32\s+192\.168\.201\.11\s+192\.168\.201\.11\s+\S+\s+ok\s+default\/nginx$/m,
    );
    expect(stdout).to.match(
      /^B>\*\s+192\.168\.197\.254\/32\s+192\.168\.201\.12\s+192\.168\.201\.12\s+\S+\s+ok\s+default\/test-service-3$/m,
    );
    const namespaces = await new Promise<string>((resolve) =>
      execFile('ip', ['netns', 'list'], (_err, out) => resolve(out)),
    );
    const demoNs = /crs-demo-[rs]-([0-9a-f]{6})/.exec(stderr)?.[1];
    expect(demoNs, 'the demo logs its namespaces').to.be.a('string');
    expect(namespaces).not.to.include(demoNs!);
  });

  it('exits 2 naming the unknown option', async () => {
    const { code, stderr } = await frrDemo(['--router', 'frr']);
    expect(code).to.equal(2);
    expect(stderr).to.include("Unknown option '--router'");
  });
});
