import { expect } from 'chai';
import fc from 'fast-check';
import { AdjRibOut, type RibChanges } from '../../src/bgp/adj-rib-out.js';
import { PathSlotTable } from '../../src/bgp/path-slots.js';
import type { DesiredRoute } from '../../src/bgp/routes.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';
import { addressTexts } from '../../src/ip/address.js';

/**
 * The Adj-RIB-Outs of one peer's slot sessions over a shared PathSlotTable, fed as the speaker
 * feeds them (table first, then every session): what the router gets over all slots together.
 */

const route = (prefix: string, nextHops: string[]): DesiredRoute => ({
  prefix: routePrefixOf(prefix),
  nextHops: nextHopsOf(nextHops),
  communities: [],
  largeCommunities: [],
});

const V4 = new Set<4 | 6>([4]);
const NONE = new Set<4 | 6>();

function slotRibs(count: number, addPath: ReadonlySet<4 | 6>): { table: PathSlotTable; ribs: AdjRibOut[] } {
  const table = new PathSlotTable(count);
  const ribs = Array.from(
    { length: count },
    (_, index) => new AdjRibOut({ families: V4, addPathFamilies: addPath, slot: { index, table } }),
  );
  return { table, ribs };
}

/** prefix -> next hop, as the router holds it from one session (path id 0: one path each). */
type Held = Map<string, string>;

function apply(held: Held, changes: RibChanges, log: string[]): void {
  for (const w of changes.withdrawals)
    for (const n of w.nlri) {
      held.delete(n.prefix.text);
      log.push(`-${n.prefix.text}`);
    }
  for (const a of changes.announcements)
    for (const n of a.nlri) {
      held.set(n.prefix.text, a.attributes.nextHop.text);
      log.push(`+${n.prefix.text}`);
    }
}

describe('Adj-RIB-Out of path slot sessions', () => {
  it('without ADD-PATH each slot session carries its slot’s next hop', () => {
    const { table, ribs } = slotRibs(2, NONE);
    const routes = [route('192.0.2.1/32', ['10.0.0.2', '10.0.0.1']), route('192.0.2.2/32', ['10.0.0.2'])];
    table.assignAll(routes);
    for (const r of ribs) r.setDesiredRoutes(routes);
    const held = ribs.map((r) => {
      const h: Held = new Map();
      apply(h, r.takeChanges(), []);
      return h;
    });
    expect(held.map((h) => [...h].sort())).to.deep.equal([
      [
        ['192.0.2.1/32', '10.0.0.1'],
        ['192.0.2.2/32', '10.0.0.2'],
      ],
      [['192.0.2.1/32', '10.0.0.2']],
    ]);
  });

  it('with ADD-PATH the first slot carries every path (with path ids) and the others nothing', () => {
    const { table, ribs } = slotRibs(2, V4);
    const routes = [route('192.0.2.1/32', ['10.0.0.2', '10.0.0.1'])];
    table.assignAll(routes);
    for (const r of ribs) r.setDesiredRoutes(routes);
    const first = ribs[0]!.takeChanges();
    expect(
      first.announcements
        .flatMap((a) => a.nlri.map((n) => `${a.attributes.nextHop.text}#${n.pathId}`))
        .sort(),
    ).to.deep.equal(['10.0.0.1#1', '10.0.0.2#2']);
    expect(ribs[1]!.takeChanges()).to.deep.equal({ withdrawals: [], announcements: [] });
  });

  it('property: over any run of whole sets and deltas the slots together carry each prefix’s next hops (up to the slot count), and a staying next hop is never sent again', () => {
    const hop = fc.integer({ min: 1, max: 5 }).map((n) => `10.0.0.${n}`);
    const prefix = fc.integer({ min: 1, max: 4 }).map((n) => `192.0.2.${n}/32`);
    const routeArb = fc.tuple(prefix, fc.uniqueArray(hop, { maxLength: 4 })).map(([p, h]) => route(p, h));
    const step = fc.oneof(
      fc
        .uniqueArray(routeArb, { selector: (r) => r.prefix.text, maxLength: 4 })
        .map((routes) => ({ whole: routes })),
      fc
        .tuple(
          fc.uniqueArray(routeArb, { selector: (r) => r.prefix.text, maxLength: 2 }),
          fc.array(prefix, { maxLength: 2 }),
        )
        .map(([upsert, remove]) => ({
          delta: {
            upsert,
            remove: [...new Set(remove)].filter((p) => !upsert.some((r) => r.prefix.text === p)),
          },
        })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(step, { maxLength: 12 }), (count, steps) => {
        const { table, ribs } = slotRibs(count, NONE);
        const held: Held[] = ribs.map(() => new Map());
        const desired = new Map<string, string[]>();
        for (const s of steps) {
          if ('whole' in s) {
            table.assignAll(s.whole);
            for (const r of ribs) r.setDesiredRoutes(s.whole);
            desired.clear();
            for (const r of s.whole) desired.set(r.prefix.text, addressTexts(r.nextHops));
          } else {
            for (const p of s.delta.remove) {
              table.assign(p, []);
              desired.delete(p);
            }
            for (const r of s.delta.upsert) {
              table.assign(r.prefix.text, r.nextHops);
              desired.set(r.prefix.text, addressTexts(r.nextHops));
            }
            for (const r of ribs) r.updateDesiredRoutes(s.delta);
          }
          const before = held.map((h) => new Map(h));
          ribs.forEach((r, i) => {
            const log: string[] = [];
            apply(held[i]!, r.takeChanges(), log);
            // A slot whose next hop for a prefix stayed sends nothing for it.
            for (const [p, nh] of before[i]!)
              if (held[i]!.get(p) === nh && (desired.get(p) ?? []).includes(nh))
                expect(
                  log.filter((l) => l.slice(1) === p),
                  `${p} resent on slot ${i}`,
                ).to.deep.equal([]);
          });
          for (const [p, hops] of desired) {
            const carried = held.map((h) => h.get(p)).filter((h): h is string => h !== undefined);
            expect(new Set(carried).size).to.equal(carried.length);
            expect(carried.every((h) => hops.includes(h))).to.equal(true);
            expect(carried.length).to.equal(Math.min(new Set(hops).size, count));
          }
          for (const h of held) for (const p of h.keys()) expect(desired.has(p)).to.equal(true);
        }
      }),
    );
  });
});
