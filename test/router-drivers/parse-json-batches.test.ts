import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { RouterJsonParseError } from '../../src/router-drivers/errors.js';
import { visitObjectMembersInBatches } from '../../src/router-drivers/parse-json-batches.js';
import { parseRouteJson } from '../../src/router-drivers/parse-json.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

function members(text: string, batchChars: number): Array<[string, unknown]> | false {
  const seen: Array<[string, unknown]> = [];
  return visitObjectMembersInBatches(text, (k, v) => seen.push([k, v]), batchChars) ? seen : false;
}

/** The whole-text reading the batches must agree with. */
function wholeMembers(text: string): Array<[string, unknown]> | 'not JSON' | 'not an object' {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'not an object';
  return Object.entries(data);
}

/** A route table like zebra's, `n` prefixes, pretty-printed as json-c does. */
function table(n: number, at = 0): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  for (let i = at; i < at + n; i += 1) {
    const prefix = `10.0.${i >> 8}.${i & 255}/32`;
    doc[prefix] = [
      {
        prefix,
        protocol: 'bgp',
        selected: true,
        installed: true,
        distance: 20,
        metric: 0,
        uptime: '00:00:12',
        nexthops: [{ fib: true, ip: '192.168.201.11', interfaceName: 'crs_vr', active: true, weight: 1 }],
      },
    ];
  }
  return doc;
}
const pretty = (doc: unknown): string => `${JSON.stringify(doc, null, 2).replace(/": /g, '":')}\n`;

describe('JSON objects read in batches', () => {
  it('visits the members JSON.parse gives, in order, for any object and batch size', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 12 }),
        fc.integer({ min: 0, max: 200 }),
        (doc, batchChars) => {
          const text = JSON.stringify(doc, null, 2);
          const got = members(text, batchChars);
          // Array-index keys are refused (JSON.parse orders them first); anything else is read.
          if (Object.keys(doc).some((k) => /^(?:0|[1-9]\d*)$/.test(k))) return;
          expect(got).to.deep.equal(wholeMembers(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never accepts a text JSON.parse refuses, nor reads one differently (random edits)', () => {
    const base = pretty(table(6));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: base.length - 1 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom('', ',', '"', '{', '}', '[', ']', ':', '\n  "', '1', ' ', '\\'),
        fc.integer({ min: 1, max: 400 }),
        (at, cut, insert, batchChars) => {
          const text = base.slice(0, at) + insert + base.slice(at + cut);
          const got = members(text, batchChars);
          if (got !== false) expect(got).to.deep.equal(wholeMembers(text));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('cuts a large table into several batches and reads it like the whole', () => {
    const text = pretty(table(3000));
    expect(text.length).to.be.greaterThan(4 * (1 << 16));
    let calls = 0;
    const original = JSON.parse;
    const counting = (s: string): unknown => {
      calls += 1;
      return original(s) as unknown;
    };
    JSON.parse = counting;
    try {
      expect(members(text, 1 << 16)).to.deep.equal(wholeMembers(text));
    } finally {
      JSON.parse = original;
    }
    expect(calls).to.be.greaterThan(4);
  });

  it('refuses a key seen again in a later batch, and what the whole parse keeps is returned', () => {
    const first = table(2000);
    const again = table(1);
    const text = pretty(first).replace(/\n}\n$/, `,${pretty(again).slice(1, -3)}\n}\n`);
    expect(members(text, 1 << 12)).to.equal(false);
    const routes = parseRouteJson(text);
    expect(routes).to.have.length(2000);
    expect(routes[0]?.prefix).to.equal('10.0.0.0/32');
  });

  it('a problem in an early batch does not hide that a later batch is not JSON', () => {
    const doc = table(2000);
    (doc['10.0.0.0/32'] as Array<Record<string, unknown>>)[0] = {
      ...(doc['10.0.0.0/32'] as Array<Record<string, unknown>>)[0],
      protocol: 'martian',
    };
    const broken = pretty(doc).replace(/\n}\n$/, ',\n}\n');
    expect(() => parseRouteJson(broken))
      .to.throw(RouterJsonParseError)
      .with.property('path', '');
    expect(() => parseRouteJson(pretty(doc)))
      .to.throw(RouterJsonParseError)
      .with.property('path', '10.0.0.0/32.0.protocol');
  });

  it('the FRR 8.4.4 capture reads the same in batches of any size', () => {
    const text = fixture('frr-8.4.4/show_ip_route_bgp_json.txt');
    for (const size of [0, 1, 100, 1 << 16]) expect(members(text, size)).to.deep.equal(wholeMembers(text));
  });
});
