import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { RouterJsonParseError } from '../../src/router-drivers/errors.js';
import { parseRouteJson, routeListSchema } from '../../src/router-drivers/parse-json.js';
import { isRouteList } from '../../src/router-drivers/parse-json-route-shape.js';

const fixture = (p: string): string => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');

/** Values of every JSON kind plus the edge numbers `count` cares about. */
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 4 }),
  fc.constantFrom(0, -0, 1, 20, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300),
  fc.constant([]),
  fc.constant({}),
);

/** Mostly the valid value, now and then any other: most cases then differ in one field only. */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: anyValue, weight: 1 });

const nexthop = fc.record(
  {
    fib: mostly(fc.boolean()),
    ip: mostly(fc.string({ maxLength: 15 })),
    interfaceName: mostly(fc.string({ maxLength: 6 })),
    active: mostly(fc.boolean()),
    directlyConnected: mostly(fc.boolean()),
    weight: mostly(fc.nat()),
    afi: anyValue,
  },
  { requiredKeys: [] },
);

const route = fc.record(
  {
    prefix: mostly(fc.constant('10.0.0.1/32')),
    protocol: mostly(fc.constant('bgp')),
    selected: mostly(fc.boolean()),
    installed: mostly(fc.boolean()),
    queued: mostly(fc.boolean()),
    failed: mostly(fc.boolean()),
    distance: mostly(fc.nat(255)),
    metric: mostly(fc.nat()),
    uptime: mostly(fc.constant('00:00:12')),
    nexthops: mostly(fc.array(mostly(nexthop), { maxLength: 3 })),
    vrfName: anyValue,
  },
  { requiredKeys: ['prefix', 'protocol', 'uptime', 'nexthops'] },
);

describe('show ip route json: hand-written shape check', () => {
  it('gives the zod schema’s verdict on mostly-valid and broken entries alike', () => {
    fc.assert(
      fc.property(mostly(fc.array(mostly(route), { maxLength: 3 })), (value) => {
        expect(isRouteList(value)).to.equal(routeListSchema.safeParse(value).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('accepts every entry of the FRR 8.4.4 capture', () => {
    const doc = JSON.parse(fixture('frr-8.4.4/show_ip_route_bgp_json.txt')) as Record<string, unknown>;
    for (const value of Object.values(doc)) expect(isRouteList(value)).to.equal(true);
  });

  it('a refused entry is reported with zod’s path and message, before a later protocol problem', () => {
    const text = JSON.stringify({
      '1.0.0.0/8': [
        { prefix: '1.0.0.0/8', protocol: 'martian', uptime: '00:00:01', nexthops: [] },
        { prefix: '1.0.0.0/8', protocol: 'bgp', uptime: '00:00:01', nexthops: [{ weight: -1 }] },
      ],
    });
    const issue = routeListSchema.safeParse(JSON.parse(text)['1.0.0.0/8']).error?.issues[0];
    expect(() => parseRouteJson(text))
      .to.throw(RouterJsonParseError)
      .with.property(
        'message',
        `show ip route json: at 1.0.0.0/8.${issue?.path.join('.')}: ${issue?.message}`,
      );
    expect(issue?.path).to.deep.equal([1, 'nexthops', 0, 'weight']);
  });
});
