import { expect } from 'chai';
import fc from 'fast-check';
import { formatNlri, toNlri } from '../../src/bgp/wire/index.js';
import { readIpBytes } from '../../src/ip/address.js';
import {
  comparePrefix,
  formatPrefix,
  maskToPrefix,
  parseCidr,
  parsePrefix,
  parseRoutePrefix,
  prefixLast,
  routePrefix,
  RoutePrefix,
  type IpPrefix,
} from '../../src/ip/prefix.js';

/** Any prefix of either family, host bits cleared. */
const anyPrefix: fc.Arbitrary<IpPrefix> = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 }))
    .map(([v, length]) => ({
      family: 4 as const,
      network: maskToPrefix(4, v, length),
      length,
    })),
  fc
    .tuple(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.integer({ min: 0, max: 128 }))
    .map(([v, length]) => ({
      family: 6 as const,
      network: maskToPrefix(6, v, length),
      length,
    })),
);

describe('ip: prefixes', () => {
  it('parse(format(p)) == p, and the NLRI bytes round-trip too (property)', () => {
    fc.assert(
      fc.property(anyPrefix, (p) => {
        const text = formatPrefix(p);
        expect(parsePrefix(text)).to.deep.equal(p);
        const nlri = toNlri(p);
        expect({
          family: nlri.family,
          network: readIpBytes(nlri.family, nlri.addr).value,
          length: nlri.len,
        }).to.deep.equal(p);
        expect(formatNlri(nlri)).to.equal(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('a route prefix is its value with its canonical text: text -> value -> text round-trips (property)', () => {
    fc.assert(
      fc.property(anyPrefix, (p) => {
        const r = routePrefix(p);
        expect({ family: r.family, network: r.network, length: r.length }).to.deep.equal(p);
        expect(r.text).to.equal(formatPrefix(p));
        const back = parseRoutePrefix(r.text);
        expect(back?.text).to.equal(r.text);
        expect(comparePrefix(back!, r)).to.equal(0);
        expect(routePrefix(r)).to.equal(r);
      }),
      { numRuns: 2000 },
    );
    // Written in a non-canonical form, it is shown canonical, host bits cleared.
    expect(parseRoutePrefix('2001:DB8:0:0::1/64')?.text).to.equal('2001:db8::/64');
    expect(parseRoutePrefix('10.0.0.7/24')?.text).to.equal('10.0.0.0/24');
    expect(parseRoutePrefix('10.0.0.0/33')).to.equal(undefined);
  });

  it('route prefixes: equal values have equal text, and text keys agree with comparePrefix (property)', () => {
    fc.assert(
      fc.property(anyPrefix, anyPrefix, (a, b) => {
        const ra = routePrefix(a);
        const rb = routePrefix(b);
        expect(ra.text === rb.text).to.equal(comparePrefix(ra, rb) === 0);
      }),
    );
    const sorted = ['2001:db8::/32', '10.0.0.0/9', '10.0.0.10/32', '10.0.0.9/32', '10.0.0.0/8']
      .map((t) => parseRoutePrefix(t)!)
      .sort(comparePrefix)
      .map((r) => r.text);
    expect(sorted).to.deep.equal([
      '10.0.0.0/8',
      '10.0.0.0/9',
      '10.0.0.9/32',
      '10.0.0.10/32',
      '2001:db8::/32',
    ]);
  });

  it('a route prefix reads as its text in JSON and in messages, and cannot be changed', () => {
    const r = parseRoutePrefix('192.168.197.0/32')!;
    expect(JSON.stringify({ prefix: r })).to.equal('{"prefix":"192.168.197.0/32"}');
    expect(`${r}`).to.equal('192.168.197.0/32');
    expect(Object.isFrozen(r)).to.equal(true);
    expect(r).to.be.instanceOf(RoutePrefix);
  });

  it('keeps the address as written beside the masked prefix, and refuses what is not a prefix', () => {
    expect(parseCidr('10.0.0.1/24')).to.deep.equal({
      prefix: { family: 4, network: 0x0a000000n, length: 24 },
      address: 0x0a000001n,
    });
    expect(prefixLast({ family: 4, network: 0x0a000000n, length: 24 })).to.equal(0x0a0000ffn);
    for (const bad of [
      '10.0.0.0',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/1a',
      'fe80::1%eth0/64',
      '::ffff:10.199.1/128',
    ]) {
      expect(parseCidr(bad), bad).to.equal(undefined);
    }
  });
});
