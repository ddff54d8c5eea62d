import type { DesiredRoute } from '../../src/bgp/routes.js';
import { parseRoutePrefix, type RoutePrefix } from '../../src/ip/prefix.js';

/** A test's prefix literal as the plan carries it; a typo fails the test where it is written. */
export function routePrefixOf(text: string): RoutePrefix {
  const prefix = parseRoutePrefix(text);
  if (prefix === undefined) throw new Error(`test route prefix '${text}' is not a prefix`);
  return prefix;
}

/** A route as JSON carries it to a lab child process: the prefix becomes its text on the way. */
export type DesiredRouteJson = Omit<DesiredRoute, 'prefix'> & { prefix: string | RoutePrefix };

/** Routes read back from JSON, their prefixes values again. */
export function routesFromJson(routes: readonly DesiredRouteJson[]): DesiredRoute[] {
  return routes.map((r) => ({
    ...r,
    prefix: typeof r.prefix === 'string' ? routePrefixOf(r.prefix) : r.prefix,
  }));
}
