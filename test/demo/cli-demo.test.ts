import { expect } from 'chai';
import { cliChild } from '../support/cli-child.js';

describe('demo: `cluster-router-sync run --demo --once` as a child process', function () {
  this.timeout(60_000);

  it('prints the seed routes with their services in a vtysh-style report and exits 0', async () => {
    const { code, stdout, stderr } = await cliChild(['run', '--demo', '--once']);
    expect(code, stderr).to.equal(0);
    expect(stdout).to.match(
      /^B>\*\s+192\.168\.197\.0\/32\s+192\.168\.201\.11\s+192\.168\.201\.11\s+\S+\s+ok\s+default\/nginx$/m,
    );
    expect(stdout).to.match(
      /^B>\*\s+192\.168\.197\.1\/32\s+192\.168\.201\.12\s+192\.168\.201\.12\s+\S+\s+ok\s+default\/test-service$/m,
    );
    expect(stdout).to.match(
      /^B>\*\s+192\.168\.197\.254\/32\s+192\.168\.201\.12\s+192\.168\.201\.12\s+\S+\s+ok\s+default\/test-service-3$/m,
    );
    expect(stdout).to.match(/^OK: sessions 1 \(ok 1, down 0, missing 0, restarting 0\); routes 3 \(ok 3,/m);
    // Logs are JSON lines on stderr, never mixed into the report.
    const lines = stderr.trim().split('\n').filter(Boolean);
    expect(lines.length).to.be.greaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.to.throw();
  });

  it('exits 2 with a clear message for a manifests path that does not exist', async () => {
    const { code, stderr } = await cliChild([
      'run',
      '--demo',
      '--once',
      '--manifests',
      '/nonexistent/crs-demo',
    ]);
    expect(code).to.equal(2);
    expect(stderr).to.include('cannot read manifests at /nonexistent/crs-demo');
  });
});
