import { expect } from 'chai';
import fc from 'fast-check';
import {
  BgpEncodeError,
  decodeMessage,
  effectiveAggregator,
  effectiveAsPath,
  encodeAnnouncements,
  encodeMessage,
  encodeWithdrawals,
  formatNlri,
  maxMessageSize,
  type BgpMessage,
  type CodecContext,
  type Prefix,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { nlri } from './nlri-text.js';
import { encodeCapability } from '../../../src/bgp/wire/capabilities.js';
import {
  contextArb,
  notificationArb,
  openArb,
  prefixArb,
  routeRefreshArb,
  senderOf,
  updateArb,
} from './arbitraries.js';

function roundTrip(m: BgpMessage, ctx: CodecContext): BgpMessage {
  return decodeMessage(encodeMessage(m, senderOf(ctx)), ctx);
}

/** Whether the encoder must use RFC 9072 extended parameters (one capability parameter per 255 octets). */
function needsExtended(m: { capabilities: Parameters<typeof encodeCapability>[0][] }): boolean {
  let params = 0;
  let size = 0;
  let total = 0;
  for (const c of m.capabilities.map(encodeCapability)) {
    if (size + c.length > 255 || params === 0) {
      params++;
      size = 0;
    }
    size += c.length;
    total += c.length;
  }
  return total + 2 * params > 255;
}

describe('bgp wire: round trips (fast-check)', () => {
  it('OPEN with every capability kind, plain and RFC 9072 extended parameters', () => {
    fc.assert(
      fc.property(openArb, contextArb, (open, ctx) => {
        const expected = { ...open, extendedParameters: open.extendedParameters || needsExtended(open) };
        expect(roundTrip(open, ctx)).to.deep.equal(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('NOTIFICATION (with shutdown communications), ROUTE-REFRESH and KEEPALIVE', () => {
    fc.assert(
      fc.property(
        fc.oneof(notificationArb, routeRefreshArb, fc.constant({ type: 'keepalive' as const })),
        contextArb,
        (m, ctx) => {
          expect(roundTrip(m, ctx)).to.deep.equal(m);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('UPDATE with every attribute kind, IPv4/IPv6, 2- and 4-octet AS, with and without ADD-PATH', () => {
    let encoded = 0;
    fc.assert(
      fc.property(
        contextArb.chain((ctx) => fc.tuple(fc.constant(ctx), updateArb(ctx))),
        ([ctx, m]) => {
          let bytes: Buffer;
          try {
            bytes = encodeMessage(m, senderOf(ctx));
          } catch (e) {
            // Only a message over the negotiated size may be refused.
            expect(e).to.be.instanceOf(BgpEncodeError);
            expect(String(e)).to.match(/exceeds/);
            return;
          }
          expect(bytes.length).to.be.at.most(maxMessageSize(ctx));
          expect(decodeMessage(bytes, ctx)).to.deep.equal(m);
          encoded++;
        },
      ),
      { numRuns: 400 },
    );
    // The size refusal must stay the exception, or the property would prove little.
    expect(encoded).to.be.greaterThan(300);
  });

  it('splits AS paths longer than 255 ASes and sends AS_TRANS + AS4_PATH to a 2-octet peer', () => {
    const asns = Array.from({ length: 600 }, (_, i) => 4200000000 + i);
    const m: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      attributes: {
        origin: 0,
        asPath: [{ type: 2, asns }],
        nextHop: '192.0.2.1',
        aggregator: { asn: 4200000009, address: '192.0.2.9' },
      },
      nlri: [nlri('198.51.100.0/24')],
    };
    const as4 = {
      fourOctetAs: true,
      extendedMessage: false,
      addPath: { send: { ipv4: false, ipv6: false }, receive: { ipv4: false, ipv6: false } },
      ibgp: false,
    };
    const wide = decodeMessage(encodeMessage(m, as4), as4) as UpdateMessage;
    expect(wide.attributes.asPath?.map((s) => s.asns.length)).to.deep.equal([255, 255, 90]);
    expect(wide.attributes.asPath?.flatMap((s) => s.asns)).to.deep.equal(asns);
    const as2 = { ...as4, fourOctetAs: false };
    const narrow = decodeMessage(encodeMessage(m, as2), as2) as UpdateMessage;
    expect(narrow.attributes.asPath?.flatMap((s) => s.asns)).to.deep.equal(asns.map(() => 23456));
    expect(narrow.attributes.as4Path?.flatMap((s) => s.asns)).to.deep.equal(asns);
    expect(effectiveAsPath(narrow.attributes)).to.deep.equal(wide.attributes.asPath);
    expect(narrow.attributes.aggregator).to.deep.equal({ asn: 23456, address: '192.0.2.9' });
    expect(effectiveAggregator(narrow.attributes)).to.deep.equal({ asn: 4200000009, address: '192.0.2.9' });
    expect(narrow.attributes.as4Aggregator).to.deep.equal({ asn: 4200000009, address: '192.0.2.9' });
  });

  it('packs announcements and withdrawals under the maximum size and loses no prefix', () => {
    const familyCase = fc.constantFrom(4 as const, 6 as const).chain((family) =>
      contextArb.chain((ctx) =>
        fc.tuple(
          fc.constant(family),
          fc.constant(ctx),
          fc.array(prefixArb(family, family === 4 ? ctx.addPath.send.ipv4 : ctx.addPath.send.ipv6), {
            maxLength: 3000,
          }),
        ),
      ),
    );
    fc.assert(
      fc.property(familyCase, ([family, ctx, prefixes]) => {
        const attrs = {
          origin: 0,
          asPath: [{ type: 2, asns: [65000] }],
          nextHop: '192.0.2.1',
          communities: [1, 2, 3],
          mpReach: { afi: 2, safi: 1, nextHop: { global: '2001:db8::1', linkLocal: 'fe80::1' }, nlri: [] },
        };
        const rx: CodecContext = {
          ...ctx,
          addPath: { receive: ctx.addPath.send, send: ctx.addPath.receive },
        };
        const got: Prefix[] = [];
        for (const b of encodeAnnouncements(attrs, prefixes, ctx)) {
          expect(b.length).to.be.at.most(maxMessageSize(ctx));
          const u = decodeMessage(b, rx) as UpdateMessage;
          got.push(...(family === 4 ? u.nlri : (u.attributes.mpReach?.nlri ?? [])));
          expect(u.attributes.communities).to.deep.equal([1, 2, 3]);
        }
        expect(got).to.deep.equal(prefixes);
        const gone: Prefix[] = [];
        for (const b of encodeWithdrawals(prefixes, ctx)) {
          expect(b.length).to.be.at.most(maxMessageSize(ctx));
          const u = decodeMessage(b, rx) as UpdateMessage;
          gone.push(...(family === 4 ? u.withdrawn : (u.attributes.mpUnreach?.withdrawn ?? [])));
        }
        expect(gone).to.deep.equal(prefixes);
      }),
      { numRuns: 60 },
    );
  });

  it('prefix text round trip for IPv4 and IPv6', () => {
    fc.assert(
      fc.property(fc.oneof(prefixArb(4, false), prefixArb(6, false)), (p) => {
        expect(nlri(formatNlri(p))).to.deep.equal(p);
      }),
      { numRuns: 2000 },
    );
    expect(formatNlri(nlri('192.168.197.0/32'))).to.equal('192.168.197.0/32');
    expect(formatNlri(nlri('2001:0db8:0:0:1:0:0:0/128'))).to.equal('2001:db8:0:0:1::/128');
  });
});
