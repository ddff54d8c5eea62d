import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { RouterJsonParseError } from '../../src/router-drivers/errors.js';
import { visitObjectMembers } from '../../src/router-drivers/json-members.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

function members(text: string, batchChars?: number): [string, unknown][] {
  const out: [string, unknown][] = [];
  visitObjectMembers('test', text, (key, value) => out.push([key, value]), batchChars);
  return out;
}

/** What JSON.parse of the whole text gives, or the error it throws. */
function wholeMembers(text: string): [string, unknown][] | 'error' {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'error';
  }
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? Object.entries(data) : 'error';
}

function membersOrError(text: string, batchChars: number): [string, unknown][] | 'error' {
  try {
    return members(text, batchChars);
  } catch (err) {
    expect(err).to.be.instanceOf(RouterJsonParseError);
    return 'error';
  }
}

// Integer-like keys are put first by JSON.parse whatever their place; FRR's keys are prefixes.
const key = fc.string().filter((k) => !/^(?:0|[1-9]\d*)$/.test(k));
const document = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 12 });
// json-c's pretty printer (FRR), JSON.stringify's, four spaces (no batch hint) and none at all.
const layouts = fc.constantFrom(
  (d: unknown) => JSON.stringify(d, null, 2).replace(/": /g, '":'),
  (d: unknown) => JSON.stringify(d, null, 2),
  (d: unknown) => JSON.stringify(d, null, 4),
  (d: unknown) => JSON.stringify(d),
);

describe('visitObjectMembers: a JSON object read in batches', () => {
  it('visits the members JSON.parse of the whole text gives, in order, whatever the batch size', () => {
    fc.assert(
      fc.property(document, layouts, fc.integer({ min: 1, max: 400 }), (doc, layout, batchChars) => {
        const text = layout(doc);
        expect(members(text, batchChars)).to.deep.equal(wholeMembers(text));
      }),
    );
  });

  it('fails exactly when the whole text is not a JSON object, cut or garbled anywhere', () => {
    fc.assert(
      fc.property(
        document,
        layouts,
        fc.nat(),
        fc.constantFrom('', '}', '{', ',', '"', ']', 'x', '\n  "'),
        fc.integer({ min: 1, max: 200 }),
        (doc, layout, at, insert, batchChars) => {
          const whole = layout(doc);
          const cut = at % (whole.length + 1);
          const text = whole.slice(0, cut) + insert + whole.slice(cut + (insert === '' ? 0 : 1));
          expect(membersOrError(text, batchChars)).to.deep.equal(wholeMembers(text));
        },
      ),
    );
  });

  it('reads a real FRR 8.4.4 table one member per batch as JSON.parse reads it whole', () => {
    const text = fixture('frr-8.4.4/show_ip_route_bgp_json.txt');
    expect(members(text, 1)).to.deep.equal(wholeMembers(text)).and.have.length(4);
  });

  it('names what is not a JSON object', () => {
    expect(() => members('% Unknown command')).to.throw(RouterJsonParseError, 'not a JSON object');
    expect(() => members('[1]')).to.throw(RouterJsonParseError, 'not a JSON object');
    expect(() => members('{"a":1,}')).to.throw(RouterJsonParseError, 'not JSON');
    expect(members(' {} \n')).to.deep.equal([]);
  });
});
