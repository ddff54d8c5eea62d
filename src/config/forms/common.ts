import type { PathSegment } from '../field-path.js';
import { childSite, type Site } from '../issues.js';
import type { FieldSite } from '../drafts.js';
import type { ParsedRange } from '../schema-kit.js';
import type { IssueCollector } from '../issues.js';
import type { AddressRange } from '../model.js';
import { duration, ipAddress, ipv4Address, port } from '../schema-kit.js';
import { once } from '../../util/once.js';

/** Maps model field names onto the key the form spells them with, relative to `site`. */
export function fieldSites<F extends string>(
  site: Site,
  keys: Record<F, readonly PathSegment[]>,
): FieldSite<F> {
  return (field) => childSite(site, ...keys[field]);
}

/** Turns parsed pool addresses into ranges with their sites; host-bit notes become warnings. */
export function rangesAt(
  parsed: readonly ParsedRange[],
  listSite: Site,
  issues: IssueCollector,
): Array<{ range: AddressRange; site: Site }> {
  return parsed.map((p, i) => {
    const site = childSite(listSite, i);
    if (p.note) issues.warn(site, `"${p.range.text}" ${p.note}`);
    return { range: p.range, site };
  });
}

/**
 * The session fields our own `peers:` entries take over from MetalLB's BGPPeer spec (metallb.io/v1beta2),
 * spelled and meaning the same in both forms.
 */
export const peerSessionFields = once(() => ({
  peerPort: port().optional(),
  holdTime: duration().optional(),
  keepaliveTime: duration().optional(),
  connectTime: duration().optional(),
  routerID: ipv4Address().optional(),
  sourceAddress: ipAddress().optional(),
}));
