import { expect } from 'chai';
import fc from 'fast-check';
import {
  communityLiteral,
  communityName,
  formatLargeCommunity,
  parseCommunity,
  parseCommunityLiteral,
  WELL_KNOWN_COMMUNITIES,
} from '../../src/ip/community.js';

describe('ip: communities', () => {
  it('prints received communities by their well-known names (RFC 1997), others as ASN:VALUE', () => {
    expect(communityName(65000 * 65536 + 100)).to.equal('65000:100');
    expect(communityName(0xffffff01)).to.equal('no-export');
    expect(communityName(0xffffff02)).to.equal('no-advertise');
    expect(communityName(0xffff029a)).to.equal('blackhole');
    // MetalLB's `local-as` is an alias; the value prints by its RFC 1997 name.
    expect(communityName(0xffffff03)).to.equal('no-export-subconfed');
  });

  it('parses every well-known name to the value it prints back as', () => {
    for (const [name, value] of Object.entries(WELL_KNOWN_COMMUNITIES)) {
      expect(parseCommunity(name)).to.deep.equal({ ok: true, community: { kind: 'standard', value } });
      if (name !== 'local-as') expect(communityName(value)).to.equal(name);
    }
  });

  it('prints large communities as FRR does (RFC 8092)', () => {
    const parsed = parseCommunityLiteral('large:4200000000:1:2');
    if (!parsed.ok || parsed.community.kind !== 'large') throw new Error('did not parse');
    expect(formatLargeCommunity(parsed.community.value)).to.equal('4200000000:1:2');
  });

  it('parse(literal(x)) == x for every community (property)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
    const community = fc.oneof(
      u32.map((value) => ({ kind: 'standard' as const, value })),
      fc.tuple(u32, u32, u32).map(([a, b, c]) => ({
        kind: 'large' as const,
        value: { globalAdmin: a, localData1: b, localData2: c },
      })),
    );
    fc.assert(
      fc.property(community, (c) => {
        expect(parseCommunityLiteral(communityLiteral(c))).to.deep.equal({ ok: true, community: c });
      }),
    );
  });
});
