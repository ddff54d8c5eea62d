import { expect } from 'chai';
import fc from 'fast-check';
import { appendAll, findSorted, lowerBound, maxOf } from '../../src/util/arrays.js';

describe('appendAll / maxOf', () => {
  // 300,000 is past V8's limit on spread arguments (about 120,000): Math.max(...xs) throws there.
  const many = Array.from({ length: 300_000 }, (_, i) => i);

  it('appends any number of items in order and returns the target', () => {
    const target = [-1];
    expect(appendAll(target, many)).to.equal(target);
    expect(target).to.have.length(300_001);
    expect(target[1]).to.equal(0);
    expect(target[300_000]).to.equal(299_999);
  });

  it('is Math.max(floor, ...values) for any number of values', () => {
    expect(maxOf(0, many)).to.equal(299_999);
    expect(maxOf(1_000_000, many)).to.equal(1_000_000);
    expect(maxOf(3, [])).to.equal(3);
    expect(maxOf(-5, [-7, -6])).to.equal(-5);
  });
});

describe('lowerBound / findSorted', () => {
  it('finds the first position not below the key, as a linear scan does', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 })), fc.integer({ min: -1, max: 51 }), (xs, key) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const linear = sorted.findIndex((x) => x >= key);
        expect(lowerBound(sorted, key, (x: number, k: number) => x - k)).to.equal(
          linear < 0 ? sorted.length : linear,
        );
      }),
    );
  });

  it('finds an entry by its string key, and nothing for a missing key', () => {
    const list = [{ k: 'a' }, { k: 'c' }, { k: 'e' }];
    expect(findSorted(list, 'c', (x) => x.k)).to.equal(list[1]);
    expect(findSorted(list, 'd', (x) => x.k)).to.equal(undefined);
    expect(findSorted(list, 'z', (x) => x.k)).to.equal(undefined);
  });
});
