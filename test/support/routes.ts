import type { DesiredRoute } from '../../src/bgp/routes.js';
import type { PlannedRoute } from '../../src/sync/plan-types.js';
import { parseRouteAddress, type RouteAddress } from '../../src/ip/address.js';
import { parseCommunityLiteral, RouteCommunity, RouteLargeCommunity } from '../../src/ip/community.js';
import { parseRoutePrefix, type RoutePrefix } from '../../src/ip/prefix.js';

/** A test's prefix literal as the plan carries it; a typo fails the test where it is written. */
export function routePrefixOf(text: string): RoutePrefix {
  const prefix = parseRoutePrefix(text);
  if (prefix === undefined) throw new Error(`test route prefix '${text}' is not a prefix`);
  return prefix;
}

/** A test's address literal as the plan carries a next hop; a typo fails where it is written. */
export function routeAddressOf(text: string): RouteAddress {
  const address = parseRouteAddress(text);
  if (address === undefined) throw new Error(`test next hop '${text}' is not an address`);
  return address;
}

/** A test's next-hop literals as a route's next hops. */
export function nextHopsOf(texts: readonly string[]): RouteAddress[] {
  return texts.map(routeAddressOf);
}

/** A route as JSON carries it to a lab child process: its values become text on the way. */
export type DesiredRouteJson = Omit<
  DesiredRoute,
  'prefix' | 'nextHops' | 'communities' | 'largeCommunities'
> & {
  prefix: string | RoutePrefix;
  nextHops: ReadonlyArray<string | RouteAddress>;
  communities: ReadonlyArray<string | RouteCommunity>;
  largeCommunities: ReadonlyArray<string | RouteLargeCommunity>;
};

/**
 * Turns routes read back from JSON into values again: prefixes, next hops and communities. A next
 * hop is one value per address, shared by its routes, as the planner makes one per Node: a lab
 * child's memory then counts what `run`'s does.
 */
function routeFromJson(): (r: DesiredRouteJson) => DesiredRoute {
  const hops = new Map<string, RouteAddress>();
  const hopOf = (text: string): RouteAddress => {
    let hop = hops.get(text);
    if (hop === undefined) hops.set(text, (hop = routeAddressOf(text)));
    return hop;
  };
  return (r) => ({
    ...r,
    prefix: typeof r.prefix === 'string' ? routePrefixOf(r.prefix) : r.prefix,
    nextHops: r.nextHops.map((hop) => (typeof hop === 'string' ? hopOf(hop) : hop)),
    communities: r.communities.map((c) => (typeof c === 'string' ? communitiesOf([c])[0]! : c)),
    largeCommunities: r.largeCommunities.map((c) =>
      typeof c === 'string' ? largeCommunitiesOf([c])[0]! : c,
    ),
  });
}

/** Routes read back from JSON, as values again. */
export function routesFromJson(routes: readonly DesiredRouteJson[]): DesiredRoute[] {
  return routes.map(routeFromJson());
}

/**
 * Routes parsed from JSON text, each made a value as soon as it is read: the whole table is never
 * held twice (as JSON and as values), so a lab child's peak memory is the speaker's own.
 */
export function parseRoutesJson(text: string): DesiredRoute[] {
  const convert = routeFromJson();
  return JSON.parse(text, (_key, value: unknown) =>
    typeof value === 'object' && value !== null && 'prefix' in value && 'nextHops' in value
      ? convert(value as DesiredRouteJson)
      : value,
  ) as DesiredRoute[];
}

/** A test's `ASN:VALUE` literals as a route's standard communities; a typo fails where it is written. */
export function communitiesOf(texts: readonly string[]): RouteCommunity[] {
  return texts.map((text) => {
    const parsed = parseCommunityLiteral(text);
    if (!parsed.ok || parsed.community.kind !== 'standard')
      throw new Error(`test community '${text}' is not ASN:VALUE`);
    return new RouteCommunity(parsed.community.value);
  });
}

/** A test's `A:B:C` literals as a route's large communities. */
export function largeCommunitiesOf(texts: readonly string[]): RouteLargeCommunity[] {
  return texts.map((text) => {
    const parsed = parseCommunityLiteral(`large:${text}`);
    if (!parsed.ok || parsed.community.kind !== 'large')
      throw new Error(`test large community '${text}' is not A:B:C`);
    return new RouteLargeCommunity(parsed.community.value);
  });
}

/** An IPv4 route of the plan with no communities, from a test's literals. */
export function plannedRouteOf(prefix: string, nextHops: string[], services: string[]): PlannedRoute {
  return {
    prefix: routePrefixOf(prefix),
    family: 4,
    nextHops: nextHopsOf(nextHops),
    communities: [],
    largeCommunities: [],
    services,
  };
}
