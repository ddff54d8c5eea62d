import { expect } from 'chai';
import fc from 'fast-check';
import { carryChanges, changedPart } from '../../src/sync/planner/list-changes.js';

/** A list entry as the planner hands them out: sorted by key, replaced by a new object on change. */
interface Entry {
  key: number;
}

const byKey = (a: Entry, b: Entry): number => a.key - b.key;

/** The list `next` made from `previous` by taking `gone` out and putting `added` in, recorded. */
function step(previous: readonly Entry[], gone: readonly Entry[], added: readonly Entry[]): Entry[] {
  const out = new Set(gone);
  const next = previous.filter((x) => !out.has(x)).concat(added);
  next.sort(byKey);
  carryChanges(previous, next, [...gone].sort(byKey), [...added].sort(byKey), byKey);
  return next;
}

/** The entries of each list that are not (the same object) in the other, in list order. */
function fromScratch(before: readonly Entry[], after: readonly Entry[]): [Entry[], Entry[]] {
  const inBefore = new Set(before);
  const inAfter = new Set(after);
  return [before.filter((x) => !inAfter.has(x)), after.filter((x) => !inBefore.has(x))];
}

function expectChanges(before: readonly Entry[], after: readonly Entry[]): void {
  const [gone, added] = changedPart(before, after);
  const [expectedGone, expectedAdded] = fromScratch(before, after);
  // ordered.members compares with ===: the same key in a new object is a different entry.
  expect(gone).to.have.ordered.members(expectedGone);
  expect(added).to.have.ordered.members(expectedAdded);
}

describe('planner: recorded list changes (changedPart)', () => {
  it('lists an entry taken out and put back (the same object) on neither side', () => {
    const x = { key: 1 };
    const y = { key: 2 };
    const l0 = [x, y];
    const l1 = step(l0, [x], []);
    const l2 = step(l1, [], [x]);
    expect(changedPart(l0, l2)).to.deep.equal([[], []]);
  });

  it('lists an entry one step records as both replaced and replacing on neither side', () => {
    const x = { key: 1 };
    const l0 = [x, { key: 2 }];
    const l1 = step(l0, [x], [x]);
    expect(changedPart(l0, l1)).to.deep.equal([[], []]);
  });

  it('lists an entry put back as a new object with the same key on both sides', () => {
    const x = { key: 1 };
    const again = { key: 1 };
    const l0 = [x];
    const l2 = step(step(l0, [x], []), [], [again]);
    const [gone, added] = changedPart(l0, l2);
    expect(gone).to.have.ordered.members([x]);
    expect(added).to.have.ordered.members([again]);
  });

  it('equals the from-scratch diff of any two lists over random adds, removals and re-adds', () => {
    const op = fc.record({
      key: fc.integer({ min: 0, max: 7 }),
      // add: a new object (replacing the entry if present); back: the object last taken out.
      kind: fc.constantFrom('add', 'back', 'remove'),
    });
    // Up to 16 steps: MAX_STEPS in list-changes.ts, beyond which the changed middle serves.
    const steps = fc.array(fc.array(op, { maxLength: 4 }), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(steps, (ops) => {
        const current = new Map<number, Entry>();
        const takenOut = new Map<number, Entry>();
        const lists: Entry[][] = [[]];
        for (const batch of ops) {
          // Like the planner: each touched key's entry at its first touch, then its entry now.
          const touched = new Map<number, Entry | undefined>();
          for (const { key, kind } of batch) {
            if (!touched.has(key)) touched.set(key, current.get(key));
            const present = current.get(key);
            if (present) takenOut.set(key, present);
            if (kind === 'remove') current.delete(key);
            else if (kind === 'add') current.set(key, { key });
            else if (!present) current.set(key, takenOut.get(key) ?? { key });
          }
          const gone = [...touched.values()].filter((x): x is Entry => x !== undefined);
          const added = [...touched.keys()].flatMap((k) => current.get(k) ?? []);
          lists.push(step(lists.at(-1) as Entry[], gone, added));
        }
        for (let i = 0; i < lists.length; i++) {
          for (let j = i; j < lists.length; j++) expectChanges(lists[i] as Entry[], lists[j] as Entry[]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads no entry of either list when the changes were recorded, whatever their length', () => {
    let reads = 0;
    /** The list, counting every read of an entry by index. */
    const counted = (list: Entry[]): Entry[] =>
      new Proxy(list, {
        get(target, prop, receiver) {
          if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
          return Reflect.get(target, prop, receiver) as unknown;
        },
      });
    const entries = Array.from({ length: 10_000 }, (_, key) => ({ key }));
    const first = entries[0] as Entry;
    const last = entries.at(-1) as Entry;
    const replaced = { key: first.key };
    const l0 = counted(entries);
    const l1 = counted([replaced, ...entries.slice(1, -1)]);
    carryChanges(l0, l1, [first, last], [replaced], byKey);
    const again = { key: last.key };
    const l2 = counted([replaced, ...entries.slice(1, -1), again]);
    carryChanges(l1, l2, [], [again], byKey);
    reads = 0;
    const [gone, added] = changedPart(l0, l2);
    expect(gone).to.have.ordered.members([first, last]);
    expect(added).to.have.ordered.members([replaced, again]);
    expect(reads).to.equal(0);
  });
});
