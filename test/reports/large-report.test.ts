import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseRouteText } from '../../src/router-drivers/parse-route-text.js';
import type { RouteEntry } from '../../src/router-drivers/records.js';
import { cli, type CliResult } from '../cli/run-cli.js';
import { renderFrrRouteText } from '../router-drivers/frr-text-render.js';

/** Past V8's argument limit (about 120,000): a spread of every row into one call throws there. */
const EXTRA_ROUTES = 300_000;
const ROUTES_FILE = ['router', 'show_ip_route_bgp.txt'];
/** A route row of the text report with the `unexpected` verdict. */
const UNEXPECTED_ROW = /^B>\*\s+10\.\S+\s+-\s+192\.168\.201\.11\s+\S+\s+unexpected\s/;

/**
 * A copy of the in-sync FRR text fixture whose router also carries EXTRA_ROUTES BGP routes via
 * one of our session neighbors (192.168.201.11), none of them planned: every one is an
 * `unexpected` row. The extra routes are the fixture's first captured route with another prefix,
 * rendered in zebra's format by the same renderer the parser's round-trip tests use.
 */
async function bigCheckDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-large-report-'));
  await cp('fixtures/check/in-sync-frr-text', dir, { recursive: true });
  const file = join(dir, ...ROUTES_FILE);
  const captured = parseRouteText(await readFile(file, 'utf8'));
  const model = captured[0] as RouteEntry;
  const extra = Array.from({ length: EXTRA_ROUTES }, (_, i): RouteEntry => ({
    ...model,
    prefix: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
  }));
  await writeFile(file, renderFrrRouteText([...captured, ...extra]));
  return dir;
}

describe('reports of any size (check over a directory, in-process CLI)', function () {
  // Parsing, planning and verifying 300,000 routes for each format takes a while on a shared box.
  this.timeout(300_000);
  let dir: string;
  /** The text report's run; its output is also the golden file of the --expect test. */
  let text: CliResult;
  const total = EXTRA_ROUTES + 4;

  before(async () => {
    dir = await bigCheckDir();
    text = await cli('check', dir);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('text: every row rendered, drift exit 1, nothing on stderr', async () => {
    const r = text;
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(1);
    expect(r.stdout.split('\n').filter((l) => UNEXPECTED_ROW.test(l))).to.have.length(EXTRA_ROUTES);
    expect(r.stdout).to.contain(`routes ${total} (ok 4, `).and.contain(`unexpected ${EXTRA_ROUTES},`);
  });

  it('markdown: every row rendered, drift exit 1, nothing on stderr', async () => {
    const r = await cli('check', dir, '--output', 'markdown');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`<details><summary>All ${total} routes</summary>`);
    // Each unexpected route is listed twice: under "Routes with drift" and in the full table.
    expect(r.stdout.split('\n').filter((l) => l.includes('| **unexpected** |'))).to.have.length(
      2 * EXTRA_ROUTES,
    );
  });

  it('json: every row rendered, drift exit 1, nothing on stderr', async () => {
    const r = await cli('check', dir, '--output', 'json');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(1);
    const report = JSON.parse(r.stdout) as { routes: unknown[]; summary: { routes: { unexpected: number } } };
    expect(report.routes).to.have.length(total);
    expect(report.summary.routes.unexpected).to.equal(EXTRA_ROUTES);
  });

  it('junit: every row rendered, drift exit 1, nothing on stderr', async () => {
    const r = await cli('check', dir, '--output', 'junit');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`<testsuite name="routes" tests="${total}" failures="${EXTRA_ROUTES}"`);
    expect(r.stdout.split('\n').filter((l) => l.includes('<failure type="unexpected"'))).to.have.length(
      EXTRA_ROUTES,
    );
  });

  it('--expect: equal to its own golden file exits 0; against the small fixture the diff is printed and exits 1', async () => {
    const golden = join(dir, 'expected-report.txt');
    await writeFile(golden, text.stdout);
    const same = await cli('check', dir, '--expect', golden);
    expect(same.stderr).to.equal('');
    expect(same.code).to.equal(0);

    const small = join(dir, 'small-report.txt');
    await writeFile(small, (await cli('check', 'fixtures/check/in-sync-frr-text')).stdout);
    const differs = await cli('check', dir, '--expect', small);
    expect(differs.code).to.equal(1);
    expect(
      differs.stderr.split('\n').filter((l) => UNEXPECTED_ROW.test(l.slice(1)) && l.startsWith('+')),
    ).to.have.length(EXTRA_ROUTES);
  });
});
