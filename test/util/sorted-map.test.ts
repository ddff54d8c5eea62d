import { expect } from 'chai';
import fc from 'fast-check';
import { SortedMap, sortedMapOf } from '../../src/util/sorted-map.js';

const byNumber = (a: number, b: number): number => a - b;

/** A value object: the map tells values apart by identity, as the planner's lists do. */
interface Value {
  key: number;
  tag: number;
}

type Op = { set: number; tag: number } | { remove: number };

/** Keys from a small range, so that sets replace and removes hit, and nodes split and merge. */
const ops = (keys: number) =>
  fc.array(
    fc.oneof(
      fc.record({ set: fc.integer({ min: 0, max: keys }), tag: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ remove: fc.integer({ min: 0, max: keys }) }),
    ),
    { maxLength: 600 },
  );

/** The model: a plain array sorted by key, copied per step. */
function applyModel(model: readonly Value[], op: Op, made: Map<string, Value>): Value[] {
  const key = 'set' in op ? op.set : op.remove;
  const rest = model.filter((v) => v.key !== key);
  if (!('set' in op)) return rest;
  // The same key and tag is the same object, so a set that changes nothing keeps the version.
  const id = `${op.set}:${op.tag}`;
  let value = made.get(id);
  if (value === undefined) made.set(id, (value = { key: op.set, tag: op.tag }));
  return [...rest, value].sort((a, b) => a.key - b.key);
}

function applyMap(map: SortedMap<number, Value>, op: Op, made: Map<string, Value>): SortedMap<number, Value> {
  return 'set' in op ? map.set(op.set, made.get(`${op.set}:${op.tag}`) as Value) : map.delete(op.remove);
}

/** Every version, each beside its model. */
function versions(start: readonly Value[], steps: readonly Op[]): Array<[SortedMap<number, Value>, Value[]]> {
  const made = new Map(start.map((v) => [`${v.key}:${v.tag}`, v]));
  let map = SortedMap.fromSorted(
    byNumber,
    start.map((v) => v.key),
    start,
  );
  let model = [...start];
  const out: Array<[SortedMap<number, Value>, Value[]]> = [[map, model]];
  for (const op of steps) {
    model = applyModel(model, op, made);
    map = applyMap(map, op, made);
    out.push([map, model]);
  }
  return out;
}

const initial = (count: number): Value[] => Array.from({ length: count }, (_, i) => ({ key: i * 2, tag: 0 }));

describe('SortedMap: a persistent sorted map', () => {
  it('matches a sorted array after any insert/replace/remove sequence, and old versions stay as they were', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), ops(400), (count, steps) => {
        const all = versions(initial(count), steps);
        // Checked only after every version exists: making a new one must not touch the old ones.
        for (const [map, model] of all) {
          expect(map.values()).to.have.ordered.members(model);
          expect(map.size).to.equal(model.length);
          for (const v of model) expect(map.get(v.key)).to.equal(v);
          expect(map.get(-1)).to.equal(undefined);
          expect(map.get(100_000)).to.equal(undefined);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the entries two versions differ in, by key or by value object', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), ops(400), fc.nat(), fc.nat(), (count, steps, i, j) => {
        const all = versions(initial(count), steps);
        const [olderMap, olderModel] = all[i % all.length]!;
        const [newerMap, newerModel] = all[j % all.length]!;
        const inOlder = new Set(olderModel);
        const inNewer = new Set(newerModel);
        const [gone, added] = newerMap.changedFrom(olderMap);
        expect(gone).to.have.ordered.members(olderModel.filter((v) => !inNewer.has(v)));
        expect(added).to.have.ordered.members(newerModel.filter((v) => !inOlder.has(v)));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the version when nothing changes, and makes each version its values array once', () => {
    const v = { key: 1, tag: 0 };
    const map = SortedMap.empty<number, Value>(byNumber).set(1, v);
    expect(map.set(1, v)).to.equal(map);
    expect(map.delete(2)).to.equal(map);
    expect(map.values()).to.equal(map.values());
    expect(sortedMapOf(map.values())).to.equal(map);
    expect(sortedMapOf([v])).to.equal(undefined);
  });

  it('changes one entry among 100,000 without reading the others, and diffs versions at the size of the change', () => {
    const many = initial(100_000);
    const base = SortedMap.fromSorted(
      byNumber,
      many.map((v) => v.key),
      many,
    );
    let compared = 0;
    const counting = SortedMap.fromSorted(
      (a: number, b: number) => {
        compared++;
        return a - b;
      },
      many.map((v) => v.key),
      many,
    );
    const next = counting
      .set(5, { key: 5, tag: 1 })
      .delete(10)
      .set(99_999 * 2, { key: 99_999 * 2, tag: 1 });
    compared = 0;
    const [gone, added] = next.changedFrom(counting);
    expect(gone.map((v) => v.key)).to.deep.equal([10, 199_998]);
    expect(added.map((v) => v.key)).to.deep.equal([5, 199_998]);
    // Three changes, each at most a few leaves of 32 entries apart from the shared subtrees.
    expect(compared).to.be.below(1_000);
    expect(base.size).to.equal(100_000);
    expect(next.size).to.equal(100_000);
  });
});
