import { AS_TRANS, AsPathSegmentType } from './constants.js';
import type { Aggregator, AsPathSegment, PathAttributes } from './types.js';

/** Path length as RFC 4271 §9.1.2.2 counts it: an AS_SET is 1, confederation segments are 0. */
export function asPathLength(segs: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segs) {
    if (s.type === AsPathSegmentType.AsSequence) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AsSet) n += 1;
  }
  return n;
}

function aggregatorOverridesAs4(attrs: PathAttributes): boolean {
  // RFC 6793 §4.2.3: AGGREGATOR with a real AS means a 2-octet speaker aggregated after the AS4
  // attributes were attached, so they are stale.
  return (
    attrs.aggregator !== undefined && attrs.aggregator.asn !== AS_TRANS && attrs.as4Aggregator !== undefined
  );
}

/**
 * The AS path a 2-octet session really carries: AS_PATH merged with AS4_PATH (RFC 6793 §4.2.3).
 * Between 4-octet speakers there is no AS4_PATH and this is just AS_PATH.
 */
export function effectiveAsPath(attrs: PathAttributes): AsPathSegment[] {
  const asPath = attrs.asPath ?? [];
  const as4 = attrs.as4Path;
  if (as4 === undefined || aggregatorOverridesAs4(attrs)) return asPath;
  const keep = asPathLength(asPath) - asPathLength(as4);
  if (keep < 0) return asPath;
  const out: AsPathSegment[] = [];
  let left = keep;
  for (const s of asPath) {
    // A confederation segment counts no AS and is kept when it leads the path or follows a kept
    // segment ("SHALL be prepended if it is either the leading path segment or is adjacent to a
    // path segment that is prepended"), even when no AS is taken from AS_PATH.
    if (s.type === AsPathSegmentType.ConfedSequence || s.type === AsPathSegmentType.ConfedSet) {
      out.push(s);
      continue;
    }
    if (left === 0) break;
    if (s.type === AsPathSegmentType.AsSequence) {
      const take = s.asns.slice(0, left);
      out.push({ type: s.type, asns: take });
      left -= take.length;
    } else {
      out.push(s);
      left -= 1;
    }
  }
  return [...out, ...as4];
}

/** The aggregator a 2-octet session really carries (RFC 6793 §4.2.3). */
export function effectiveAggregator(attrs: PathAttributes): Aggregator | undefined {
  if (attrs.as4Aggregator !== undefined && attrs.aggregator?.asn === AS_TRANS) return attrs.as4Aggregator;
  return attrs.aggregator;
}

/** vtysh-style text: "65000 64512 {1,2} (65001)". */
export function formatAsPath(segs: readonly AsPathSegment[]): string {
  return segs
    .map((s) => {
      const list = s.asns.join(
        s.type === AsPathSegmentType.AsSet || s.type === AsPathSegmentType.ConfedSet ? ',' : ' ',
      );
      switch (s.type) {
        case AsPathSegmentType.AsSet:
          return `{${list}}`;
        case AsPathSegmentType.ConfedSequence:
          return `(${list})`;
        case AsPathSegmentType.ConfedSet:
          return `[${list}]`;
        default:
          return list;
      }
    })
    .join(' ');
}
