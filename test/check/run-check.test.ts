import { expect } from 'chai';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/app/check/run-check.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const seed = join(fixtures, 'seed');

/** The report line for a prefix or neighbor: the first line of its row. */
function rowOf(report: string, key: string): string {
  const line = report.split('\n').find((l) => l.split(/\s+/).includes(key));
  if (line === undefined) throw new Error(`no line for ${key} in:\n${report}`);
  return line;
}

describe('runCheck', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-check-'));
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A writable copy of the seed, to break one thing in. */
  function seedCopy(): string {
    const dir = join(tmp, 'seed');
    cpSync(seed, dir, { recursive: true });
    return dir;
  }

  it('passes the seed and lists its three prefixes with their services', async () => {
    const r = await runCheck(seed, { format: 'text' });
    expect(r.error).to.equal(undefined);
    expect(r.exitCode).to.equal(0);
    expect(rowOf(r.output, '192.168.197.0/32')).to.match(
      /^B>\*\s.*192\.168\.201\.11\s+192\.168\.201\.11\s.*\bok\s+default\/nginx$/,
    );
    expect(rowOf(r.output, '192.168.197.1/32')).to.match(
      /192\.168\.201\.12\s+192\.168\.201\.12\s.*\bok\s+default\/test-service$/,
    );
    expect(rowOf(r.output, '192.168.197.254/32')).to.match(
      /192\.168\.201\.12\s.*\bok\s+default\/test-service-3$/,
    );
    expect(r.output).to.contain('OK: sessions 2 (ok 2, down 0, missing 0, restarting 0); routes 3 (ok 3,');
  });

  it('matches the golden text report of the seed', async () => {
    const r = await runCheck(seed, { format: 'text' });
    expect(r.output).to.equal(readFileSync(join(seed, 'expected-report.txt'), 'utf8'));
    const again = await runCheck(seed, { format: 'text', expectFile: join(seed, 'expected-report.txt') });
    expect(again).to.deep.equal({ exitCode: 0, output: r.output });
  });

  it('fails --expect with a diff when the report differs from the golden file', async () => {
    const golden = join(tmp, 'expected.txt');
    writeFileSync(
      golden,
      readFileSync(join(seed, 'expected-report.txt'), 'utf8').replace('default/nginx', 'default/apache'),
    );
    const r = await runCheck(seed, { format: 'text', expectFile: golden });
    expect(r.exitCode).to.equal(1);
    expect(r.error).to.contain(`--- ${golden}`);
    expect(r.error).to.match(/^-B>\*.*default\/apache$/m);
    expect(r.error).to.match(/^\+B>\*.*default\/nginx$/m);
  });

  it('compares against a JSON golden file as JSON, and accepts an equal one for a drifting state', async () => {
    const dir = join(fixtures, 'check', 'route-missing-frr-json');
    const golden = join(tmp, 'expected.json');
    writeFileSync(golden, (await runCheck(dir, { format: 'json' })).output);
    const r = await runCheck(dir, { format: 'text', expectFile: golden });
    expect(r.exitCode).to.equal(0);
    expect(r.output).to.contain('DRIFT');
    writeFileSync(golden, readFileSync(golden, 'utf8').replace('"missing": 1', '"missing": 0'));
    const bad = await runCheck(dir, { format: 'json', expectFile: golden });
    expect(bad.exitCode).to.equal(1);
    expect(bad.error).to.match(/^-\s+"missing": 0,$/m);
  });

  const drift: Array<[string, string, string]> = [
    ['route-missing', '192.168.197.1/32', 'missing'],
    ['wrong-nexthop', '192.168.197.254/32', 'wrong-nexthop'],
    ['unexpected-route', '192.168.197.7/32', 'unexpected'],
    ['session-down', '192.168.201.12', 'down'],
    ['ecmp-incomplete', '192.168.197.2/32', 'ecmp-incomplete'],
    ['not-in-fib', '192.168.197.1/32', 'not-in-fib'],
  ];
  for (const form of ['quagga', 'frr-text', 'frr-json']) {
    for (const [scenario, key, verdict] of drift) {
      it(`${scenario}-${form}: exits 1 and says ${verdict} on the ${key} line`, async () => {
        const r = await runCheck(join(fixtures, 'check', `${scenario}-${form}`), { format: 'text' });
        expect(r.error).to.equal(undefined);
        expect(r.exitCode).to.equal(1);
        expect(rowOf(r.output, key).split(/\s+/)).to.include(verdict);
        expect(r.output).to.match(/^DRIFT: /m);
      });
    }
    it(`in-sync-${form}: exits 0 with the ECMP route ok via both nodes`, async () => {
      const r = await runCheck(join(fixtures, 'check', `in-sync-${form}`), { format: 'json' });
      expect(r.exitCode).to.equal(0);
      const report = JSON.parse(r.output) as {
        routes: Array<{ prefix: string; actualNextHops: string[]; verdict: string }>;
      };
      expect(report.routes.find((x) => x.prefix === '192.168.197.2/32')).to.deep.include({
        actualNextHops: ['192.168.201.11', '192.168.201.12'],
        verdict: 'ok',
      });
    });
  }

  it('the session-down fixtures also report the routes via the lost node as missing', async () => {
    const r = await runCheck(join(fixtures, 'check', 'session-down-quagga'), { format: 'text' });
    expect(rowOf(r.output, '192.168.197.254/32').split(/\s+/)).to.include('missing');
    expect(rowOf(r.output, '192.168.197.0/32').split(/\s+/)).to.include('ok');
  });

  describe('real Quagga 1.2.4 recordings (fixtures/quagga-1.2.4, no ADD-PATH)', () => {
    const quagga = (scenario: string): string => join(fixtures, 'check', `quagga-1.2.4-${scenario}`);

    it('single-path: exits 0; the two-node service over one session without ADD-PATH is ok', async () => {
      const r = await runCheck(quagga('single-path'), { format: 'text' });
      expect(r.error).to.equal(undefined);
      expect(r.exitCode).to.equal(0);
      expect(rowOf(r.output, '192.168.197.77/32')).to.match(
        /\bok\s+default\/web-both\s+single path: the session has no ADD-PATH; 1 of 2 next hops \(192\.168\.201\.12 not carried\)$/,
      );
      expect(rowOf(r.output, '192.168.197.0/32').split(/\s+/)).to.include('ok');
    });

    it('single-path without the neighbor details: the capability is unknown, so ecmp-incomplete', async () => {
      const dir = join(tmp, 'no-neighbors');
      cpSync(quagga('single-path'), dir, { recursive: true, dereference: true });
      rmSync(join(dir, 'router', 'show_ip_bgp_neighbors.txt'));
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(1);
      expect(rowOf(r.output, '192.168.197.77/32').split(/\s+/)).to.include('ecmp-incomplete');
    });

    it('route-missing-filtered-in: the route filtered inbound is missing; ECMP over two sessions is ok', async () => {
      const r = await runCheck(quagga('route-missing-filtered-in'), { format: 'text' });
      expect(r.exitCode).to.equal(1);
      expect(rowOf(r.output, '192.168.197.0/32').split(/\s+/)).to.include('missing');
      expect(rowOf(r.output, '192.168.197.77/32')).to.match(/\bok\s+default\/web-both$/);
    });

    it('session-admin-shutdown: the shut session is down, its route missing', async () => {
      const r = await runCheck(quagga('session-admin-shutdown'), { format: 'text' });
      expect(r.exitCode).to.equal(1);
      expect(rowOf(r.output, '192.168.201.12')).to.match(/\bdown\s+session is Idle \(Admin\)$/);
      expect(rowOf(r.output, '192.168.197.0/32').split(/\s+/)).to.include('missing');
    });

    it('graceful-restart-stale: the session is down (drift) while the stale routes still forward', async () => {
      const r = await runCheck(quagga('graceful-restart-stale'), { format: 'text' });
      expect(r.exitCode).to.equal(1);
      expect(rowOf(r.output, '192.168.201.11')).to.match(/\bdown\s+session is Active \(NSF passive\)$/);
      expect(rowOf(r.output, '192.168.197.0/32').split(/\s+/)).to.include('ok');
      expect(rowOf(r.output, '192.168.197.77/32').split(/\s+/)).to.include('ok');
    });
  });

  it('passes config warnings on as notes, without failing the check', async () => {
    const dir = seedCopy();
    const file = join(dir, 'metallb-config.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('my-asn: 64500', 'my-asn: 64500\n      foo-bar: 1'),
    );
    const r = await runCheck(dir, { format: 'text' });
    expect(r.exitCode).to.equal(0);
    expect(r.output).to.contain(`Notes:\n  config: ${file}:12: peers[0].foo-bar: unknown field, ignored`);
  });

  describe('bad input (exit 2, naming the file)', () => {
    it('a route line the parser cannot read names the file and the line', async () => {
      const dir = seedCopy();
      const file = join(dir, 'router', 'show_ip_route_bgp.txt');
      writeFileSync(
        file,
        `${readFileSync(file, 'utf8')}B>* 192.168.197.999/32 [20/0] via 192.168.201.12, br-LAN201, 00:00:12\n`,
      );
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.output).to.equal('');
      expect(r.error).to.contain(file).and.contain('line 7');
    });

    it('names the command of the recorded file: show ip bgp summary, as Quagga was asked', async () => {
      const dir = join(tmp, 'quagga');
      cpSync(join(fixtures, 'check', 'quagga-1.2.4-single-path'), dir, {
        recursive: true,
        dereference: true,
      });
      // `show bgp summary` is preferred when both are recorded; keep only the other.
      rmSync(join(dir, 'router', 'show_bgp_summary.txt'));
      const file = join(dir, 'router', 'show_ip_bgp_summary.txt');
      writeFileSync(file, `${readFileSync(file, 'utf8')}Total num. of mysteries 7\n`);
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.equal(
        `${file}: show ip bgp summary: line 12: neighbor row has too few columns: "Total num. of mysteries 7"`,
      );
    });

    it('broken JSON names the file', async () => {
      const dir = join(tmp, 'json');
      cpSync(join(fixtures, 'check', 'in-sync-frr-json'), dir, { recursive: true });
      const file = join(dir, 'router', 'show_bgp_summary_json.txt');
      writeFileSync(file, '{"ipv4Unicast": {"routerId": 5');
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain(file).and.contain('not JSON');
    });

    it('a recorded vtysh refusal is bad input, not an empty table', async () => {
      const dir = seedCopy();
      const file = join(dir, 'router', 'show_bgp_summary.txt');
      writeFileSync(file, '% Unknown command: show bgp summary\n');
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain(file).and.contain('Unknown command');
    });

    it('a missing router output says which files would do', async () => {
      const dir = seedCopy();
      rmSync(join(dir, 'router', 'show_ip_route_bgp.txt'));
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain('show_ip_route_bgp_json.txt, show_ip_route_bgp.txt');
    });

    it('a bad config value names the file and the field', async () => {
      const dir = seedCopy();
      const file = join(dir, 'metallb-config.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('192.168.197.0/24', '192.168.197.0/99'));
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain('metallb-config.yaml').and.contain('addresses');
    });

    it('a broken manifest names the file and the field', async () => {
      const dir = seedCopy();
      const file = join(dir, 'manifests', 'services.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('port: 8080', 'port: eighty'));
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain(file).and.contain('ports');
    });

    it('a directory without config says so', async () => {
      const dir = seedCopy();
      rmSync(join(dir, 'metallb-config.yaml'));
      const r = await runCheck(dir, { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain('no config document');
    });

    it('a directory that does not exist', async () => {
      const r = await runCheck(join(tmp, 'nope'), { format: 'text' });
      expect(r.exitCode).to.equal(2);
      expect(r.error).to.contain(join(tmp, 'nope'));
    });
  });
});
