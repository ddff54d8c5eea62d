import { expect } from 'chai';
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, ownConfigYaml } from './run-cli.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

describe('run --once over the recorded real Quagga 1.2.4 router', function () {
  this.timeout(30_000);
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-run-quagga-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** The single-path recording and its cluster; `extraSummaryLine` corrupts the summary. */
  function runOnce(extraSummaryLine?: string): ReturnType<typeof cli> {
    const router = join(tmp, 'router');
    cpSync(join(fixtures, 'quagga-1.2.4', 'single-path'), router, { recursive: true });
    if (extraSummaryLine !== undefined)
      appendFileSync(join(router, 'show_ip_bgp_summary.txt'), extraSummaryLine);
    const manifests = join(tmp, 'manifests', 'cluster.yaml');
    cpSync(join(fixtures, 'check-clusters', 'quagga-1.2.4', 'manifests', 'cluster.yaml'), manifests);
    const config = join(tmp, 'crs.yaml');
    writeFileSync(
      config,
      [
        ownConfigYaml(['transport: recorded', `recordedDir: ${router}`, 'dialect: quagga']),
        // A peer on loopback where nothing listens: the session never comes up, the router is read.
        'peers:',
        '  - name: router',
        '    peerAddress: 127.0.0.1',
        '    peerPort: 1',
        '    peerASN: 64501',
        '    myASN: 64500',
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
        '',
      ].join('\n'),
    );
    return cli('run', '--once', '--config', config, '--manifests', join(tmp, 'manifests'));
  }

  it('exits 0: the router is read and matches the plan (one path per prefix, no ADD-PATH)', async () => {
    const r = await runOnce();
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^OK: sessions 1 \(ok 1,/m);
  });

  it('exits 2 (bad input), not 3 (unreachable), when a line of its answer cannot be read', async () => {
    const r = await runOnce('Total num. of mysteries 7\n');
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
  });
});
