import { expect } from 'chai';
import fc from 'fast-check';
import { IntervalSet } from '../../src/sync/allocator/interval-set.js';
import { RangeSpace, isBuggyIp } from '../../src/sync/allocator/range-space.js';
import { range } from './builders.js';

describe('IntervalSet', () => {
  it('behaves like a set and finds the lowest free value (property against a model)', () => {
    const op = fc.record({ add: fc.boolean(), value: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 0, max: 40 }), (ops, lo) => {
        const set = new IntervalSet();
        const model = new Set<number>();
        for (const o of ops) {
          const changed = o.add ? set.add(BigInt(o.value)) : set.delete(BigInt(o.value));
          expect(changed).to.equal(o.add ? !model.has(o.value) : model.has(o.value));
          if (o.add) model.add(o.value);
          else model.delete(o.value);
        }
        expect(set.size).to.equal(model.size);
        for (let v = 0; v <= 40; v++) expect(set.has(BigInt(v))).to.equal(model.has(v));
        let expected: number | undefined;
        for (let v = lo; v <= 40; v++) {
          if (!model.has(v)) {
            expected = v;
            break;
          }
        }
        const got = set.lowestFree(BigInt(lo), 40n);
        expect(got === undefined ? undefined : Number(got)).to.equal(expected);
      }),
    );
  });

  it('keeps one run for a contiguous block however large', () => {
    const set = new IntervalSet();
    for (let i = 0n; i < 1000n; i++) set.add(i);
    expect(set.runs).to.equal(1);
    set.delete(500n);
    expect(set.runs).to.equal(2);
    expect(set.lowestFree(0n, 2000n)).to.equal(500n);
  });
});

describe('RangeSpace (avoid-buggy-ips numbering)', () => {
  it('MetalLB: avoid-buggy-ips hands out every non-.0/.255 address of a /22 in order, then none', () => {
    const space = new RangeSpace(range('10.0.0.0/22'), true);
    const got: bigint[] = [];
    for (let v = space.lowestFree(); v !== undefined; v = space.lowestFree()) {
      got.push(v);
      space.markUsed(v);
    }
    const expected: bigint[] = [];
    for (let v = range('10.0.0.0/22').first; v <= range('10.0.0.0/22').last; v++)
      if (!isBuggyIp(4, v)) expected.push(v);
    expect(got).to.deep.equal(expected);
    expect(got).to.have.length(4 * 254);
  });

  it('contains() excludes .0 and .255 only when avoiding buggy IPs, and only for IPv4', () => {
    const r = range('10.0.0.0/24');
    expect(new RangeSpace(r, true).contains(4, r.first)).to.equal(false);
    expect(new RangeSpace(r, false).contains(4, r.first)).to.equal(true);
    const v6 = range('fd00::/120');
    expect(new RangeSpace(v6, true).contains(6, v6.first)).to.equal(true);
  });
});
