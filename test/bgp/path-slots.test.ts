import { expect } from 'chai';
import fc from 'fast-check';
import { assignSlots, PathSlotTable, type SlotAssignment } from '../../src/bgp/path-slots.js';
import type { RouteAddress } from '../../src/ip/address.js';
import { nextHopsOf, routeAddressOf, routePrefixOf } from '../support/routes.js';

type Slots = readonly (string | undefined)[];

const slotTexts = (slots: readonly (RouteAddress | undefined)[]): (string | undefined)[] =>
  slots.map((hop) => hop?.text);

/** An assignment as text, to compare with the test's literals. */
const asText = (a: SlotAssignment): { slots: (string | undefined)[]; uncarried: string[] } => ({
  slots: slotTexts(a.slots),
  uncarried: a.uncarried.map((hop) => hop.text),
});

/** assignSlots over the test's address literals. */
const assign = (previous: Slots | undefined, hops: readonly string[], usable: readonly boolean[]) =>
  asText(
    assignSlots(
      previous?.map((hop) => (hop === undefined ? undefined : routeAddressOf(hop))),
      nextHopsOf(hops),
      usable,
    ),
  );

const ALL3 = [true, true, true];

describe('path slots: next hops spread over one-path-per-session slots', () => {
  it('gives a new prefix its next hops sorted, slot i carrying next hop i', () => {
    expect(assign(undefined, ['10.0.0.3', '10.0.0.1', '10.0.0.2'], ALL3)).to.deep.equal({
      slots: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      uncarried: [],
    });
  });

  it('leaves the remaining slots empty when a prefix has fewer next hops than slots', () => {
    expect(assign(undefined, ['10.0.0.2'], ALL3).slots).to.deep.equal(['10.0.0.2', undefined, undefined]);
  });

  it('records the next hops no slot can carry', () => {
    expect(assign(undefined, ['10.0.0.4', '10.0.0.2', '10.0.0.3', '10.0.0.1'], ALL3)).to.deep.equal({
      slots: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      uncarried: ['10.0.0.4'],
    });
  });

  it('keeps a surviving next hop in its slot; a newcomer takes the free one', () => {
    // An endpoint moves from node .1 to node .3: .2 must not move from slot 1.
    const before = assign(undefined, ['10.0.0.1', '10.0.0.2'], [true, true]);
    expect(assign(before.slots, ['10.0.0.2', '10.0.0.3'], [true, true]).slots).to.deep.equal([
      '10.0.0.3',
      '10.0.0.2',
    ]);
  });

  it('puts nothing in a slot that is not usable, and moves its next hop to a free usable one', () => {
    const before = assign(undefined, ['10.0.0.1'], [true, true]);
    expect(assign(before.slots, ['10.0.0.1'], [false, true]).slots).to.deep.equal([undefined, '10.0.0.1']);
  });

  describe('PathSlotTable', () => {
    it('forgets prefixes missing from a whole set and those given no next hops', () => {
      const t = new PathSlotTable(2);
      t.assignAll([
        { prefix: routePrefixOf('192.0.2.1/32'), nextHops: nextHopsOf(['10.0.0.1']) },
        { prefix: routePrefixOf('192.0.2.2/32'), nextHops: nextHopsOf(['10.0.0.1', '10.0.0.2']) },
      ]);
      t.assignAll([{ prefix: routePrefixOf('192.0.2.2/32'), nextHops: nextHopsOf(['10.0.0.2']) }]);
      expect(t.assignment('192.0.2.1/32')).to.equal(undefined);
      expect(t.nextHopOf('192.0.2.2/32', 1)?.text).to.equal('10.0.0.2');
      t.assign('192.0.2.2/32', []);
      expect(t.assignment('192.0.2.2/32')).to.equal(undefined);
    });

    it('hands a lost slot’s next hops to free slots, and back only what found no slot', () => {
      const t = new PathSlotTable(2);
      t.assignAll([
        { prefix: routePrefixOf('192.0.2.1/32'), nextHops: nextHopsOf(['10.0.0.2']) },
        { prefix: routePrefixOf('192.0.2.2/32'), nextHops: nextHopsOf(['10.0.0.1', '10.0.0.2']) },
      ]);
      expect(t.setUsable(0, false)).to.equal(true);
      expect(slotTexts(t.assignment('192.0.2.1/32')!.slots)).to.deep.equal([undefined, '10.0.0.2']);
      expect(t.uncarried()).to.deep.equal(new Map([['192.0.2.2/32', ['10.0.0.1']]]));
      expect(t.setUsable(0, false)).to.equal(false);
      t.setUsable(0, true);
      expect(slotTexts(t.assignment('192.0.2.1/32')!.slots)).to.deep.equal([undefined, '10.0.0.2']);
      expect(slotTexts(t.assignment('192.0.2.2/32')!.slots)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
      expect(t.uncarried().size).to.equal(0);
    });

    it('refuses zero slots', () => {
      expect(() => new PathSlotTable(0)).to.throw(RangeError);
    });
  });

  describe('properties', () => {
    const hop = fc.integer({ min: 1, max: 8 }).map((n) => `10.0.0.${n}`);
    const hops = fc.uniqueArray(hop, { maxLength: 8 });
    const usable = fc.array(fc.boolean(), { minLength: 1, maxLength: 5 });

    it('carries every next hop in exactly one usable slot, or records it as not carried', () => {
      fc.assert(
        fc.property(hops, hops, usable, (first, second, ok) => {
          const before = assign(undefined, first, ok);
          const a = assign(before.slots, second, ok);
          const carried = a.slots.filter((h): h is string => h !== undefined);
          expect(new Set(carried).size).to.equal(carried.length);
          expect([...carried, ...a.uncarried].sort()).to.deep.equal([...second].sort());
          a.slots.forEach((h, i) => {
            if (!ok[i]) expect(h).to.equal(undefined);
          });
          const usableCount = ok.filter(Boolean).length;
          expect(carried.length).to.equal(Math.min(usableCount, second.length));
          expect(a.slots.length).to.equal(ok.length);
        }),
      );
    });

    it('never moves a next hop that stays (stability)', () => {
      fc.assert(
        fc.property(hops, hops, usable, (first, second, ok) => {
          const before = assign(undefined, first, ok);
          const after = assign(before.slots, second, ok);
          before.slots.forEach((h, i) => {
            if (h !== undefined && second.includes(h)) expect(after.slots[i]).to.equal(h);
          });
        }),
      );
    });

    it('is deterministic: the order next hops are listed in does not matter', () => {
      fc.assert(
        fc.property(hops, hops, usable, (first, second, ok) => {
          const before = assign(undefined, first, ok);
          const a = assign(before.slots, second, ok);
          const b = assign([...before.slots], [...second].reverse(), [...ok]);
          expect(b).to.deep.equal(a);
        }),
      );
    });

    it('a table keeps the same properties over a run of changes and lost slots', () => {
      const step = fc.oneof(
        hops.map((h) => ({ kind: 'hops' as const, h })),
        fc.tuple(fc.nat(2), fc.boolean()).map(([slot, ok]) => ({ kind: 'usable' as const, slot, ok })),
      );
      fc.assert(
        fc.property(fc.array(step, { maxLength: 20 }), (steps) => {
          const t = new PathSlotTable(3);
          let current: string[] = [];
          for (const s of steps) {
            const before = slotTexts(t.assignment('p')?.slots ?? []);
            if (s.kind === 'hops') {
              current = s.h;
              t.assign('p', nextHopsOf(current));
            } else t.setUsable(s.slot, s.ok);
            const assigned = t.assignment('p');
            const a = assigned && asText(assigned);
            const carried = a?.slots.filter((h): h is string => h !== undefined) ?? [];
            expect([...carried, ...(a?.uncarried ?? [])].sort()).to.deep.equal([...current].sort());
            before.forEach((h, i) => {
              if (h !== undefined && current.includes(h) && t.isUsable(i)) expect(a?.slots[i]).to.equal(h);
            });
          }
        }),
      );
    });
  });
});
