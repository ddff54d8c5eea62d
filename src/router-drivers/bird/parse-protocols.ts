import { lineError, parseCount, type NumberedLine } from '../text-lines.js';
import { birdReplyLines, type BirdReplyLine } from './birdc-reply.js';

export interface BirdChannel {
  /** `ipv4`, `ipv6`, ... */
  name: string;
  /** `UP`, `DOWN`, `START`, ... */
  state: string;
  table?: string;
  preference?: number;
  imported?: number;
  exported?: number;
}

/** What one side announced in its OPEN, as BIRD lists it under `Local`/`Neighbor capabilities`. */
export interface BirdCapabilities {
  /** Families of `Multiprotocol` / `AF announced:`. */
  families: string[];
  /** Families under `ADD-PATH` / `RX:` and `TX:` (RFC 7911 section 4). */
  addPathRx: string[];
  addPathTx: string[];
}

export interface BirdBgpDetail {
  /** `Established`, `Active`, `Connect`, `Idle`, `Down`, ... */
  state: string;
  neighborAddress?: string;
  neighborAs?: number;
  localAs?: number;
  neighborId?: string;
  /** `external` or `internal` (first word of `Session:`). */
  session?: string;
  holdTimeSec?: number;
  keepaliveSec?: number;
  lastError?: string;
  local?: BirdCapabilities;
  neighbor?: BirdCapabilities;
}

export interface BirdProtocol {
  name: string;
  /** `BGP`, `Kernel`, `Static`, `Device`, ... */
  proto: string;
  table: string;
  /** `up`, `down`, `start`, `stop`, ... */
  state: string;
  /** When it reached that state, as printed (`21:45:55.521`, or a date for older ones). */
  since: string;
  info: string;
  channels: BirdChannel[];
  bgp?: BirdBgpDetail;
}

const COMMAND = 'show protocols all';
const PROTOCOL =
  /^(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.\d+)?)?|\S+)\s*(.*?)\s*$/;
const FIELD = /^( *)([A-Za-z][A-Za-z0-9 -]*?):\s*(.*?)\s*$/;
const SECTION = /^( *)(\S.*?)\s*$/;

function emptyCaps(): BirdCapabilities {
  return { families: [], addPathRx: [], addPathTx: [] };
}

/** `78.322/90` (time left / negotiated): the negotiated seconds. */
function timerSec(line: NumberedLine, value: string, field: string): number {
  const m = /^[\d.]+\/(\d+)$/.exec(value);
  if (m === null) throw lineError(COMMAND, line, `${field} ${JSON.stringify(value)} is not <left>/<seconds>`);
  return parseCount(COMMAND, line, m[1] as string, field);
}

/**
 * `birdc -v show protocols [all]` (fixtures/bird-2.0.12/, fixtures/bird-2.17/): a 1002 line per
 * protocol (name, protocol, table, state, since, info) and, with `all`, its 1006 details: the BGP
 * session (`BGP state:`, `Neighbor address:`, the capabilities each side announced) and one
 * `Channel <family>` block per channel with its `Routes:` counts. Lines we have no use for
 * (statistics, timers other than hold/keepalive) are skipped; a field we read that does not parse
 * is a parse error quoting its line.
 */
export function parseBirdProtocols(text: string): BirdProtocol[] {
  const protocols: BirdProtocol[] = [];
  let current: BirdProtocol | undefined;
  let channel: BirdChannel | undefined;
  let caps: BirdCapabilities | undefined;
  let capsIndent = 0;
  /** Inside an `ADD-PATH` capability, whose `RX:`/`TX:` lines follow it. */
  let addPath: 'rx-tx' | undefined;
  for (const l of birdReplyLines(COMMAND, text)) {
    if (l.code === 2002) continue;
    if (l.code === 1002) {
      current = protocolLine(l);
      protocols.push(current);
      channel = undefined;
      caps = undefined;
      continue;
    }
    if (l.code !== 1006) continue;
    if (current === undefined) throw lineError(COMMAND, l.line, 'details before any protocol line');
    if (l.text.trim() === '') continue;
    const indent = (SECTION.exec(l.text)?.[1] ?? '').length;
    if (caps !== undefined && indent <= capsIndent) caps = undefined;
    const channelStart = /^ {2}Channel (\S+)$/.exec(l.text);
    if (channelStart) {
      channel = { name: channelStart[1] as string, state: '' };
      current.channels.push(channel);
      caps = undefined;
      continue;
    }
    const field = FIELD.exec(l.text);
    if (caps !== undefined) {
      readCapability(caps, field, addPath);
      if (l.text.trim() === 'ADD-PATH') addPath = 'rx-tx';
      else if (field === null) addPath = undefined;
      continue;
    }
    if (channel !== undefined) {
      if (field) readChannelField(channel, l.line, field[2] as string, field[3] as string);
      continue;
    }
    const section = l.text.trim();
    if (section === 'Local capabilities' || section === 'Neighbor capabilities') {
      const bgp = bgpOf(current, l);
      caps = emptyCaps();
      capsIndent = indent;
      addPath = undefined;
      if (section === 'Local capabilities') bgp.local = caps;
      else bgp.neighbor = caps;
      continue;
    }
    if (field) readBgpField(current, l, field[2] as string, field[3] as string);
  }
  return protocols;
}

function protocolLine(l: BirdReplyLine): BirdProtocol {
  const m = PROTOCOL.exec(l.text);
  if (m === null) throw lineError(COMMAND, l.line, 'not a `name proto table state since info` line');
  return {
    name: m[1] as string,
    proto: m[2] as string,
    table: m[3] as string,
    state: m[4] as string,
    since: m[5] as string,
    info: m[6] as string,
    channels: [],
  };
}

function bgpOf(p: BirdProtocol, l: BirdReplyLine): BirdBgpDetail {
  if (p.bgp === undefined) throw lineError(COMMAND, l.line, `BGP detail before "BGP state:" of ${p.name}`);
  return p.bgp;
}

function readBgpField(p: BirdProtocol, l: BirdReplyLine, key: string, value: string): void {
  if (key === 'BGP state') {
    p.bgp = { state: value };
    return;
  }
  if (p.bgp === undefined) return;
  const bgp = p.bgp;
  switch (key) {
    case 'Neighbor address':
      // `192.168.201.11` or, for a link-local peer, `fe80::1%eth0`.
      bgp.neighborAddress = value.split('%')[0] as string;
      break;
    case 'Neighbor AS':
      bgp.neighborAs = parseCount(COMMAND, l.line, value, key);
      break;
    case 'Local AS':
      bgp.localAs = parseCount(COMMAND, l.line, value, key);
      break;
    case 'Neighbor ID':
      bgp.neighborId = value;
      break;
    case 'Session':
      bgp.session = value.split(' ')[0] as string;
      break;
    case 'Hold timer':
      bgp.holdTimeSec = timerSec(l.line, value, key);
      break;
    case 'Keepalive timer':
      bgp.keepaliveSec = timerSec(l.line, value, key);
      break;
    case 'Last error':
      bgp.lastError = value;
      break;
  }
}

function readChannelField(c: BirdChannel, line: NumberedLine, key: string, value: string): void {
  switch (key) {
    case 'State':
      c.state = value;
      break;
    case 'Table':
      c.table = value;
      break;
    case 'Preference':
      c.preference = parseCount(COMMAND, line, value, key);
      break;
    case 'Routes': {
      // `2 imported, 0 exported, 2 preferred` (2.0.12); 2.17 may add `N filtered` first.
      for (const [, n, what] of value.matchAll(/(\S+) (imported|exported)\b/g)) {
        const count = parseCount(COMMAND, line, n as string, `Routes ${what as string}`);
        if (what === 'imported') c.imported = count;
        else c.exported = count;
      }
      if (c.imported === undefined) throw lineError(COMMAND, line, 'no `N imported` count');
      break;
    }
  }
}

function readCapability(
  caps: BirdCapabilities,
  field: RegExpExecArray | null,
  addPath: 'rx-tx' | undefined,
): void {
  if (field === null) return;
  const key = field[2] as string;
  const families = (field[3] as string).split(/\s+/).filter((f) => f !== '');
  if (key === 'AF announced') caps.families.push(...families);
  else if (addPath !== undefined && key === 'RX') caps.addPathRx.push(...families);
  else if (addPath !== undefined && key === 'TX') caps.addPathTx.push(...families);
}
