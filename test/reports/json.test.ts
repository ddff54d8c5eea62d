import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { renderJson } from '../../src/reports/json.js';
import { awkwardVerification, checkDirs, verificationOf } from './verifications.js';

const schema = JSON.parse(
  readFileSync(new URL('../../docs/report-schema.json', import.meta.url), 'utf8'),
) as object;
const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);

function assertValid(json: string): void {
  const ok = validate(JSON.parse(json));
  expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
}

describe('JSON report', () => {
  for (const dir of checkDirs()) {
    it(`validates against docs/report-schema.json: ${dir.split('/fixtures/')[1]}`, async () => {
      assertValid(renderJson(await verificationOf(dir)));
    });
  }

  it('validates with every verdict and odd text in it', () => {
    assertValid(renderJson(awkwardVerification()));
  });

  it('the schema rejects a report with an unknown verdict or a missing count', () => {
    const report = JSON.parse(renderJson(awkwardVerification())) as {
      routes: Array<{ verdict: string }>;
      summary: { routes: Record<string, number> };
    };
    report.routes[0]!.verdict = 'fine';
    expect(validate(report)).to.equal(false);
    report.routes[0]!.verdict = 'ok';
    delete report.summary.routes['not-in-fib'];
    expect(validate(report)).to.equal(false);
  });

  it('is byte-identical for equal verifications and keeps a fixed key order', () => {
    const a = renderJson(awkwardVerification());
    expect(renderJson(awkwardVerification())).to.equal(a);
    expect(Object.keys(JSON.parse(a) as object)).to.deep.equal([
      'kind',
      'schemaVersion',
      'status',
      'router',
      'peers',
      'summary',
      'sessions',
      'routes',
      'notes',
    ]);
  });
});
