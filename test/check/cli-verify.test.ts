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
});
