/*
 * The structural check of one prefix's entries in `show ip route json`, written out by hand for
 * the hot path of a full table (issue #6: zod's pass and the copies it makes cost about a fifth of
 * a 100k-route parse). It accepts exactly what `routeListSchema` in parse-json.ts accepts; that
 * schema stays the definition and the source of the error message when this check says no, and a
 * property test holds the two to the same verdicts.
 */

/** A route entry as FRR prints it, reduced to the fields we read (others are let through). */
export interface RawRouteNexthop {
  fib?: boolean;
  ip?: string;
  interfaceName?: string;
  active?: boolean;
  directlyConnected?: boolean;
  weight?: number;
}

export interface RawRoute {
  prefix: string;
  protocol: string;
  selected?: boolean;
  installed?: boolean;
  queued?: boolean;
  failed?: boolean;
  distance?: number;
  metric?: number;
  uptime: string;
  nexthops: RawRouteNexthop[];
}

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalBoolean(v: unknown): boolean {
  return v === undefined || typeof v === 'boolean';
}

function optionalString(v: unknown): boolean {
  return v === undefined || typeof v === 'string';
}

/** zod's `z.number().int().nonnegative()`: a safe integer, zero or more. */
function optionalCount(v: unknown): boolean {
  return v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
}

function isNexthop(v: unknown): v is RawRouteNexthop {
  return (
    isObject(v) &&
    optionalBoolean(v.fib) &&
    optionalString(v.ip) &&
    optionalString(v.interfaceName) &&
    optionalBoolean(v.active) &&
    optionalBoolean(v.directlyConnected) &&
    optionalCount(v.weight)
  );
}

function isRoute(v: unknown): v is RawRoute {
  if (
    !isObject(v) ||
    typeof v.prefix !== 'string' ||
    typeof v.protocol !== 'string' ||
    !optionalBoolean(v.selected) ||
    !optionalBoolean(v.installed) ||
    !optionalBoolean(v.queued) ||
    !optionalBoolean(v.failed) ||
    !optionalCount(v.distance) ||
    !optionalCount(v.metric) ||
    typeof v.uptime !== 'string'
  ) {
    return false;
  }
  const hops = v.nexthops;
  if (!Array.isArray(hops)) return false;
  for (let i = 0; i < hops.length; i += 1) if (!isNexthop(hops[i])) return false;
  return true;
}

/** One prefix's value: an array of route entries, each with the fields we read well-typed. */
export function isRouteList(v: unknown): v is RawRoute[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i += 1) if (!isRoute(v[i])) return false;
  return true;
}
