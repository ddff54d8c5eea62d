import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import { formatIpv6, parseIpv6 } from '../../src/bgp/wire/prefix.js';
import { formatIpAddress, parseIpAddress } from '../../src/config/addresses.js';
import { formatIp, parseIp } from '../../src/sync/ip/address.js';
import { canonicalPrefix } from '../../src/sync/verify/prefix.js';
import { formatIpv6Groups, parseIpv6Groups } from '../../src/util/ip-text.js';

const hex = (g: number): string => g.toString(16);

function groupsOf(value: bigint): number[] {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return groups;
}

function bytesOf(value: bigint): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number((value >> BigInt((15 - i) * 8)) & 0xffn);
  return out;
}

/** Any IPv6 value, with IPv4-mapped ones (::ffff:0:0/96) and zero runs common enough to matter. */
const ipv6Value = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
  fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v4) => (0xffffn << 32n) | v4),
  fc
    .array(fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n)),
);

describe('util: IPv6 text, every formatter', () => {
  it('prints IPv4-mapped addresses with a dotted quad, as RFC 5952 §5 and vtysh do', () => {
    const mapped = (0xffffn << 32n) | 0xac140001n;
    expect(formatIpv6Groups(groupsOf(mapped), hex)).to.equal('::ffff:172.20.0.1');
    expect(formatIp(6, mapped)).to.equal('::ffff:172.20.0.1');
    expect(formatIpv6(bytesOf(mapped))).to.equal('::ffff:172.20.0.1');
    expect(formatIpAddress(6, mapped)).to.equal('::ffff:172.20.0.1');
    expect(canonicalPrefix('::ffff:ac14:0/120')).to.equal('::ffff:172.20.0.0/120');
    expect(formatIp(6, 0xffffn << 32n)).to.equal('::ffff:0.0.0.0');
    expect(formatIp(6, (0xffffn << 32n) | 0xffffffffn)).to.equal('::ffff:255.255.255.255');
  });

  it('keeps hex groups outside ::ffff:0:0/96', () => {
    for (const [value, text] of [
      [0xac140001n, '::ac14:1'],
      [(1n << 112n) | (0xffffn << 32n) | 0xac140001n, '1::ffff:ac14:1'],
      [(0xfffen << 32n) | 0xac140001n, '::fffe:ac14:1'],
      [(0xffffn << 48n) | (0xffffn << 32n), '::ffff:ffff:0:0'],
      [0xffffn, '::ffff'],
    ] as const) {
      expect(formatIp(6, value)).to.equal(text);
      expect(formatIpAddress(6, value)).to.equal(text);
    }
  });

  it('parse(format(x)) == x and all formatters agree (property)', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        const text = formatIp(6, value);
        expect(isIP(text)).to.equal(6);
        expect(formatIpv6Groups(groupsOf(value), hex)).to.equal(text);
        expect(formatIpv6(bytesOf(value))).to.equal(text);
        expect(formatIpAddress(6, value)).to.equal(text);
        expect(parseIp(text)).to.deep.equal({ family: 6, value });
        expect(parseIpv6Groups(text)).to.deep.equal(groupsOf(value));
        expect(parseIpv6(text)).to.deep.equal(bytesOf(value));
        expect(parseIpAddress(text)).to.deep.equal({ family: 6, value });
      }),
      { numRuns: 3000 },
    );
  });
});
