import { expect } from 'chai';
import fc from 'fast-check';
import { isIP } from 'node:net';
import { canonicalIp, formatIp, formatPrefix, maskToPrefix, parseIp } from '../../src/sync/ip/address.js';
import { IntervalSet } from '../../src/sync/allocator/interval-set.js';
import { RangeSpace, isBuggyIp } from '../../src/sync/allocator/range-space.js';
import { range } from './builders.js';

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

/** Any IPv6 value, one in four of them IPv4-mapped (::ffff:0:0/96). */
const ipv6Value = fc.oneof(
  { weight: 3, arbitrary: fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0xffffffffn }).map((v4) => (0xffffn << 32n) | v4) },
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
    expect(formatPrefix(4, maskToPrefix(4, 0xc0a8c5fen, 24), 24)).to.equal('192.168.197.0/24');
    const v6 = parseIp('fd00:197::ff01')?.value ?? 0n;
    expect(formatPrefix(6, maskToPrefix(6, v6, 64), 64)).to.equal('fd00:197::/64');
    expect(formatPrefix(6, maskToPrefix(6, v6, 128), 128)).to.equal('fd00:197::ff01/128');
  });
});

describe('IntervalSet', () => {
  it('behaves like a set and finds the lowest free value (property against a model)', () => {
    const op = fc.record({ add: fc.boolean(), value: fc.integer({ min: 0, max: 40 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), fc.integer({ min: 0, max: 40 }), (ops, lo) => {
        const set = new IntervalSet();
        const model = new Set<number>();
        for (const o of ops) {
          const changed = o.add ? set.add(BigInt(o.value)) : set.delete(BigInt(o.value));
          expect(changed).to.equal(o.add ? !model.has(o.value) : model.has(o.value));
          if (o.add) model.add(o.value);
          else model.delete(o.value);
        }
        expect(set.size).to.equal(model.size);
        for (let v = 0; v <= 40; v++) expect(set.has(BigInt(v))).to.equal(model.has(v));
        let expected: number | undefined;
        for (let v = lo; v <= 40; v++) {
          if (!model.has(v)) {
            expected = v;
            break;
          }
        }
        const got = set.lowestFree(BigInt(lo), 40n);
        expect(got === undefined ? undefined : Number(got)).to.equal(expected);
      }),
    );
  });

  it('keeps one run for a contiguous block however large', () => {
    const set = new IntervalSet();
    for (let i = 0n; i < 1000n; i++) set.add(i);
    expect(set.runs).to.equal(1);
    set.delete(500n);
    expect(set.runs).to.equal(2);
    expect(set.lowestFree(0n, 2000n)).to.equal(500n);
  });
});

describe('RangeSpace (avoid-buggy-ips numbering)', () => {
  it('MetalLB: avoid-buggy-ips hands out every non-.0/.255 address of a /22 in order, then none', () => {
    const space = new RangeSpace(range('10.0.0.0/22'), true);
    const got: bigint[] = [];
    for (let v = space.lowestFree(); v !== undefined; v = space.lowestFree()) {
      got.push(v);
      space.markUsed(v);
    }
    const expected: bigint[] = [];
    for (let v = range('10.0.0.0/22').first; v <= range('10.0.0.0/22').last; v++)
      if (!isBuggyIp(4, v)) expected.push(v);
    expect(got).to.deep.equal(expected);
    expect(got).to.have.length(4 * 254);
  });

  it('contains() excludes .0 and .255 only when avoiding buggy IPs, and only for IPv4', () => {
    const r = range('10.0.0.0/24');
    expect(new RangeSpace(r, true).contains(4, r.first)).to.equal(false);
    expect(new RangeSpace(r, false).contains(4, r.first)).to.equal(true);
    const v6 = range('fd00::/120');
    expect(new RangeSpace(v6, true).contains(6, v6.first)).to.equal(true);
  });
});
