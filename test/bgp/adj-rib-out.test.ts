import { expect } from 'chai';
import fc from 'fast-check';
import { AdjRibOut, type RibChanges } from '../../src/bgp/adj-rib-out.js';
import { pickNextHop } from '../../src/bgp/ecmp.js';
import { InvalidRouteError } from '../../src/bgp/errors.js';
import { attributesKey, pathKey, type DesiredRoute, type PathAttributes } from '../../src/bgp/routes.js';
import {
  formatCommunity,
  formatLargeCommunity,
  RouteCommunity,
  RouteLargeCommunity,
} from '../../src/ip/community.js';
import { RoutePrefix, type IpPrefix } from '../../src/ip/prefix.js';
import {
  communitiesOf,
  largeCommunitiesOf,
  nextHopsOf,
  routeAddressOf,
  routePrefixOf,
} from '../support/routes.js';

/** One path's attributes as text, comparable across tables. */
const attributesText = (family: 4 | 6, a: PathAttributes): string =>
  attributesKey(family, a.nextHop, {
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    communities: a.communities.map((c) => new RouteCommunity(c)),
    largeCommunities: a.largeCommunities.map((c) => new RouteLargeCommunity(c)),
  });

/** NLRI entries may be the paths themselves; compare only what goes on the wire. */
const refs = (nlri: { prefix: RoutePrefix; pathId: number }[]) =>
  nlri.map(({ prefix, pathId }) => ({ prefix: prefix.text, pathId }));

const keyOf = (n: { prefix: RoutePrefix; pathId: number }): string => pathKey(n.prefix.text, n.pathId);

type Table = Map<string, { prefix: RoutePrefix; pathId: number; family: 4 | 6; attributes: PathAttributes }>;

/** What a peer does with our UPDATEs: withdraw by (prefix, path id), announce replaces. */
function apply(table: Table, changes: RibChanges): void {
  for (const w of changes.withdrawals) {
    for (const n of w.nlri) {
      expect(table.has(keyOf(n)), `withdraw of unknown ${keyOf(n)}`).to.equal(true);
      table.delete(keyOf(n));
    }
  }
  for (const a of changes.announcements) {
    for (const n of a.nlri) table.set(keyOf(n), { ...n, family: a.family, attributes: a.attributes });
  }
}

/** prefix -> sorted "nexthop|attrs" strings: what the peer should end up with. */
function view(table: Table): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of table.values()) {
    const { nextHop, ...rest } = p.attributes;
    const list = out.get(p.prefix.text) ?? [];
    const communities = rest.communities.map(formatCommunity);
    const large = rest.largeCommunities.map(formatLargeCommunity);
    list.push(`${nextHop.text}|${JSON.stringify([rest.localPref ?? null, communities, large])}`);
    out.set(p.prefix.text, list);
  }
  for (const l of out.values()) l.sort();
  return out;
}

function expectedView(routes: DesiredRoute[], addPath: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of routes) {
    if (r.nextHops.length === 0) continue;
    const hops = addPath ? r.nextHops : [pickNextHop(r.prefix.text, r.nextHops)];
    const rest = JSON.stringify([r.localPref ?? null, r.communities, r.largeCommunities]);
    out.set(
      r.prefix.text,
      hops.map((h) => `${h.text}|${rest}`),
    );
  }
  for (const l of out.values()) l.sort();
  return out;
}

const v4Prefix = fc.integer({ min: 0, max: 15 }).map((i) => `192.168.197.${i}/32`);
const v6Prefix = fc.integer({ min: 0, max: 7 }).map((i) => `2001:db8::${i.toString(16)}/128`);
const route = (prefix: fc.Arbitrary<string>, hop: fc.Arbitrary<string>) =>
  fc.record({
    prefix: prefix.map(routePrefixOf),
    nextHops: fc.uniqueArray(hop, { maxLength: 3 }).map((h) => nextHopsOf(h.sort())),
    localPref: fc.option(fc.constantFrom(100, 200), { nil: undefined }),
    communities: fc.subarray(['64500:1', '64500:2']).map(communitiesOf),
    largeCommunities: fc.subarray(['64500:1:1']).map(largeCommunitiesOf),
  });
const desiredSet = fc
  .array(
    fc.oneof(
      route(v4Prefix, fc.constantFrom('192.168.201.11', '192.168.201.12', '192.168.201.13')),
      route(v6Prefix, fc.constantFrom('fd00:201::11', 'fd00:201::12')),
    ),
    { maxLength: 12 },
  )
  .map((routes) => {
    const seen = new Set<string>();
    return routes.filter((r) => !seen.has(r.prefix.text) && seen.add(r.prefix.text));
  });

describe('AdjRibOut', () => {
  for (const addPath of [true, false]) {
    it(`after any sequence of desired sets the peer holds exactly the last one (ADD-PATH ${addPath})`, () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(desiredSet, fc.boolean()), { minLength: 1, maxLength: 8 }), (steps) => {
          const rib = new AdjRibOut({
            families: new Set([4, 6]),
            addPathFamilies: addPath ? new Set([4, 6]) : new Set(),
          });
          const table: Table = new Map();
          // `take` false models changes that arrive inside one batching window.
          for (const [routes, take] of steps) {
            rib.setDesiredRoutes(routes);
            if (take) apply(table, rib.takeChanges());
          }
          apply(table, rib.takeChanges());
          const last = steps[steps.length - 1]![0];
          expect(view(table)).to.deep.equal(expectedView(last, addPath));
          expect(rib.takeChanges()).to.deep.equal({ withdrawals: [], announcements: [] });
        }),
      );
    });
  }

  /** What one take puts on the wire, independent of grouping and order. */
  const emitted = (changes: RibChanges) => ({
    withdrawn: changes.withdrawals.flatMap((w) => w.nlri.map((n) => `${w.family} ${keyOf(n)}`)).sort(),
    announced: changes.announcements
      .flatMap((a) => a.nlri.map((n) => `${keyOf(n)} ${attributesText(a.family, a.attributes)}`))
      .sort(),
  });
  const allPrefixes = [...Array(16).keys()]
    .map((i) => `192.168.197.${i}/32`)
    .concat([...Array(8).keys()].map((i) => `2001:db8::${i.toString(16)}/128`));
  const delta = fc.tuple(desiredSet, fc.subarray(allPrefixes)).map(([upsert, remove]) => ({
    upsert,
    remove: remove.filter((p) => !upsert.some((r) => r.prefix.text === p)),
  }));
  const step = fc.tuple(
    fc.oneof(
      desiredSet.map((routes) => ({ whole: routes })),
      delta.map((d) => ({ delta: d })),
    ),
    fc.boolean(),
  );
  for (const [label, families, addPathFamilies] of [
    ['ADD-PATH', [4, 6], [4, 6]],
    ['no ADD-PATH', [4, 6], []],
    ['IPv6 held back', [4], [4]],
  ] as const) {
    it(`any sequence of whole sets and deltas emits what the equivalent whole sets emit (${label})`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
          const opts = { families: new Set(families), addPathFamilies: new Set(addPathFamilies) };
          const mixed = new AdjRibOut(opts);
          const whole = new AdjRibOut(opts);
          let current = new Map<string, DesiredRoute>();
          const takeBoth = () =>
            expect(emitted(mixed.takeChanges())).to.deep.equal(emitted(whole.takeChanges()));
          for (const [change, take] of steps) {
            if ('whole' in change) {
              current = new Map(change.whole.map((r) => [r.prefix.text, r]));
              mixed.setDesiredRoutes(change.whole);
            } else {
              for (const p of change.delta.remove) current.delete(p);
              for (const r of change.delta.upsert) current.set(r.prefix.text, r);
              mixed.updateDesiredRoutes(change.delta);
            }
            whole.setDesiredRoutes([...current.values()]);
            expect([...mixed.heldBack].sort()).to.deep.equal([...whole.heldBack].sort());
            if (take) takeBoth();
          }
          takeBoth();
          const sent = (rib: AdjRibOut) =>
            rib
              .sentPaths()
              .map((p) => `${keyOf(p)} ${attributesText(p.family, p.attributes)}`)
              .sort();
          expect(sent(mixed)).to.deep.equal(sent(whole));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('rejects a delta that both changes and removes a prefix', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set([4]) });
    const r = {
      prefix: routePrefixOf('192.168.197.1/32'),
      nextHops: nextHopsOf(['192.168.201.11']),
      communities: [],
      largeCommunities: [],
    };
    expect(() => rib.updateDesiredRoutes({ upsert: [r], remove: [r.prefix.text] })).to.throw(
      InvalidRouteError,
      /both/,
    );
  });

  it('bounds the interned attribute sets over a long run of deltas and still groups correctly', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set([4]) });
    const table: Table = new Map();
    // Each delta brings a next hop never seen before, as nodes replaced over months would.
    for (let i = 0; i < 5000; i++) {
      rib.updateDesiredRoutes({
        upsert: [
          {
            prefix: routePrefixOf(`192.168.197.${i % 4}/32`),
            nextHops: nextHopsOf([`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`]),
            communities: [],
            largeCommunities: [],
          },
        ],
        remove: [],
      });
      apply(table, rib.takeChanges());
    }
    const interned = (rib as unknown as { interned: Map<string, unknown> }).interned;
    expect(interned.size).to.be.at.most(4097);
    expect([...view(table).entries()].sort()).to.deep.equal(
      [0, 1, 2, 3].map((j) => {
        const last = 4996 + j;
        return [`192.168.197.${j}/32`, [`10.0.${(last >> 8) & 255}.${last & 255}|[null,[],[]]`]];
      }),
    );
  });

  it('keeps the path id of a next hop that stays while others come and go', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(['192.168.201.12', '192.168.201.13', '192.168.201.14']), { maxLength: 6 }),
        (others) => {
          const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set([4]) });
          const ids = new Set<number>();
          for (const extra of others) {
            rib.setDesiredRoutes([
              {
                prefix: routePrefixOf('192.168.197.2/32'),
                nextHops: nextHopsOf(['192.168.201.11', ...extra]),
                communities: [],
                largeCommunities: [],
              },
            ]);
            rib.takeChanges();
            const paths = rib.sentPaths();
            expect(new Set(paths.map((p) => p.pathId)).size).to.equal(paths.length);
            ids.add(paths.find((p) => p.attributes.nextHop.text === '192.168.201.11')!.pathId);
          }
          expect(ids.size).to.be.at.most(1);
        },
      ),
    );
  });

  it('packs prefixes with identical attributes into one group and withdraws only what left', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set([4]) });
    const r = (prefix: string, nextHops: string[]) => ({
      prefix: routePrefixOf(prefix),
      nextHops: nextHopsOf(nextHops),
      communities: [],
      largeCommunities: [],
    });
    // In the planner's order (numeric), which the groups keep.
    rib.setDesiredRoutes([
      r('192.168.197.0/32', ['192.168.201.11']),
      r('192.168.197.1/32', ['192.168.201.12']),
      r('192.168.197.2/32', ['192.168.201.11', '192.168.201.12']),
      r('192.168.197.254/32', ['192.168.201.12']),
    ]);
    const first = rib.takeChanges();
    expect(first.withdrawals).to.deep.equal([]);
    expect(first.announcements.map((a) => [a.attributes.nextHop.text, refs(a.nlri)])).to.deep.equal([
      [
        '192.168.201.11',
        [
          { prefix: '192.168.197.0/32', pathId: 1 },
          { prefix: '192.168.197.2/32', pathId: 1 },
        ],
      ],
      [
        '192.168.201.12',
        [
          { prefix: '192.168.197.1/32', pathId: 1 },
          { prefix: '192.168.197.2/32', pathId: 2 },
          { prefix: '192.168.197.254/32', pathId: 1 },
        ],
      ],
    ]);
    rib.setDesiredRoutes([
      r('192.168.197.0/32', ['192.168.201.11']),
      r('192.168.197.1/32', ['192.168.201.12']),
      r('192.168.197.254/32', ['192.168.201.12']),
      r('192.168.197.2/32', ['192.168.201.12']),
    ]);
    expect(rib.takeChanges()).to.deep.equal({
      withdrawals: [
        {
          family: 4,
          nlri: [{ prefix: routePrefixOf('192.168.197.2/32'), pathId: 1 }],
        },
      ],
      announcements: [],
    });
  });

  it('without ADD-PATH announces one next hop per prefix, spread by a stable hash', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set() });
    const hops = nextHopsOf(['192.168.201.11', '192.168.201.12']);
    const routes = Array.from({ length: 64 }, (_, i) => ({
      prefix: routePrefixOf(`10.0.${i}.0/24`),
      nextHops: hops,
      communities: [],
      largeCommunities: [],
    }));
    rib.setDesiredRoutes(routes);
    const changes = rib.takeChanges();
    const counts = changes.announcements.map((a) => a.nlri.length);
    expect(counts).to.have.length(2);
    expect(Math.min(...counts)).to.be.greaterThan(10);
    expect(changes.announcements.flatMap((a) => a.nlri.map((n) => n.pathId))).to.satisfy((ids: number[]) =>
      ids.every((id) => id === 0),
    );
  });

  it('answers a route refresh with the whole sent table and withdraws all on request', () => {
    const rib = new AdjRibOut({ families: new Set([4, 6]), addPathFamilies: new Set() });
    rib.setDesiredRoutes([
      {
        prefix: routePrefixOf('192.168.197.0/32'),
        nextHops: nextHopsOf(['192.168.201.11']),
        communities: [],
        largeCommunities: [],
      },
      {
        prefix: routePrefixOf('2001:db8::1/128'),
        nextHops: nextHopsOf(['fd00:201::11']),
        communities: [],
        largeCommunities: [],
      },
    ]);
    rib.takeChanges();
    expect(rib.sentTable(6).announcements.map((a) => refs(a.nlri))).to.deep.equal([
      [{ prefix: '2001:db8::1/128', pathId: 0 }],
    ]);
    expect(rib.withdrawAll().withdrawals.map((w) => w.family)).to.deep.equal([4, 6]);
    expect(rib.sentPaths()).to.deep.equal([]);
  });

  it('holds back families the session did not negotiate', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set() });
    rib.setDesiredRoutes([
      {
        prefix: routePrefixOf('2001:db8::1/128'),
        nextHops: nextHopsOf(['fd00:201::11']),
        communities: [],
        largeCommunities: [],
      },
    ]);
    expect(rib.heldBack).to.deep.equal(['2001:db8::1/128']);
    expect(rib.takeChanges().announcements).to.deep.equal([]);
  });

  it('rejects duplicate prefixes, bad prefixes and next hops of the wrong family with a typed error', () => {
    const rib = new AdjRibOut({ families: new Set([4]), addPathFamilies: new Set(), peer: 'p1' });
    const r = (prefix: IpPrefix | string, hop: string) => ({
      prefix: typeof prefix === 'string' ? routePrefixOf(prefix) : new RoutePrefix(prefix),
      nextHops: [routeAddressOf(hop)],
      communities: [],
      largeCommunities: [],
    });
    expect(() => rib.setDesiredRoutes([r('10.0.0.1/32', '10.1.1.1'), r('10.0.0.1/32', '10.1.1.2')])).to.throw(
      InvalidRouteError,
      /peer p1: prefix 10.0.0.1\/32 listed twice/,
    );
    // Host bits set: a value the parsers never make, but a caller building one by hand could.
    expect(() =>
      rib.setDesiredRoutes([r({ family: 4, network: 0x0a000001n, length: 24 }, '10.1.1.1')]),
    ).to.throw(InvalidRouteError, /'10.0.0.1\/24' is not a prefix/);
    expect(() =>
      rib.setDesiredRoutes([r({ family: 4, network: 0x0a000001n, length: 33 }, '10.1.1.1')]),
    ).to.throw(InvalidRouteError, /not a prefix/);
    expect(() => rib.setDesiredRoutes([r('10.0.0.1/32', 'fd00::1')])).to.throw(InvalidRouteError, /next hop/);
  });

  it('groups by every attribute, not only the next hop', () => {
    const a = { communities: communitiesOf(['64500:1']), largeCommunities: [] };
    const hop = routeAddressOf('192.168.201.11');
    expect(attributesKey(4, hop, a)).to.not.equal(attributesKey(4, hop, { ...a, communities: [] }));
    expect(attributesKey(4, hop, a)).to.not.equal(attributesKey(4, hop, { ...a, localPref: 200 }));
    expect(attributesKey(4, hop, a)).to.not.equal(attributesKey(4, routeAddressOf('192.168.201.12'), a));
  });
});
