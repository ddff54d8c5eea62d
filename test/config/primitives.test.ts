import { expect } from 'chai';
import fc from 'fast-check';
import { formatAddressRange, parseAddressRange } from '../../src/config/addresses.js';
import { formatIp, parseIp } from '../../src/ip/address.js';
import { communityLiteral, parseCommunity } from '../../src/ip/community.js';
import { formatPrefix, rangeToPrefixes } from '../../src/ip/prefix.js';
import { formatGoDuration, parseGoDuration } from '../../src/config/duration.js';

describe('config: durations', () => {
  const table: Array<[string, number | undefined]> = [
    ['90s', 90_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['.5s', 500],
    ['300ms', 300],
    ['1h2m3s4ms', 3_723_004],
    ['500us', 0.5],
    ['0', 0],
    ['0s', 0],
    ['+3s', 3_000],
    ['90', undefined],
    ['-3s', undefined],
    ['3 s', undefined],
    ['s', undefined],
    ['', undefined],
    ['1d', undefined],
  ];
  for (const [text, ms] of table) {
    it(`parses ${JSON.stringify(text)} as ${String(ms)}`, () => {
      expect(parseGoDuration(text)).to.equal(ms);
    });
  }

  it('formats as Go does', () => {
    expect(formatGoDuration(90_000)).to.equal('1m30s');
    expect(formatGoDuration(30_000)).to.equal('30s');
    expect(formatGoDuration(3_600_000)).to.equal('1h0m0s');
    expect(formatGoDuration(250)).to.equal('250ms');
    expect(formatGoDuration(0)).to.equal('0s');
  });

  it('round-trips whole milliseconds through format and parse', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseGoDuration(formatGoDuration(ms))).to.equal(ms);
      }),
    );
  });
});

describe('config: communities', () => {
  const aliases = new Map([
    ['frontend', '64500:100'],
    ['big', 'large:64500:1:2'],
  ]);
  const ok: Array<[string, 'standard' | 'large', string]> = [
    ['64500:100', 'standard', '64500:100'],
    ['0:0', 'standard', '0:0'],
    ['65535:65535', 'standard', '65535:65535'],
    ['064500:0100', 'standard', '64500:100'],
    ['large:4294967295:0:1', 'large', '4294967295:0:1'],
    ['no-export', 'standard', '65535:65281'],
    ['no-advertise', 'standard', '65535:65282'],
    ['no-export-subconfed', 'standard', '65535:65283'],
    ['local-as', 'standard', '65535:65283'],
    ['no-peer', 'standard', '65535:65284'],
    ['blackhole', 'standard', '65535:666'],
    ['graceful-shutdown', 'standard', '65535:0'],
    ['frontend', 'standard', '64500:100'],
    ['big', 'large', '64500:1:2'],
  ];
  for (const [text, kind, value] of ok) {
    it(`resolves ${text}`, () => {
      const parsed = parseCommunity(text, aliases);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.community.kind).to.equal(kind);
      expect(communityLiteral(parsed.community)).to.equal(kind === 'large' ? `large:${value}` : value);
    });
  }
  const bad: Array<[string, string]> = [
    ['65536:1', 'is not a valid community: want ASN:VALUE, each 0..65535'],
    ['1:-1', 'is not a valid community: want ASN:VALUE, each 0..65535'],
    [
      'large:1:2',
      'is not a valid community: want ASN:VALUE (each 0..65535) or large:A:B:C (each 0..4294967295)',
    ],
    ['large:1:2:x', 'is not a valid large community: want large:A:B:C, each 0..4294967295'],
    ['1:2:3', 'is not a valid community: want ASN:VALUE (each 0..65535) or large:A:B:C (each 0..4294967295)'],
    ['backend', 'is neither a community nor a known community alias'],
    ['No-Export', 'is neither a community nor a known community alias'],
  ];
  for (const [text, reason] of bad) {
    it(`rejects ${text}`, () => {
      expect(parseCommunity(text, aliases)).to.deep.equal({ ok: false, reason });
    });
  }
});

describe('config: addresses and ranges', () => {
  it('parses CIDRs and ranges into bigint bounds', () => {
    expect(parseAddressRange('192.168.197.0/24')).to.deep.equal({
      ok: true,
      range: { text: '192.168.197.0/24', family: 4, first: 0xc0a8c500n, last: 0xc0a8c5ffn },
    });
    expect(parseAddressRange(' 10.0.0.1 - 10.0.0.9 ')).to.deep.equal({
      ok: true,
      range: { text: '10.0.0.1 - 10.0.0.9', family: 4, first: 0x0a000001n, last: 0x0a000009n },
    });
    expect(parseAddressRange('2001:db8::/127')).to.deep.equal({
      ok: true,
      range: {
        text: '2001:db8::/127',
        family: 6,
        first: 0x20010db8000000000000000000000000n,
        last: 0x20010db8000000000000000000000001n,
      },
    });
  });

  it('accepts host bits in a CIDR like MetalLB, with a note', () => {
    const parsed = parseAddressRange('10.0.0.1/24');
    expect(parsed).to.deep.include({ ok: true, note: 'has host bits set; the pool uses 10.0.0.0/24' });
  });

  it('refuses zones, prefixes out of range and non-addresses', () => {
    for (const text of [
      'fe80::1%eth0/64',
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0/',
      'x/24',
      '10.0.0.0/2a',
    ]) {
      expect(parseAddressRange(text), text).to.deep.equal({
        ok: false,
        reason: 'is not a CIDR or an address range',
      });
    }
    expect(parseIp('fe80::1%eth0')).to.equal(undefined);
    expect(parseIp('010.0.0.1')).to.equal(undefined);
  });

  it('formats IPv6 as RFC 5952 does', () => {
    const v6 = (t: string) => parseIp(t)?.value as bigint;
    expect(formatIp(6, v6('2001:0db8:0000:0000:0000:0000:0000:0001'))).to.equal('2001:db8::1');
    expect(formatIp(6, v6('2001:db8:0:1:0:0:0:1'))).to.equal('2001:db8:0:1::1');
    expect(formatIp(6, v6('2001:db8:0:0:1:0:0:1'))).to.equal('2001:db8::1:0:0:1');
    expect(formatIp(6, v6('2001:db8:1:1:1:1:0:1'))).to.equal('2001:db8:1:1:1:1:0:1');
    expect(formatIp(6, 0n)).to.equal('::');
  });

  it('splits a range into the fewest CIDRs', () => {
    const parsed = parseAddressRange('10.0.0.1-10.0.0.6');
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(rangeToPrefixes(4, parsed.range.first, parsed.range.last).map(formatPrefix)).to.deep.equal([
      '10.0.0.1/32',
      '10.0.0.2/31',
      '10.0.0.4/31',
      '10.0.0.6/32',
    ]);
  });

  const family4 = fc.tuple(
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
    fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
  );
  const family6 = fc.tuple(
    fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
    fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }),
  );
  const anyRange = fc.oneof(
    family4.map(([a, b]) => ({ family: 4 as const, first: a < b ? a : b, last: a < b ? b : a })),
    family6.map(([a, b]) => ({ family: 6 as const, first: a < b ? a : b, last: a < b ? b : a })),
  );

  it('round-trips range -> text -> range, and the text is canonical', () => {
    fc.assert(
      fc.property(anyRange, (range) => {
        const text = formatAddressRange(range);
        const parsed = parseAddressRange(text);
        expect(parsed).to.deep.equal({ ok: true, range: { text, ...range } });
        expect(formatAddressRange(parsed.ok ? parsed.range : range)).to.equal(text);
      }),
    );
  });

  it('covers a range exactly with its CIDRs, in order and without gaps', () => {
    fc.assert(
      fc.property(anyRange, (range) => {
        const cidrs = rangeToPrefixes(range.family, range.first, range.last);
        const bits = range.family === 4 ? 32 : 128;
        let next = range.first;
        for (const c of cidrs) {
          expect(c.network).to.equal(next);
          const size = 1n << BigInt(bits - c.length);
          expect(c.network % size).to.equal(0n);
          next = c.network + size;
        }
        expect(next - 1n).to.equal(range.last);
      }),
    );
  });
});
