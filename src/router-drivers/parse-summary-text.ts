import type { BgpSummary, BgpSummaryPeer } from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';
import { parseUptime } from './uptime.js';

const WHAT = 'show bgp summary';

const SECTION =
  /^(IPv4|IPv6|L2VPN) (Unicast|Multicast|VPN|Encap|Flowspec|Labeled Unicast|EVPN) Summary(?: \(VRF (\S+)\))?:$/;
const ROUTER_ID = /^BGP router identifier (\S+), local AS number (\d+)(?: vrf-id -?\d+)?$/;
const TABLE_VERSION = /^BGP table version (?:is )?(\d+)/;
const HEADER =
  /^Neighbor\s+V\s+AS\s+MsgRcvd\s+MsgSent\s+TblVer\s+InQ\s+OutQ\s+Up\/Down\s+State\/PfxRcd(\s+PfxSnt)?(\s+Desc)?\s*$/;
/** Lines that carry totals and memory use only; the records do not need them. */
const INFORMATIONAL = [
  /^-+$/,
  /^RIB entries \d+, using \d+ (?:bytes|KiB|MiB|GiB) of memory$/,
  /^Peers \d+, using \d+ (?:bytes|KiB|MiB|GiB) of memory$/,
  /^Peer groups \d+, using \d+ (?:bytes|KiB|MiB|GiB) of memory$/,
  /^Total number of neighbors \d+$/,
  // Every Quagga 1.2.x ends its table with these two (fixtures/quagga-1.2.4/*/show_ip_bgp_summary.txt).
  /^Total num\. Established sessions \d+$/,
  /^Total num\. of routes received\s+\d+$/,
  /^Displayed neighbors \d+$/,
  /^\d+ dynamic neighbor\(s\), limit \d+$/,
  /^\* - dynamic neighbor$/,
  /^Dampening enabled\.$/,
  // No neighbors at all (FRR, Quagga): a normal answer with an empty table.
  /^% No BGP neighbors found(?: in VRF \S+)?$/,
  /^No (?:IPv4|IPv6) neighbor is configured$/,
  /^BGP (?:attribute|AS-PATH|community) entries .*$/,
  /^\d+ (?:BGP )?(?:network|path|attribute).* using \d+ .*$/,
];
const FSM_STATE = /^(?:Idle|Connect|Active|OpenSent|OpenConfirm|Established|Clearing|Deleted)$/;
const STATE_QUALIFIER = /^\([A-Za-z ]+\)$/;
const PEER_NAME = /^(?:(\S+)\(([0-9a-fA-F.:]+)\)|([0-9a-fA-F.:]+|\*[0-9a-fA-F.:]+)|(\S+))$/;

/**
 * Parses `show ip bgp summary` / `show bgp summary` text, Quagga (no section header, no
 * PfxSnt/Desc) and FRR (one section per address family, wrapped lines when the neighbor
 * column overflows, e.g. IPv6 addresses). Quagga's output does not name the address family, so
 * the caller, who knows whether it asked `show ip bgp summary` or `show ipv6 bgp summary`, says.
 */
export function parseBgpSummaryText(text: string, defaultAddressFamily = 'IPv4 Unicast'): BgpSummary[] {
  const sections: BgpSummary[] = [];
  let current: BgpSummary | undefined;
  let pendingFamily: { family: string; vrf?: string } | undefined;
  let columns: { pfxSnt: boolean; desc: boolean } | undefined;
  let wrappedName: { line: NumberedLine; name: string } | undefined;
  for (const line of numberedLines(text)) {
    const t = line.text;
    if (wrappedName) {
      if (!/^\s+\d/.test(t)) throw lineError(WHAT, line, 'expected the rest of the wrapped neighbor line');
      current?.peers.push(parsePeerRow(line, wrappedName.name, t.trim(), columns));
      wrappedName = undefined;
      continue;
    }
    if (t.trim() === '') continue;
    const section = SECTION.exec(t);
    if (section) {
      pendingFamily = { family: `${section[1]} ${section[2]}` };
      if (section[3] !== undefined) pendingFamily.vrf = section[3];
      current = undefined;
      columns = undefined;
      continue;
    }
    const rid = ROUTER_ID.exec(t);
    if (rid) {
      current = {
        addressFamily: pendingFamily?.family ?? defaultAddressFamily,
        routerId: rid[1] as string,
        localAs: parseCount(WHAT, line, rid[2] as string, 'local AS'),
        peers: [],
      };
      if (pendingFamily?.vrf !== undefined) current.vrf = pendingFamily.vrf;
      pendingFamily = undefined;
      sections.push(current);
      continue;
    }
    const tv = TABLE_VERSION.exec(t);
    if (tv && current) {
      current.tableVersion = parseCount(WHAT, line, tv[1] as string, 'table version');
      continue;
    }
    const header = HEADER.exec(t);
    if (header) {
      if (!current) throw lineError(WHAT, line, 'neighbor table before "BGP router identifier"');
      columns = { pfxSnt: header[1] !== undefined, desc: header[2] !== undefined };
      continue;
    }
    if (INFORMATIONAL.some((re) => re.test(t))) continue;
    if (columns && current && !/^\s/.test(t)) {
      const fields = t.trim().split(/\s+/);
      if (fields.length === 1) {
        wrappedName = { line, name: fields[0] as string };
        continue;
      }
      current.peers.push(parsePeerRow(line, fields[0] as string, fields.slice(1).join(' '), columns));
      continue;
    }
    throw lineError(WHAT, line, 'unexpected line');
  }
  if (wrappedName) throw lineError(WHAT, wrappedName.line, 'wrapped neighbor line has no second half');
  return sections;
}

function parsePeerRow(
  line: NumberedLine,
  nameField: string,
  rest: string,
  columns: { pfxSnt: boolean; desc: boolean } | undefined,
): BgpSummaryPeer {
  if (!columns) throw lineError(WHAT, line, 'neighbor row before the column header');
  const name = PEER_NAME.exec(nameField);
  if (!name) throw lineError(WHAT, line, `neighbor ${JSON.stringify(nameField)} is not an address`);
  const f = rest.split(/\s+/);
  if (f.length < 9) throw lineError(WHAT, line, 'neighbor row has too few columns');
  const count = (i: number, field: string): number => parseCount(WHAT, line, f[i] as string, field);
  const upDownText = f[7] as string;
  const upDownSec = parseUptime(upDownText);
  if (upDownSec === undefined)
    throw lineError(WHAT, line, `Up/Down ${JSON.stringify(upDownText)} is not an age`);
  const peer: BgpSummaryPeer = {
    address: name[2] ?? name[3] ?? (name[4] as string),
    bgpVersion: count(0, 'V'),
    remoteAs: count(1, 'AS'),
    msgRcvd: count(2, 'MsgRcvd'),
    msgSent: count(3, 'MsgSent'),
    tableVersion: count(4, 'TblVer'),
    inQ: count(5, 'InQ'),
    outQ: count(6, 'OutQ'),
    upDownText,
    upDownSec,
    state: 'Established',
  };
  if (name[1] !== undefined) peer.hostname = name[1];
  let i = 8;
  if (/^\d+$/.test(f[i] as string)) {
    peer.prefixesReceived = count(i, 'PfxRcd');
    i += 1;
  } else {
    if (!FSM_STATE.test(f[i] as string))
      throw lineError(WHAT, line, `unknown BGP state ${JSON.stringify(f[i])}`);
    const state = [f[i] as string];
    i += 1;
    while (i < f.length && STATE_QUALIFIER.test(f[i] as string)) {
      state.push(f[i] as string);
      i += 1;
    }
    peer.state = state.join(' ');
  }
  if (columns.pfxSnt) {
    if (i >= f.length) throw lineError(WHAT, line, 'PfxSnt column is missing');
    peer.prefixesSent = count(i, 'PfxSnt');
    i += 1;
  }
  if (columns.desc) {
    const desc = f.slice(i).join(' ');
    if (desc === '') throw lineError(WHAT, line, 'Desc column is missing');
    if (desc !== 'N/A') peer.description = desc;
  } else if (i < f.length) {
    throw lineError(
      WHAT,
      line,
      `unexpected text after the state column: ${JSON.stringify(f.slice(i).join(' '))}`,
    );
  }
  return peer;
}
