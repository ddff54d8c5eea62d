import { parseRoutePrefix, type RoutePrefix } from '../../src/ip/prefix.js';

/** A test's prefix literal as the plan carries it; a typo fails the test where it is written. */
export function routePrefixOf(text: string): RoutePrefix {
  const prefix = parseRoutePrefix(text);
  if (prefix === undefined) throw new Error(`test route prefix '${text}' is not a prefix`);
  return prefix;
}
