import { appendAll } from '../util/arrays.js';
import type { NlriRef, RibChanges } from './adj-rib-out.js';
import { afiOf } from './capabilities.js';
import type { AddressFamily, PathAttributes as RouteAttributes } from './routes.js';
import {
  AsPathSegmentType,
  encodeAnnouncements,
  encodeRouteRefresh,
  encodeWithdrawals,
  Origin,
  toNlri,
  Safi,
  type CodecContext,
  type PathAttributes,
  type Prefix,
} from './wire/index.js';

export interface UpdateParams {
  ctx: CodecContext;
  localAsn: number;
}

/**
 * The wire attributes of one announcement group. ORIGIN IGP as for a `network` statement; eBGP
 * gets our AS as the AS_PATH and no LOCAL_PREF (RFC 4271 §5.1.5 forbids it), iBGP an empty AS_PATH
 * and LOCAL_PREF (default 100, mandatory there).
 */
export function wireAttributes(family: AddressFamily, a: RouteAttributes, p: UpdateParams): PathAttributes {
  const out: PathAttributes = {
    origin: Origin.Igp,
    asPath: p.ctx.ibgp ? [] : [{ type: AsPathSegmentType.AsSequence, asns: [p.localAsn] }],
  };
  if (family === 4) out.nextHop = a.nextHop.text;
  else out.mpReach = { afi: afiOf(6), safi: Safi.Unicast, nextHop: { global: a.nextHop.text }, nlri: [] };
  if (p.ctx.ibgp) out.localPref = a.localPref ?? 100;
  if (a.communities.length > 0) out.communities = [...a.communities];
  if (a.largeCommunities.length > 0) out.largeCommunities = [...a.largeCommunities];
  return out;
}

/**
 * Prefixes are converted to wire form (bytes) a slice at a time, so a 100k-route table never holds
 * 100k wire prefixes at once; the cost is at most one partly filled UPDATE per slice.
 */
const SLICE = 8192;

function encodeInSlices(
  nlri: readonly NlriRef[],
  family: AddressFamily,
  ctx: CodecContext,
  encode: (prefixes: Prefix[]) => Buffer[],
): Buffer[] {
  const withIds = family === 4 ? ctx.addPath.send.ipv4 : ctx.addPath.send.ipv6;
  const out: Buffer[] = [];
  for (let i = 0; i < nlri.length; i += SLICE) {
    const prefixes = nlri.slice(i, i + SLICE).map((n) => toNlri(n.prefix, withIds ? n.pathId : undefined));
    for (const b of encode(prefixes)) out.push(b);
  }
  return out;
}

/** Withdrawals first, so a path id that moved to another next hop is never briefly doubled. */
export function encodeRibChanges(changes: RibChanges, p: UpdateParams): Buffer[] {
  const out: Buffer[] = [];
  for (const w of changes.withdrawals) {
    appendAll(
      out,
      encodeInSlices(w.nlri, w.family, p.ctx, (prefixes) => encodeWithdrawals(prefixes, p.ctx)),
    );
  }
  for (const g of changes.announcements) {
    const attrs = wireAttributes(g.family, g.attributes, p);
    appendAll(
      out,
      encodeInSlices(g.nlri, g.family, p.ctx, (prefixes) => encodeAnnouncements(attrs, prefixes, p.ctx)),
    );
  }
  return out;
}

/** BoRR / EoRR (RFC 7313) around a re-advertisement answering a route refresh. */
export function encodeRouteRefreshMarker(family: AddressFamily, subtype: number): Buffer {
  return encodeRouteRefresh({ type: 'route-refresh', afi: afiOf(family), safi: Safi.Unicast, subtype });
}
