import type { RouteAddress } from '../ip/address.js';
import {
  communityTexts,
  type LargeCommunity,
  type RouteCommunity,
  type RouteLargeCommunity,
} from '../ip/community.js';
import type { RoutePrefix } from '../ip/prefix.js';

/**
 * What the speaker is told to announce to one peer. The speaker owns this shape and knows nothing
 * of the planner; the planner's PlannedRoute has these fields too, so a plan's per-peer routes are
 * handed over unchanged.
 */
export interface DesiredRoute {
  /** The prefix as a value with its canonical text (`192.168.197.0/32`, `2001:db8::1/128`). */
  prefix: RoutePrefix;
  /** Node addresses, as values with their canonical text: one path each when the peer takes ADD-PATH. */
  nextHops: RouteAddress[];
  localPref?: number;
  communities: RouteCommunity[];
  largeCommunities: RouteLargeCommunity[];
}

export type AddressFamily = 4 | 6;

/**
 * The attributes that vary per route, as the encoder takes them (communities as the numbers the
 * config parsed them to); AS_PATH and ORIGIN are fixed per session by the
 * encoder. The next hop is the route's value; the codec's form of it is its text, in both
 * directions, taken once per UPDATE group.
 */
export interface PathAttributes {
  nextHop: RouteAddress;
  localPref?: number;
  communities: readonly number[];
  largeCommunities: readonly LargeCommunity[];
}

/** One path as sent on the wire: with ADD-PATH a prefix may carry several, told apart by pathId. */
export interface OutPath {
  family: AddressFamily;
  /** The route's prefix: the encoder's input; its text is the key paths are found by. */
  prefix: RoutePrefix;
  /** 0 when ADD-PATH send is not in use for the family. */
  pathId: number;
  attributes: PathAttributes;
}

/** Identity of a path in an Adj-RIB: the same (prefix, pathId) replaces, a new one adds. */
export function pathKey(prefix: string, pathId: number): string {
  // Flat, as formatPrefix's text: an Adj-RIB keeps one key per path.
  return [prefix, pathId].join('#');
}

/**
 * Two paths with equal attribute keys may share one UPDATE message. Made from the route's text, so
 * an attribute set is parsed only the first time it is seen; communities are validated `a:b` /
 * `a:b:c`, so they never contain the separators.
 */
export function attributesKey(
  family: AddressFamily,
  nextHop: RouteAddress,
  r: Pick<DesiredRoute, 'localPref' | 'communities' | 'largeCommunities'>,
): string {
  return `${family}|${nextHop.text}|${r.localPref ?? ''}|${communityTexts(r.communities).join(',')}|${communityTexts(r.largeCommunities).join(',')}`;
}
