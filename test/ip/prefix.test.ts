import { expect } from 'chai';
import fc from 'fast-check';
import { fromNlri, toNlri } from '../../src/bgp/wire/index.js';
import {
  comparePrefix,
  comparePrefixText,
  formatPrefix,
  maskToPrefix,
  parseCidr,
  parsePrefix,
  prefixLast,
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
        expect(fromNlri(toNlri(p))).to.deep.equal(p);
      }),
      { numRuns: 2000 },
    );
  });

  it('orders text as it orders values: family, network, length (property)', () => {
    fc.assert(
      fc.property(anyPrefix, anyPrefix, (a, b) => {
        expect(Math.sign(comparePrefixText(formatPrefix(a), formatPrefix(b)))).to.equal(
          Math.sign(comparePrefix(a, b)),
        );
      }),
    );
    expect(['2001:db8::/32', '10.0.0.0/9', 'x', '10.0.0.0/8'].sort(comparePrefixText)).to.deep.equal([
      '10.0.0.0/8',
      '10.0.0.0/9',
      '2001:db8::/32',
      'x',
    ]);
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
