import { expect } from 'chai';
import { asPathLength, effectiveAsPath, formatAsPath } from '../../../src/bgp/wire/index.js';

describe('bgp wire: AS path helpers', () => {
  it('merges AS_PATH and AS4_PATH per RFC 6793 §4.2.3, keeping leading 2-octet-only hops', () => {
    const attrs = {
      asPath: [
        { type: 2, asns: [65010, 23456, 23456] },
        { type: 1, asns: [23456, 65011] },
      ],
      as4Path: [
        { type: 2, asns: [4200000001, 4200000002] },
        { type: 1, asns: [4200000003, 65011] },
      ],
    };
    expect(effectiveAsPath(attrs)).to.deep.equal([{ type: 2, asns: [65010] }, ...attrs.as4Path]);
    // AS4_PATH longer than AS_PATH is ignored.
    expect(effectiveAsPath({ asPath: [{ type: 2, asns: [1] }], as4Path: attrs.as4Path })).to.deep.equal([
      { type: 2, asns: [1] },
    ]);
    // An AGGREGATOR with a real AS makes the AS4 attributes stale.
    const agg = {
      ...attrs,
      aggregator: { asn: 65012, address: '192.0.2.1' },
      as4Aggregator: { asn: 4200000009, address: '192.0.2.1' },
    };
    expect(effectiveAsPath(agg)).to.deep.equal(attrs.asPath);
  });

  it('keeps a leading confederation segment when merging, even when AS4_PATH replaces every AS (RFC 6793 §4.2.3)', () => {
    const as4Path = [{ type: 2, asns: [4200000001, 4200000002] }];
    const confed = { type: 3, asns: [65001, 65002] };
    expect(effectiveAsPath({ asPath: [confed, { type: 2, asns: [23456, 23456] }], as4Path })).to.deep.equal([
      confed,
      ...as4Path,
    ]);
    // A confederation segment after a kept segment is kept too; one after the cut is not.
    const set = { type: 4, asns: [65003] };
    expect(
      effectiveAsPath({
        asPath: [{ type: 2, asns: [65010] }, set, { type: 2, asns: [23456, 23456] }, confed],
        as4Path,
      }),
    ).to.deep.equal([{ type: 2, asns: [65010] }, set, ...as4Path]);
  });

  it('counts and prints paths like vtysh', () => {
    const segs = [
      { type: 3, asns: [65001] },
      { type: 2, asns: [65000, 64512] },
      { type: 1, asns: [1, 2] },
    ];
    expect(asPathLength(segs)).to.equal(3);
    expect(formatAsPath(segs)).to.equal('(65001) 65000 64512 {1,2}');
  });
});
