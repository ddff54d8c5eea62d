import { expect } from 'chai';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDefaultDir } from '../../src/config/index.js';
import { runDemo } from '../../src/app/demo/demo.js';
import { silentLogger } from '../../src/observability/logger.js';
import { waitFor } from '../support/wait-for.js';

function capture(): { write: (t: string) => void; text: () => string } {
  let text = '';
  return { write: (t) => void (text += t), text: () => text };
}

/** The route lines of a text report: prefix -> [expected via, actual via, verdict, services]. */
function routeRows(report: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of report.split('\n')) {
    const m = /^B>\*\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)/.exec(line);
    if (m) rows.set(m[1]!, [m[2]!, m[3]!, m[4]!, m[5]!]);
  }
  return rows;
}

describe('demo: run --demo against the built-in collector', function () {
  it('--once prints the seed routes in a vtysh-style report and succeeds', async () => {
    const { write, text } = capture();
    const code = await runDemo({ logger: silentLogger(), write, once: true });
    expect(code).to.equal(0);
    const report = text();
    expect(report).to.match(/^BGP sessions \(router identifier 192\.168\.198\.254, local AS number 64501\):/);
    expect(report).to.match(/127\.0\.0\.1\s+64500\s+\S+\s+3\s+peer-192\.168\.200\.1\s+ok/);
    expect([...routeRows(report)]).to.deep.equal([
      ['192.168.197.0/32', ['192.168.201.11', '192.168.201.11', 'ok', 'default/nginx']],
      ['192.168.197.1/32', ['192.168.201.12', '192.168.201.12', 'ok', 'default/test-service']],
      ['192.168.197.254/32', ['192.168.201.12', '192.168.201.12', 'ok', 'default/test-service-3']],
    ]);
    expect(report).to.match(/^OK: sessions 1 \(ok 1/m);
  });

  describe('with a copy of the manifests', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'crs-demo-'));
      await cp(join(embeddedDefaultDir(), 'manifests'), dir, { recursive: true });
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('prints a new report when a manifest is edited', async () => {
      const { write, text } = capture();
      let stop!: () => void;
      const stopSignal = new Promise<void>((resolve) => (stop = resolve));
      const running = runDemo({ logger: silentLogger(), write, manifestsPath: dir, stopSignal });
      try {
        await waitFor('the first report', () => text().includes('192.168.197.254/32'));
        // test-service-3 goes away; nginx moves to Cluster policy, so every eligible node carries it.
        const services = join(dir, 'services.yaml');
        const yaml = await readFile(services, 'utf8');
        const edited = yaml
          .split('\n---\n')
          .filter((doc) => !doc.includes('name: test-service-3'))
          .join('\n---\n')
          .replace(/(name: nginx[\s\S]*?externalTrafficPolicy: )Local/, '$1Cluster');
        await writeFile(services, edited);
        const reports = () => text().split(/(?=^BGP sessions)/m);
        await waitFor('a report without test-service-3', () => {
          const last = reports().at(-1)!;
          return reports().length > 1 && !last.includes('192.168.197.254/32') && last.includes('OK:');
        });
        const rows = routeRows(reports().at(-1)!);
        expect([...rows.keys()]).to.deep.equal(['192.168.197.0/32', '192.168.197.1/32']);
        // Two next hops print on two lines, as vtysh prints ECMP routes.
        expect(reports().at(-1)).to.match(
          /192\.168\.197\.0\/32\s+192\.168\.201\.11\s+192\.168\.201\.11 .*ok\s+default\/nginx\n\s+192\.168\.201\.12\s+192\.168\.201\.12\n/,
        );
      } finally {
        stop();
        expect(await running).to.equal(0);
      }
    });
  });
});
