import * as z from 'zod';
import { formatIp, parseIp } from '../ip/address.js';
import { parseAddressRange } from './addresses.js';
import { parseGoDuration } from './duration.js';
import { valueAt, type PathSegment } from './field-path.js';
import { childSite, type IssueCollector, type Site } from './issues.js';
import type { AddressRange, LabelSelector } from './model.js';
import { once } from '../util/once.js';

/** Field schemas shared by the three config forms; each converts as it validates. */

export const ipAddress = once(() =>
  z.string({ error: 'must be an IP address' }).transform((text, ctx) => {
    const ip = parseIp(text.trim());
    if (!ip) {
      ctx.addIssue({ code: 'custom', message: 'is not an IP address' });
      return z.NEVER;
    }
    return formatIp(ip.family, ip.value);
  }),
);

export const ipv4Address = once(() =>
  ipAddress().refine((text) => !text.includes(':'), {
    error: 'is not an IPv4 address',
  }),
);

export const asn = once(() =>
  z
    .number({ error: 'must be an AS number' })
    .int({ error: 'must be a whole number' })
    .refine((n) => n >= 1 && n <= 0xffff_ffff, {
      error: 'is out of range: an AS number is 1..4294967295',
    }),
);

export const port = once(() =>
  z
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'is out of range: a port is 1..65535' })
    .max(65535, { error: 'is out of range: a port is 1..65535' }),
);

/** A duration as Go writes it (`90s`, `1m30s`) or a plain number of seconds; output in ms. */
export const duration = once(() =>
  z
    .union([z.number(), z.string()], { error: 'must be a duration like "90s" or a number of seconds' })
    .transform((v, ctx) => {
      const ms = typeof v === 'number' ? v * 1000 : parseGoDuration(v);
      if (ms === undefined || ms < 0 || !Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: 'is not a duration (want e.g. "90s", "1m30s" or 90)' });
        return z.NEVER;
      }
      return ms;
    }),
);

export interface ParsedRange {
  range: AddressRange;
  note?: string;
}

export const addressRange = once(() =>
  z.string({ error: 'must be a CIDR or an address range' }).transform((text, ctx): ParsedRange => {
    const parsed = parseAddressRange(text);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.reason });
      return z.NEVER;
    }
    return { range: parsed.range, note: parsed.note };
  }),
);

export const uint32 = (what: string) =>
  z
    .number({ error: `must be a number` })
    .int({ error: 'must be a whole number' })
    .min(0, { error: `is out of range: ${what} is 0..4294967295` })
    .max(4294967295, { error: `is out of range: ${what} is 0..4294967295` });

export const aggregationLength = (max: 32 | 128) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(0, { error: `is out of range: an aggregation length is 0..${max}` })
    .max(max, { error: `is out of range: an aggregation length is 0..${max}` });

const labelMap = once(() =>
  z.record(z.string(), z.string({ error: 'must be a string' }), {
    error: 'must be a mapping of label names to values',
  }),
);

const requirement = once(() =>
  z.strictObject({
    key: z.string({ error: 'must be a label name' }),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
    values: z.array(z.string()).optional(),
  }),
);

/** A Kubernetes label selector in the CRD spelling (matchLabels / matchExpressions). */
export const labelSelector = once(() =>
  z
    .strictObject({ matchLabels: labelMap().optional(), matchExpressions: z.array(requirement()).optional() })
    .transform((s): LabelSelector => ({
      matchLabels: s.matchLabels ?? {},
      matchExpressions: (s.matchExpressions ?? []).map((r) => ({ ...r, values: r.values ?? [] })),
    })),
);

/** The same selector in the legacy ConfigMap spelling (match-labels / match-expressions). */
export const legacyLabelSelector = once(() =>
  z
    .strictObject({
      'match-labels': labelMap().optional(),
      'match-expressions': z.array(requirement()).optional(),
    })
    .transform((s): LabelSelector => ({
      matchLabels: s['match-labels'] ?? {},
      matchExpressions: (s['match-expressions'] ?? []).map((r) => ({ ...r, values: r.values ?? [] })),
    })),
);

/**
 * Validates `value` (found at `site`) against a strict schema. Unknown keys become warnings and
 * are dropped; every other problem becomes an error at its full path. Returns undefined when
 * there were errors.
 */
export function parseAt<S extends z.ZodType>(
  schema: S,
  value: unknown,
  site: Site,
  issues: IssueCollector,
): z.output<S> | undefined {
  const first = schema.safeParse(value);
  if (first.success) return first.data;
  const unknown = first.error.issues.filter((i) => i.code === 'unrecognized_keys');
  const others = first.error.issues.filter((i) => i.code !== 'unrecognized_keys');
  for (const issue of unknown) warnUnknownKeys(issue, site, issues);
  if (others.length === 0) {
    // Only unknown keys: drop them and parse again; anything left now is a real error.
    const input = withoutKeys(value, unknown);
    const second = schema.safeParse(input);
    if (second.success) return second.data;
    reportErrors(second.error.issues, input, site, issues);
    return undefined;
  }
  reportErrors(others, value, site, issues);
  return undefined;
}

function reportErrors(
  list: readonly z.core.$ZodIssue[],
  input: unknown,
  site: Site,
  issues: IssueCollector,
): void {
  for (const issue of list) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const found = valueAt(input, path);
    issues.error(childSite(site, ...path), reasonOf(issue, found), found);
  }
}

function warnUnknownKeys(issue: z.core.$ZodIssue, site: Site, issues: IssueCollector): void {
  if (issue.code !== 'unrecognized_keys') return;
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  for (const key of issue.keys) {
    issues.warn(childSite(site, ...path, key), 'unknown field, ignored');
  }
}

function reasonOf(issue: z.core.$ZodIssue, found: unknown): string {
  if (issue.code === 'invalid_type') {
    if (found === undefined) return 'is required';
    if (issue.message.startsWith('Invalid input')) return `must be ${article(issue.expected)}`;
    return issue.message;
  }
  if (issue.code === 'invalid_value' && issue.message.startsWith('Invalid option')) {
    return `must be one of: ${issue.values.map(String).join(', ')}`;
  }
  return issue.message;
}

function article(expected: string): string {
  switch (expected) {
    case 'array':
      return 'a list';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    default:
      return `a ${expected}`;
  }
}

function withoutKeys(root: unknown, unknown: z.core.$ZodIssue[]): unknown {
  const copy = structuredClone(root);
  for (const issue of unknown) {
    if (issue.code !== 'unrecognized_keys') continue;
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const holder = valueAt(copy, path);
    if (holder === null || typeof holder !== 'object') continue;
    for (const key of issue.keys) delete (holder as Record<string, unknown>)[key];
  }
  return copy;
}
