import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';

const fixture = new URL('../../fixtures/check/wrong-nexthop-frr-json/', import.meta.url).pathname;

describe('cli verify (wired to runVerify)', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-cli-verify-'));
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  it('prints the report for the live sources and exits 1 on drift', async () => {
    const config = join(tmp, 'crs.yaml');
    writeFileSync(
      config,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: recorded\n  recordedDir: ${join(fixture, 'router')}\n`,
    );
    let stdout = '';
    let stderr = '';
    const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
    const args = [
      '--config',
      config,
      '--config',
      join(fixture, 'metallb-config.yaml'),
      '--manifests',
      join(fixture, 'manifests'),
    ];
    const code = await main(
      ['node', 'cluster-router-sync', 'verify', ...args, '--output', 'junit', '--log-level', 'silent'],
      io,
    );
    expect(stderr).to.equal('');
    expect(code).to.equal(1);
    expect(stdout).to.match(
      /<testcase classname="routes" name="192\.168\.197\.254\/32 \(default\/test-service-3\)" time="0">\n\s+<failure type="wrong-nexthop"/,
    );
  });

  it('a real Quagga 1.2.4 with one session (no ADD-PATH): exit 0, the report names the single-path reason', async () => {
    const quagga = new URL('../../fixtures/check/quagga-1.2.4-single-path/', import.meta.url).pathname;
    const config = join(tmp, 'quagga.yaml');
    writeFileSync(
      config,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: recorded\n  dialect: quagga\n  recordedDir: ${join(quagga, 'router')}\n`,
    );
    const run = async (output: string) => {
      let stdout = '';
      let stderr = '';
      const io: CliIo = { out: (t) => void (stdout += t), err: (t) => void (stderr += t) };
      const manifests = join(quagga, 'manifests');
      const code = await main(
        [
          ...['node', 'cluster-router-sync', 'verify', '--config', config],
          // The manifests directory holds the MetalLB ConfigMap too, as `check` reads it.
          ...['--manifests', manifests],
          ...['--output', output, '--log-level', 'silent'],
        ],
        io,
      );
      return { code, stdout, stderr };
    };
    const text = await run('text');
    expect(text.stderr).to.equal('');
    expect(text.code).to.equal(0);
    expect(text.stdout)
      .to.match(
        /192\.168\.197\.77\/32 .*\bok\s+default\/web-both\s+single path: the session has no ADD-PATH; 1 of 2 next hops \(192\.168\.201\.12 not carried\)\n/,
      )
      .and.contain(
        "router: 1 route(s) carry fewer next hops than planned, as the sessions allow (see each route's detail): 192.168.197.77/32",
      );
    const json = await run('json');
    expect(json.code).to.equal(0);
    const report = JSON.parse(json.stdout) as { routes: Array<{ prefix: string; notCarried?: string[] }> };
    expect(report.routes.find((r) => r.prefix === '192.168.197.77/32')?.notCarried).to.deep.equal([
      '192.168.201.12',
    ]);
  });
});
