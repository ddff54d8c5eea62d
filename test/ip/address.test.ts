import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import {
  addressTexts,
  byText,
  canonicalIp,
  compareIp,
  formatIp,
  formatIpBytes,
  parseIp,
  parseRouteAddress,
  readIpBytes,
  routeAddress,
  RouteAddress,
  writeIpBytes,
  type IpAddress,
} from '../../src/ip/address.js';
import { canonicalPrefix, formatPrefix, maskToPrefix } from '../../src/ip/prefix.js';

/**
 * WHATWG URL serialises IPv6 hosts the RFC 5952 way, an independent oracle, except that it keeps
 * hex groups for IPv4-mapped addresses where RFC 5952 §5 (and vtysh) write a dotted quad.
 */
function urlCanonical(v6: string): string {
  const text = new URL(`http://[${v6}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (mapped === null) return text;
  const [hi, lo] = [parseInt(mapped[1] as string, 16), parseInt(mapped[2] as string, 16)];
  return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** The 16 bytes of an IPv6 value, computed byte by byte: an oracle for writeIpBytes. */
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

describe('ip addresses as bigints', () => {
  it('parses and prints IPv4 and IPv6 literals canonically', () => {
    expect(parseIp('192.168.197.254')).to.deep.equal({ family: 4, value: 0xc0a8c5fen });
    expect(canonicalIp('2001:DB8:0:0:1:0:0:1')).to.equal('2001:db8::1:0:0:1');
    expect(canonicalIp('2001:db8:0:1:0:0:0:1')).to.equal('2001:db8:0:1::1');
    expect(canonicalIp('::ffff:192.0.2.1')).to.equal('::ffff:192.0.2.1');
    expect(canonicalIp('::ffff:ac14:1')).to.equal('::ffff:172.20.0.1');
    expect(canonicalIp('::FFFF:0:0')).to.equal('::ffff:0.0.0.0');
    // Only ::ffff:0:0/96 is mapped: IPv4-compatible and near misses keep hex groups.
    expect(canonicalIp('::ac14:1')).to.equal('::ac14:1');
    expect(canonicalIp('1::ffff:ac14:1')).to.equal('1::ffff:ac14:1');
    expect(canonicalIp('::fffe:ac14:1')).to.equal('::fffe:ac14:1');
    expect(canonicalIp('::')).to.equal('::');
  });

  it('rejects what is not an address literal', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.256',
      '01.2.3.4',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      '1.2.3.4/32',
      ':::',
    ]) {
      expect(parseIp(bad), bad).to.equal(undefined);
    }
  });

  it('round-trips every IPv6 value and agrees with the URL serialiser (property)', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        const text = formatIp(6, value);
        expect(parseIp(text)).to.deep.equal({ family: 6, value });
        expect(text).to.equal(urlCanonical(text));
        expect(isIP(text)).to.equal(6);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips IPv6 values with zero runs (property)', () => {
    const group = fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 0xffffn }));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (groups) => {
        const value = groups.reduce((acc, g) => (acc << 16n) | g, 0n);
        const text = formatIp(6, value);
        expect(parseIp(text)?.value).to.equal(value);
        expect(text).to.equal(urlCanonical(groups.map((g) => g.toString(16)).join(':')));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every IPv4 value (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const ip = parseIp(text);
        expect(ip && formatIp(ip.family, ip.value)).to.equal(text);
      }),
    );
  });

  it('masks to a prefix', () => {
    expect(formatPrefix({ family: 4, network: maskToPrefix(4, 0xc0a8c5fen, 24), length: 24 })).to.equal(
      '192.168.197.0/24',
    );
    const v6 = parseIp('fd00:197::ff01')?.value ?? 0n;
    expect(formatPrefix({ family: 6, network: maskToPrefix(6, v6, 64), length: 64 })).to.equal(
      'fd00:197::/64',
    );
    expect(formatPrefix({ family: 6, network: maskToPrefix(6, v6, 128), length: 128 })).to.equal(
      'fd00:197::ff01/128',
    );
  });
});

describe('ip: IPv4-mapped text and wire bytes', () => {
  it('prints IPv4-mapped addresses with a dotted quad, as RFC 5952 §5 and vtysh do', () => {
    const mapped = (0xffffn << 32n) | 0xac140001n;
    expect(formatIp(6, mapped)).to.equal('::ffff:172.20.0.1');
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
    }
  });

  it('parse(format(x)) == x, and the wire bytes round-trip too (property)', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        const text = formatIp(6, value);
        expect(isIP(text)).to.equal(6);
        expect(parseIp(text)).to.deep.equal({ family: 6, value });
        const bytes = new Uint8Array(17);
        writeIpBytes(6, value, bytes, 1);
        expect(bytes.subarray(1)).to.deep.equal(bytesOf(value));
        expect(readIpBytes(6, bytes, 1)).to.deep.equal({ family: 6, value });
        expect(formatIpBytes(6, bytes, 1)).to.equal(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes and reads IPv4 in network byte order (property)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        const ip = parseIp(text);
        if (ip === undefined) throw new Error(`${text} did not parse`);
        const bytes = new Uint8Array(4);
        writeIpBytes(4, ip.value, bytes);
        expect([...bytes].join('.')).to.equal(text);
        expect(readIpBytes(4, bytes)).to.deep.equal(ip);
        expect(formatIpBytes(4, bytes)).to.equal(text);
      }),
    );
  });
});

/** Any address of either family. */
const anyAddress: fc.Arbitrary<IpAddress> = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((value) => ({ family: 4 as const, value })),
  ipv6Value.map((value) => ({ family: 6 as const, value })),
);

describe('ip: route addresses (next hops as values)', () => {
  it('a route address is its value with its canonical text: text -> value -> text round-trips (property)', () => {
    fc.assert(
      fc.property(anyAddress, (ip) => {
        const r = routeAddress(ip);
        expect({ family: r.family, value: r.value }).to.deep.equal(ip);
        expect(r.text).to.equal(formatIp(ip.family, ip.value));
        const back = parseRouteAddress(r.text);
        expect(back?.text).to.equal(r.text);
        expect(compareIp(back!, r)).to.equal(0);
        expect(routeAddress(r)).to.equal(r);
      }),
      { numRuns: 2000 },
    );
    // Written in a non-canonical form, it is shown canonical (RFC 5952).
    expect(parseRouteAddress('2001:DB8:0:0::1')?.text).to.equal('2001:db8::1');
    expect(parseRouteAddress('10.0.0.256')).to.equal(undefined);
    expect(parseRouteAddress('10.0.0.1/32')).to.equal(undefined);
  });

  it('equal values have equal text, and text order is the order the speaker picks by (property)', () => {
    fc.assert(
      fc.property(anyAddress, anyAddress, (a, b) => {
        const ra = routeAddress(a);
        const rb = routeAddress(b);
        expect(ra.text === rb.text).to.equal(compareIp(ra, rb) === 0);
        expect(Math.sign(byText(ra, rb))).to.equal(ra.text < rb.text ? -1 : ra.text > rb.text ? 1 : 0);
      }),
    );
  });

  it('a route address reads as its text in JSON, messages and reports, and cannot be changed', () => {
    const r = parseRouteAddress('192.168.201.11')!;
    expect(JSON.stringify({ nextHops: [r] })).to.equal('{"nextHops":["192.168.201.11"]}');
    expect(`${r}`).to.equal('192.168.201.11');
    expect(addressTexts([r, parseRouteAddress('fd00::1')!])).to.deep.equal(['192.168.201.11', 'fd00::1']);
    expect(Object.isFrozen(r)).to.equal(true);
    expect(r).to.be.instanceOf(RouteAddress);
  });
});
