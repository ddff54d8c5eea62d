import { isDeepStrictEqual } from 'node:util';
import { formatIpBytes } from '../../../src/ip/address.js';
import {
  AsPathSegmentType,
  asPathLength,
  effectiveAggregator,
  effectiveAsPath,
  encodeMessage,
  formatAsPath,
  formatNlri,
  openAsn,
  parseAddress,
  type AsPathSegment,
  type BgpMessage,
  type CodecContext,
  type Prefix,
  type UpdateMessage,
} from '../../../src/bgp/wire/index.js';

/** The vectors' family names (ExaBGP's, or "afi N safi M") as AFI/SAFI. */
const FAMILY_NAMES: Record<string, string> = {
  'ipv4 unicast': '1/1',
  'ipv6 unicast': '2/1',
  'ipv4 mpls-vpn': '1/128',
  'ipv6 mpls-vpn': '2/128',
  'ipv4 flow': '1/133',
  'ipv6 flow': '2/133',
  'ipv4 flow-vpn': '1/134',
  'ipv6 flow-vpn': '2/134',
  'l2vpn evpn': '25/70',
  'l2vpn vpls': '25/65',
  'bgp-ls bgp-ls': '16388/71',
  'ipv4 sr-policy': '1/73',
  'ipv6 sr-policy': '2/73',
  'ipv4 mup': '1/85',
  'ipv6 mup': '2/85',
  'ipv4 nlri-mpls': '1/4',
  'ipv6 nlri-mpls': '2/4',
  'ipv4 multicast': '1/2',
  'ipv6 multicast': '2/2',
  'ipv4 rtc': '1/132',
  'ipv4 mcast-vpn': '1/5',
  'ipv6 mcast-vpn': '2/5',
};

function familyKey(name: string): string {
  const m = /^afi (\d+) safi (\d+)$/.exec(name);
  if (m) return `${m[1]}/${m[2]}`;
  const k = FAMILY_NAMES[name];
  if (k === undefined) throw new Error(`vector names an unknown family '${name}'`);
  return k;
}

/** Path id as the vectors write it (dotted quad, ExaBGP's form). */
function pathInformation(p: Prefix): string | undefined {
  if (p.pathId === undefined) return undefined;
  const id = p.pathId;
  return [id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff].join('.');
}

interface Route {
  nextHop?: string;
  prefix: string;
  pathInformation?: string;
}

function route(p: Prefix, nextHop?: string): Route {
  const r: Route = { prefix: formatNlri(p) };
  if (nextHop !== undefined) r.nextHop = nextHop;
  const pi = pathInformation(p);
  if (pi !== undefined) r.pathInformation = pi;
  return r;
}

/** Announced and withdrawn routes per family name, as the vectors list them. */
function routes(u: UpdateMessage): { announce: Record<string, Route[]>; withdraw: Record<string, Route[]> } {
  const announce: Record<string, Route[]> = {};
  const withdraw: Record<string, Route[]> = {};
  const a = u.attributes;
  if (u.nlri.length > 0) announce['ipv4 unicast'] = u.nlri.map((p) => route(p, a.nextHop));
  if (u.withdrawn.length > 0) withdraw['ipv4 unicast'] = u.withdrawn.map((p) => route(p));
  const name = (afi: number): string => (afi === 1 ? 'ipv4 unicast' : 'ipv6 unicast');
  if (a.mpReach && a.mpReach.raw === undefined && a.mpReach.nlri.length > 0) {
    const nh = a.mpReach.nextHop.global;
    (announce[name(a.mpReach.afi)] ??= []).push(...a.mpReach.nlri.map((p) => route(p, nh)));
  }
  if (a.mpUnreach && a.mpUnreach.raw === undefined && a.mpUnreach.withdrawn.length > 0)
    (withdraw[name(a.mpUnreach.afi)] ??= []).push(...a.mpUnreach.withdrawn.map((p) => route(p)));
  return { announce, withdraw };
}

/** Families carried as raw bytes (the codec does not decode them), as "afi/safi". */
function otherFamilies(u: UpdateMessage): string[] {
  const out = new Set<string>();
  const { mpReach, mpUnreach } = u.attributes;
  if (mpReach?.raw) out.add(`${mpReach.afi}/${mpReach.safi}`);
  if (mpUnreach?.raw) out.add(`${mpUnreach.afi}/${mpUnreach.safi}`);
  return [...out].sort();
}

/** FRR prints the members of AS_SET and AS_CONFED_SET sorted and once each; so do we, to compare. */
function frrText(segs: readonly AsPathSegment[]): string {
  const sorted = segs.map((s) =>
    s.type === AsPathSegmentType.AsSet || s.type === AsPathSegmentType.ConfedSet
      ? { type: s.type, asns: [...new Set(s.asns)].sort((x, y) => x - y) }
      : s,
  );
  return formatAsPath(sorted);
}

/** FRR's confederation count: every AS of AS_CONFED_SEQUENCE, 1 per AS_CONFED_SET. */
function confedCount(segs: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segs) {
    if (s.type === AsPathSegmentType.ConfedSequence) n += s.asns.length;
    else if (s.type === AsPathSegmentType.ConfedSet) n += 1;
  }
  return n;
}

/**
 * The vectors write next hops as their sources print them, which need not be RFC 5952's canonical
 * text the codec prints, so compare the addresses, not the spelling.
 */
function canonicalNextHops(byFamily: Record<string, Route[]>): Record<string, Route[]> {
  const out: Record<string, Route[]> = {};
  for (const [fam, list] of Object.entries(byFamily)) {
    out[fam] = list.map((r) => {
      const a = r.nextHop === undefined ? undefined : parseAddress(r.nextHop);
      return a ? { ...r, nextHop: formatIpBytes(a.family, a.addr) } : r;
    });
  }
  return out;
}

function diff(out: string[], field: string, actual: unknown, expected: unknown): void {
  if (!isDeepStrictEqual(actual, expected))
    out.push(`${field}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function checkOpen(m: BgpMessage, want: Record<string, unknown>, out: string[]): void {
  if (m.type !== 'open') {
    out.push(`expected an OPEN, got ${m.type}`);
    return;
  }
  for (const [k, v] of Object.entries(want)) diff(out, `open.${k}`, m[k as keyof typeof m], v);
}

/**
 * The differences between the decoded messages and a vector's `check` / `expected` fields (empty
 * when they agree). `ctx` is the vector's context and `bytes` the message, for the re-encoding check.
 */
export function fieldDifferences(
  messages: readonly BgpMessage[],
  want: Record<string, unknown>,
  ctx: CodecContext,
  bytes: Buffer,
): string[] {
  const out: string[] = [];
  const m = messages[0];
  if (m === undefined) return ['no message decoded'];
  if ('open' in want) {
    checkOpen(m, want.open as Record<string, unknown>, out);
    return out;
  }
  if ('fourOctetAsn' in want) {
    if (m.type !== 'open') return [`expected an OPEN, got ${m.type}`];
    diff(out, 'fourOctetAsn', openAsn(m), want.fourOctetAsn);
    return out;
  }
  if (m.type !== 'update') return [`expected an UPDATE, got ${m.type}`];
  const a = m.attributes;
  const path = effectiveAsPath(a);
  const { announce, withdraw } = routes(m);
  for (const [k, v] of Object.entries(want)) {
    switch (k) {
      case 'origin':
      case 'med':
      case 'localPref':
      case 'atomicAggregate':
      case 'communities':
        diff(out, k, a[k], v);
        break;
      case 'asPath':
        diff(out, k, path, v);
        break;
      case 'aggregator': {
        const agg = effectiveAggregator(a);
        diff(out, k, agg && `${agg.asn}:${agg.address}`, v);
        break;
      }
      case 'extendedCommunities':
        diff(out, k, a.extendedCommunities?.map(String), v);
        break;
      case 'largeCommunities':
        diff(
          out,
          k,
          a.largeCommunities?.map((c) => [c.globalAdmin, c.localData1, c.localData2]),
          v,
        );
        break;
      case 'announce':
        diff(out, k, announce, canonicalNextHops(v as Record<string, Route[]>));
        break;
      case 'withdraw':
        diff(out, k, withdraw, v);
        break;
      case 'linkLocal':
        diff(out, k, a.mpReach?.nextHop.linkLocal, v);
        break;
      case 'otherFamilies':
        diff(out, k, otherFamilies(m), (v as string[]).map(familyKey).sort());
        break;
      case 'frrAsPath':
        diff(out, k, frrText(path), v);
        break;
      case 'hops':
        diff(out, k, asPathLength(path), v);
        break;
      case 'confeds':
        diff(out, k, confedCount(path), v);
        break;
      case 'reencodeIdentical':
        diff(out, k, encodeMessage(m, ctx).equals(bytes), v);
        break;
      default:
        out.push(`vector checks a field the test does not know: ${k}`);
    }
  }
  return out;
}
