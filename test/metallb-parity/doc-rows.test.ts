/**
 * Every parity case marked as a deliberate difference names its row (`doc: '...'`) in the
 * differences table of docs/migrating-from-metallb.md, so a difference is never left unexplained.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'chai';

const here = new URL('.', import.meta.url).pathname;
const doc = readFileSync(new URL('../../docs/migrating-from-metallb.md', import.meta.url), 'utf8');

/** First cells of the four-column differences table (| row | MetalLB | us | why |). */
const rows = new Set(
  doc
    .split('\n')
    .map((line) => /^\| ([^|]+) \|[^|]+\|[^|]+\|[^|]+\|$/.exec(line.trim())?.[1]?.trim())
    .filter((cell): cell is string => cell !== undefined),
);

const named = readdirSync(here)
  .filter((f) => f.endsWith('.test.ts') && f !== 'doc-rows.test.ts')
  .flatMap((f) =>
    [...readFileSync(`${here}${f}`, 'utf8').matchAll(/\bdoc: '([^']+)'/g)].map((m) => m[1] as string),
  );

describe('MetalLB parity: documented differences', () => {
  it('the parity tables name some differences', () => {
    expect(named.length).to.be.above(0);
  });
  for (const row of new Set(named)) {
    it(`"${row}" is a row of docs/migrating-from-metallb.md`, () => {
      expect([...rows]).to.include(row);
    });
  }
});
