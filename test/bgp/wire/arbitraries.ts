import fc from 'fast-check';
import { formatIpBytes } from '../../../src/ip/address.js';
import {
  buildNotification,
  toNlri,
  type Aggregator,
  type AsPathSegment,
  type Capability,
  type CodecContext,
  type MpReach,
  type MpUnreach,
  type NotificationMessage,
  type OpenMessage,
  type PathAttributes,
  type Prefix,
  type RouteRefreshMessage,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';
import { readIpBytes } from '../../../src/ip/address.js';
import { maskToPrefix } from '../../../src/ip/prefix.js';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u24 = fc.integer({ min: 0, max: 0xffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });

export const contextArb: fc.Arbitrary<CodecContext> = fc.record({
  fourOctetAs: fc.boolean(),
  extendedMessage: fc.boolean(),
  addPath: fc.record({
    receive: fc.record({ ipv4: fc.boolean(), ipv6: fc.boolean() }),
    send: fc.record({ ipv4: fc.boolean(), ipv6: fc.boolean() }),
  }),
  ibgp: fc.constant(false),
});

/** The context a sender uses so that a receiver with `ctx` reads what it wrote. */
export function senderOf(ctx: CodecContext): CodecContext {
  return { ...ctx, addPath: { send: ctx.addPath.receive, receive: ctx.addPath.send } };
}

export function prefixArb(family: 4 | 6, addPath: boolean): fc.Arbitrary<Prefix> {
  const size = family === 4 ? 4 : 16;
  return fc
    .record({
      addr: fc.uint8Array({ minLength: size, maxLength: size }),
      len: fc.integer({ min: 0, max: size * 8 }),
      pathId: u32,
    })
    .map(({ addr, len, pathId }) =>
      toNlri(
        { family, network: maskToPrefix(family, readIpBytes(family, addr).value, len), length: len },
        addPath ? pathId : undefined,
      ),
    );
}

const afiSafi = { afi: u16, safi: u8 };

export const capabilityArb: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({ kind: fc.constant('multiprotocol' as const), ...afiSafi }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.constant({ kind: 'route-refresh-cisco' as const }),
  fc.constant({ kind: 'enhanced-route-refresh' as const }),
  fc.constant({ kind: 'extended-message' as const }),
  // RFC 7607 §2: a peer's AS is never 0.
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: u32.filter((a) => a !== 0) }),
  fc.record(
    {
      kind: fc.constant('graceful-restart' as const),
      restarting: fc.boolean(),
      notification: fc.boolean(),
      restartTime: fc.integer({ min: 0, max: 0xfff }),
      flagsReserved: fc.integer({ min: 1, max: 3 }),
      families: fc.array(
        fc.record(
          { ...afiSafi, forwarding: fc.boolean(), flagsReserved: fc.integer({ min: 1, max: 0x7f }) },
          { requiredKeys: ['afi', 'safi', 'forwarding'] },
        ),
        { maxLength: 4 },
      ),
    },
    { requiredKeys: ['kind', 'restarting', 'notification', 'restartTime', 'families'] },
  ),
  fc.record({
    kind: fc.constant('long-lived-graceful-restart' as const),
    families: fc.array(
      fc.record(
        {
          ...afiSafi,
          forwarding: fc.boolean(),
          flagsReserved: fc.integer({ min: 1, max: 0x7f }),
          staleTime: u24,
        },
        { requiredKeys: ['afi', 'safi', 'forwarding', 'staleTime'] },
      ),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    kind: fc.constant('add-path' as const),
    families: fc.array(fc.record({ ...afiSafi, send: fc.boolean(), receive: fc.boolean() }), {
      maxLength: 4,
    }),
  }),
  fc.record({
    kind: fc.constant('fqdn' as const),
    hostname: fc.string({ maxLength: 40 }),
    domain: fc.string({ maxLength: 40 }),
  }),
  fc.record({
    kind: fc.constant('extended-next-hop' as const),
    entries: fc.array(fc.record({ afi: u16, safi: u16, nextHopAfi: u16 }), { maxLength: 4 }),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: u8.filter((c) => ![1, 2, 5, 6, 64, 65, 69, 70, 71, 73, 128].includes(c)),
    value: bytes(40),
  }),
);

export const openArb: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: fc.constant(4),
  myAs: u16.filter((a) => a !== 0),
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  bgpId: fc
    .uint8Array({ minLength: 4, maxLength: 4 })
    .filter((b) => b.some((x) => x !== 0))
    .map((b) => formatIpBytes(4, b)),
  capabilities: fc.array(capabilityArb, { maxLength: 12 }),
  extendedParameters: fc.boolean(),
});

export const notificationArb: fc.Arbitrary<NotificationMessage> = fc.oneof(
  fc
    .record({ code: fc.integer({ min: 1, max: 7 }), subcode: u8, data: bytes(64) })
    .filter((n) => !(n.code === 6 && (n.subcode === 2 || n.subcode === 4)))
    .map((n) => ({ type: 'notification' as const, ...n })),
  fc
    .record({ subcode: fc.constantFrom(2, 4), text: fc.string({ maxLength: 60 }) })
    .map((n) => buildNotification(6, n.subcode, undefined, n.text)),
);

export const routeRefreshArb: fc.Arbitrary<RouteRefreshMessage> = fc.record({
  type: fc.constant('route-refresh' as const),
  afi: u16,
  safi: u8,
  subtype: u8,
});

/**
 * AS path segments as a receiver keeps them: no AS 0 (RFC 7607 §2), confederation segments (types
 * 3 and 4) only where `confed` (AS_PATH on an internal session; never in AS4_PATH, RFC 6793 §6).
 */
const segmentArb = (asn: fc.Arbitrary<number>, confed: boolean): fc.Arbitrary<AsPathSegment> =>
  fc.record({
    type: fc.integer({ min: 1, max: confed ? 4 : 2 }),
    asns: fc.array(
      asn.filter((a) => a !== 0),
      { minLength: 1, maxLength: 12 },
    ),
  });

const unicastIpv4 = fc
  .uint8Array({ minLength: 4, maxLength: 4 })
  .filter((b) => (b[0] as number) < 224 && b.some((x) => x !== 0))
  .map((b) => formatIpBytes(4, b));
const anyIpv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIpBytes(4, b));
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIpBytes(6, b));
const aggregatorArb = (asn: fc.Arbitrary<number>): fc.Arbitrary<Aggregator> =>
  fc.record({ asn: asn.filter((a) => a !== 0), address: anyIpv4 });

function mpReachArb(ctx: CodecContext): fc.Arbitrary<MpReach> {
  return fc.oneof(
    fc.record({
      afi: fc.constant(2),
      safi: fc.constant(1),
      nextHop: fc.record({ global: ipv6, linkLocal: ipv6 }, { requiredKeys: ['global'] }),
      nlri: fc.array(prefixArb(6, ctx.addPath.receive.ipv6), { minLength: 1, maxLength: 20 }),
    }),
    fc.record({
      afi: fc.constant(1),
      safi: fc.constant(1),
      nextHop: fc.oneof(fc.record({ global: anyIpv4 }), fc.record({ global: ipv6 })),
      nlri: fc.array(prefixArb(4, ctx.addPath.receive.ipv4), { minLength: 1, maxLength: 20 }),
    }),
    // A family the codec carries opaquely (here L3VPN, SAFI 128).
    fc
      .record({ afi: fc.constantFrom(1, 2, 25), nh: bytes(24), nlri: bytes(60) })
      .map(({ afi, nh, nlri }) => ({
        afi,
        safi: 128,
        nextHop: { global: '' },
        nlri: [],
        raw: { nextHop: nh, nlri },
      })),
  );
}

function mpUnreachArb(ctx: CodecContext): fc.Arbitrary<MpUnreach> {
  return fc.oneof(
    fc.record({
      afi: fc.constant(2),
      safi: fc.constant(1),
      withdrawn: fc.array(prefixArb(6, ctx.addPath.receive.ipv6), { maxLength: 20 }),
    }),
    fc.record({
      afi: fc.constant(1),
      safi: fc.constant(1),
      withdrawn: fc.array(prefixArb(4, ctx.addPath.receive.ipv4), { maxLength: 20 }),
    }),
    fc
      .record({ afi: fc.constant(2), nlri: bytes(40) })
      .map(({ afi, nlri }) => ({ afi, safi: 128, withdrawn: [], raw: nlri })),
  );
}

const KNOWN_ATTRS = [1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16, 17, 18, 32];

/** Path attributes as a decoder returns them for a receiver using `ctx`. */
export function attributesArb(ctx: CodecContext): fc.Arbitrary<PathAttributes> {
  const asn = ctx.fourOctetAs ? u32 : u16;
  const keys = {
    origin: fc.integer({ min: 0, max: 2 }),
    asPath: fc.array(segmentArb(asn, ctx.ibgp), { maxLength: 4 }),
    nextHop: unicastIpv4,
    med: u32,
    // RFC 4271 §5.1.5: only an internal peer's LOCAL_PREF is kept.
    ...(ctx.ibgp ? { localPref: u32 } : {}),
    atomicAggregate: fc.constant(true),
    aggregator: aggregatorArb(asn),
    communities: fc.array(u32, { minLength: 1, maxLength: 10 }),
    extendedCommunities: fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), {
      minLength: 1,
      maxLength: 6,
    }),
    largeCommunities: fc.array(fc.record({ globalAdmin: u32, localData1: u32, localData2: u32 }), {
      minLength: 1,
      maxLength: 6,
    }),
    mpReach: mpReachArb(ctx),
    mpUnreach: mpUnreachArb(ctx),
    unknown: fc.uniqueArray(
      fc.record({
        flags: fc.constant(0xe0),
        typeCode: u8.filter((t) => !KNOWN_ATTRS.includes(t)),
        value: bytes(300),
      }),
      // RFC 7606 §3(g): a receiver keeps one attribute of each type.
      { minLength: 1, maxLength: 3, selector: (a) => a.typeCode },
    ),
    ...(ctx.fourOctetAs
      ? {}
      : { as4Path: fc.array(segmentArb(u32, false), { maxLength: 3 }), as4Aggregator: aggregatorArb(u32) }),
  };
  return fc.record(keys, { requiredKeys: [] });
}

/** UPDATEs a receiver using `ctx` decodes without error (mandatory attributes present with NLRI). */
export function updateArb(ctx: CodecContext): fc.Arbitrary<UpdateMessage> {
  return fc
    .record({
      withdrawn: fc.array(prefixArb(4, ctx.addPath.receive.ipv4), { maxLength: 30 }),
      attributes: attributesArb(ctx),
      nlri: fc.array(prefixArb(4, ctx.addPath.receive.ipv4), { maxLength: 30 }),
    })
    .map(({ withdrawn, attributes, nlri }) => {
      const a = { ...attributes };
      const reach =
        nlri.length > 0 || (a.mpReach !== undefined && (a.mpReach.nlri.length > 0 || a.mpReach.raw));
      if (reach) {
        a.origin ??= 0;
        a.asPath ??= [];
        if (nlri.length > 0) a.nextHop ??= '192.0.2.1';
      }
      return { type: 'update' as const, withdrawn, attributes: a, nlri };
    });
}
