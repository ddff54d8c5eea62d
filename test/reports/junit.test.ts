import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { renderJunit } from '../../src/reports/junit.js';
import type { Verification } from '../../src/sync/verify/verification.js';
import { requireLab } from '../support/requirements.js';
import { awkwardVerification, checkDirs, verificationOf } from './verifications.js';

const xsd = new URL('junit.xsd', import.meta.url).pathname;

describe('JUnit report', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-junit-'));
  });
  after(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** xmllint exits non-zero and names the element when the file breaks the schema. */
  function validate(xml: string, name: string): void {
    const file = join(tmp, `${name}.xml`);
    writeFileSync(file, xml);
    execFileSync('xmllint', ['--noout', '--schema', xsd, file], { stdio: 'pipe' });
  }

  const cases: Array<[string, () => Promise<Verification> | Verification]> = [
    ...checkDirs().map((dir): [string, () => Promise<Verification>] => [
      dir.split('/fixtures/')[1] as string,
      () => verificationOf(dir),
    ]),
    ['every verdict, odd text', awkwardVerification],
  ];
  for (const [name, make] of cases) {
    it(`validates against the JUnit schema (xmllint): ${name}`, async function () {
      requireLab(this, { commands: ['xmllint'] });
      validate(renderJunit(await make()), name.replace(/\W/g, '_'));
    });
  }

  it('the schema check can fail: a testsuite without its counts is refused', function () {
    requireLab(this, { commands: ['xmllint'] });
    const broken = renderJunit(awkwardVerification()).replace(
      / failures="\d+" errors="0" skipped/,
      ' skipped',
    );
    expect(() => validate(broken, 'broken')).to.throw();
  });

  it('has one testcase per session and route, failures carrying the verdict', () => {
    const v = awkwardVerification();
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (n) => n === 'testcase' || n === 'testsuite',
    }).parse(renderJunit(v)) as {
      testsuites: {
        tests: string;
        failures: string;
        testsuite: Array<{
          name: string;
          tests: string;
          testcase: Array<{ name: string; failure?: { type: string; message: string; '#text': string } }>;
        }>;
      };
    };
    expect(doc.testsuites).to.include({ tests: '9', failures: '7' });
    const [sessions, routes] = doc.testsuites.testsuite;
    expect(sessions!.testcase.map((c) => c.failure?.type ?? 'ok')).to.deep.equal(['ok', 'down', 'missing']);
    expect(routes!.testcase.map((c) => c.failure?.type ?? 'ok')).to.deep.equal([
      'ecmp-incomplete',
      'missing',
      'not-in-fib',
      'wrong-nexthop',
      'unexpected',
      'ok',
    ]);
    expect(routes!.testcase[0]!.name).to.equal('10.0.0.1/32 (ns/a&b, ns/c)');
    expect(sessions!.testcase[1]!.failure!.message).to.equal('down: session is Idle (Admin) | <shut>');
    expect(routes!.testcase[3]!.failure!['#text']).to.contain('actual via: 10.1.0.9');
  });

  it('a route held with fewer next hops by design passes, its detail in system-out', () => {
    const v = awkwardVerification();
    const ok = v.routes.find((r) => r.verdict === 'ok')!;
    ok.detail = 'single path: the session has no ADD-PATH; 1 of 2 next hops (10.1.0.2 not carried)';
    expect(renderJunit(v)).to.match(
      /<testcase classname="routes" name="[^"]*" time="0">\n\s+<system-out>single path: the session has no ADD-PATH; 1 of 2 next hops \(10\.1\.0\.2 not carried\)<\/system-out>\n\s+<\/testcase>/,
    );
  });
});
