import type { Expectation, Vector } from './vectors.js';

/**
 * The project's outcome where a vector has no `rfc` entry and the codec follows an RFC clause
 * rather than the reference implementation (each rule names its clause; docs/conformance.md
 * lists them). `check` adds fields to the vector's expected decode.
 */
interface Decision {
  ids: RegExp;
  outcome: Expectation;
  check?: Record<string, unknown>;
}

const DECISIONS: Decision[] = [
  {
    // FRR accepts AS 0 on an internal session; RFC 7607 §2 makes no exception.
    ids: /^frr:test_segments\[(28|32)\] BGP_AS_ZERO(:| asdot)/,
    outcome: { expect: 'treat-as-withdraw', code: 3, subcode: 11, clause: 'RFC 7607 §2, RFC 7606 §7.2' },
  },
  {
    // SAFI 128 is never negotiated: its MP_REACH_NLRI is kept as bytes, not parsed, so FRR's
    // prefix-length checks inside it do not apply; the speaker ignores the family.
    ids: /^frr:mp_reach_segments IPv4-VPNv4-(bogus-plen|plen1-short|plen1-long|plenn-long|plenn-short|0-nlri):/,
    outcome: {
      expect: 'accept',
      clause: 'RFC 4760 §7 (only the AFI/SAFI concerned is affected), RFC 4760 §6',
    },
    check: { otherFamilies: ['afi 1 safi 128'] },
  },
  {
    // ORF (3) and BGP Role (9) are capabilities the codec does not interpret: kept as unknown.
    ids: /^frr:(test_segments minsize|misc_segments (ORF-empty|Role-long|Role-empty)):/,
    outcome: { expect: 'accept', clause: 'RFC 5492 §3 (unrecognised capabilities are ignored)' },
  },
  {
    // ExaBGP encodes NEXT_HOP 255.255.255.255 from its configuration; a receiver ignores the route.
    ids: /^qa\/encoding\/conf-attributes\.ci:10$/,
    outcome: { expect: 'accept-or-ignore-route', clause: 'RFC 4271 §6.3 (semantic NEXT_HOP check)' },
  },
  {
    // Attribute 0x99 with flags 0x60: well-known (Optional bit clear) and unrecognised.
    ids: /^qa\/encoding\/conf-generic-attribute\.ci:(6|9)$/,
    outcome: { expect: 'session-reset', code: 3, subcode: 2, clause: 'RFC 4271 §6.3' },
  },
  {
    // IPv6 NLRI with a 4-octet next hop: no RFC defines it (RFC 2545 §3 wants 16 or 32 octets).
    ids: /^qa\/encoding\/extended-nexthop\.ci:6$/,
    outcome: { expect: 'session-reset', code: 3, subcode: 9, clause: 'RFC 2545 §3, RFC 7606 §7.11' },
  },
];

/** What a vector must do here, and how its expected decode is adjusted. */
export interface Target {
  outcome: Expectation;
  fields?: Record<string, unknown>;
}

/**
 * What a vector must do here: its `rfc` entry when it has one (the vectors' rule where the
 * implementations disagree), else the project's decision, else what the reference implementation
 * does; ExaBGP's vectors (messages it encodes or decodes) must be accepted. LOCAL_PREF from an
 * external peer is ignored (RFC 4271 §5.1.5, RFC 7606 §7.5), so it leaves every expected decode
 * of an eBGP vector.
 */
export function targetFor(v: Vector): Target {
  const d = DECISIONS.find((r) => r.ids.test(v.id));
  let fields: Record<string, unknown> | undefined = v.check ?? v.expected ?? undefined;
  if (fields && !v.ctx.ibgp && 'localPref' in fields) fields = { ...fields, localPref: undefined };
  if (d?.check) fields = { ...fields, ...d.check };
  // An `rfc` entry may name the path the clause leads to where the reference prints another.
  const rfcPath = (v.rfc as { asPath?: string } | undefined)?.asPath;
  if (fields && rfcPath !== undefined) fields = { ...fields, frrAsPath: rfcPath };
  // RFC 4760 §7 names the NOTIFICATION the vectors leave open: Optional Attribute Error (3/9).
  if (v.rfc?.clause?.includes('RFC 4760 §7') && v.rfc.code === undefined)
    return { outcome: { ...v.rfc, code: 3, subcode: 9 }, fields };
  if (v.rfc) return { outcome: v.rfc, fields };
  if (d) return { outcome: d.outcome, fields };
  if (v.ref) {
    const { expect, code, subcode } = v.ref;
    return { outcome: { expect, code, subcode, clause: `as ${v.ref.who}` }, fields };
  }
  return { outcome: { expect: 'accept', clause: 'as ExaBGP' }, fields };
}
