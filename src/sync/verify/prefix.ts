import { familyBits, formatPrefix, maskToPrefix, parseIp, type IpFamily } from '../ip/address.js';

/** A prefix as numbers: network address (host bits cleared) and length. */
export interface IpPrefix {
  family: IpFamily;
  network: bigint;
  length: number;
}

/** Parses `a.b.c.d/n` or `x::y/n`; host bits are cleared. Undefined when it is not a prefix. */
export function parseIpPrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const length = Number(lengthText);
  if (length > familyBits(ip.family)) return undefined;
  return { family: ip.family, network: maskToPrefix(ip.family, ip.value, length), length };
}

/** Canonical text of a prefix (RFC 5952 for IPv6), or the text itself when it does not parse. */
export function canonicalPrefix(text: string): string {
  const p = parseIpPrefix(text);
  return p === undefined ? text : formatPrefix(p.family, p.network, p.length);
}

/** The last address a prefix covers. */
export function prefixLast(p: IpPrefix): bigint {
  return p.network | ((1n << BigInt(familyBits(p.family) - p.length)) - 1n);
}

/** Family, then network address, then length; unparsable text sorts last, by string. */
export function comparePrefixText(a: string, b: string): number {
  const pa = parseIpPrefix(a);
  const pb = parseIpPrefix(b);
  if (pa && pb) {
    if (pa.family !== pb.family) return pa.family - pb.family;
    if (pa.network !== pb.network) return pa.network < pb.network ? -1 : 1;
    return pa.length - pb.length;
  }
  if (pa) return -1;
  if (pb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
