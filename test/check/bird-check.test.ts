import { expect } from 'chai';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/app/check/run-check.js';

const check = new URL('../../fixtures/check/', import.meta.url).pathname;
const SCENARIOS = {
  'in-sync': 0,
  'route-missing': 1,
  'wrong-nexthop': 1,
  'unexpected-route': 1,
  'ecmp-incomplete': 1,
  'not-in-fib': 1,
  'session-down': 1,
} as const;

interface Report {
  sessions: Array<{ neighbor: string; verdict: string }>;
  routes: Array<{ prefix: string; verdict: string; detail?: string }>;
}

/** What a report says, without the ages, codes and counters that differ between daemons. */
async function verdicts(
  dir: string,
): Promise<{ exitCode: number; sessions: string[][]; routes: string[][] }> {
  const r = await runCheck(dir, { format: 'json' });
  expect(r.error).to.equal(undefined);
  const report = JSON.parse(r.output) as Report;
  return {
    exitCode: r.exitCode,
    sessions: report.sessions.map((s) => [s.neighbor, s.verdict]),
    routes: report.routes.map((x) => [x.prefix, x.verdict, x.detail ?? '']),
  };
}

for (const version of ['2.0.12', '2.17'])
  describe(`check replays the drifts recorded from a real BIRD ${version} (fixtures/check/*-bird-${version})`, () => {
    for (const [scenario, exitCode] of Object.entries(SCENARIOS))
      it(`${scenario}: the same verdicts as FRR 8.4.4 recorded in the same scenario, exit ${exitCode}`, async () => {
        const bird = await verdicts(join(check, `${scenario}-bird-${version}`));
        expect(bird).to.deep.equal(await verdicts(join(check, `${scenario}-frr-json`)));
        expect(bird.exitCode).to.equal(exitCode);
      });
  });

describe('check on a broken BIRD recording', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-bird-check-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('names the file and quotes the line it cannot read (exit 2)', async () => {
    const dir = join(tmp, 'in-sync');
    cpSync(join(check, 'in-sync-bird-2.0.12'), dir, { recursive: true, dereference: true });
    const file = join(dir, 'router', 'show_route_all.txt');
    writeFileSync(file, '0001 BIRD 2.0.12 ready.\n1007-Table master4:\n     192.168.197.0/32 ???\n');
    const r = await runCheck(dir, { format: 'text' });
    expect(r.exitCode).to.equal(2);
    expect(r.error).to.contain(file);
    expect(r.error).to.contain('line 3');
    expect(r.error).to.contain('192.168.197.0/32 ???');
  });

  it('names the missing kernel export file', async () => {
    const dir = join(tmp, 'in-sync');
    cpSync(join(check, 'in-sync-bird-2.17'), dir, { recursive: true, dereference: true });
    rmSync(join(dir, 'router', 'show_route_export_kernel4.txt'));
    const r = await runCheck(dir, { format: 'text' });
    expect(r.exitCode).to.equal(2);
    expect(r.error).to.contain('show_route_export_kernel4.txt');
  });
});
