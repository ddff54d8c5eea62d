import type { AddPathCapability, BgpMessageCounts, BgpNeighborDetail } from './records.js';
import { lineError, numberedLines, parseCount, type NumberedLine } from './text-lines.js';
import { parseUptime } from './uptime.js';

const WHAT = 'show bgp neighbors';

const HEAD =
  /^BGP neighbor is (\S+?),(?: vrf \S+,)? remote AS (\d+), local AS (\d+), (external|internal) link$/;
const ROUTER_IDS = /^\s+BGP version (\d+), remote router ID (\S+)(?:, local router ID \S+)?$/;
const STATE = /^\s+BGP state = ([A-Za-z]+(?: \([A-Za-z ]+\))?)(?:, up for (\S+))?/;
/**
 * FRR: `  Hold time is 90 seconds, keepalive interval is 30 seconds`; Quagga 1.2.4 puts it after
 * the last read: `  Last read 00:00:03, hold time is 90, keepalive interval is 30 seconds`.
 */
const HOLD =
  /^\s+(?:Last read \S+, )?[Hh]old time is (\d+)(?: seconds)?, keepalive interval is (\d+) seconds$/;
const CONFIGURED_HOLD =
  /^\s+Configured hold time is (\d+)(?: seconds)?, keepalive interval is (\d+) seconds$/;
const DESCRIPTION = /^\s*Description: (.*)$/;
const HOSTNAME = /^\s*Hostname: (\S+)$/;
const FOUR_BYTE = /^\s+4 Byte AS: (.+)$/;
const ROUTE_REFRESH = /^\s+Route refresh: (.+)$/;
const ADDPATH_HEAD = /^\s+AddPath:$/;
const ADDPATH_AFI =
  /^\s+(IPv4|IPv6|L2VPN) (Unicast|Multicast|VPN|Flowspec|Labeled Unicast|EVPN): (TX|RX) (advertised and received|advertised|received)$/;
const MULTIPROTOCOL =
  /^\s+Address [Ff]amily (IPv4|IPv6|L2VPN) (Unicast|Multicast|VPN|Flowspec|Labeled Unicast|EVPN): (.+)$/;
const MESSAGE_ROW =
  /^\s+(Opens|Notifications|Updates|Keepalives|Route Refresh|Capability|Total):\s+(\d+)\s+(\d+)$/;
const ACCEPTED = /^\s+(\d+) accepted prefixes$/;

const MESSAGE_KEYS: Record<string, keyof BgpMessageCounts> = {
  Opens: 'opens',
  Notifications: 'notifications',
  Updates: 'updates',
  Keepalives: 'keepalives',
  'Route Refresh': 'routeRefresh',
  Capability: 'capability',
  Total: 'total',
};

/**
 * Parses `show [ip] bgp neighbors [X]` text. The output runs to dozens of lines per neighbor and
 * differs in detail between every release, so only the lines that carry the typed fields are
 * read; but a block must start with `BGP neighbor is ...` and must carry the state and timer
 * lines, or the block is reported (with its first line) rather than half-filled.
 */
export function parseBgpNeighborsText(text: string): BgpNeighborDetail[] {
  const result: BgpNeighborDetail[] = [];
  let current:
    | {
        detail: BgpNeighborDetail;
        start: NumberedLine;
        seen: Set<string>;
        messages: Partial<Record<'sent' | 'received', Partial<BgpMessageCounts>>>;
      }
    | undefined;
  const finish = (): void => {
    if (!current) return;
    for (const need of ['state', 'hold']) {
      if (!current.seen.has(need))
        throw lineError(
          WHAT,
          current.start,
          `neighbor block has no ${need === 'state' ? '"BGP state ="' : '"hold time is"'} line`,
        );
    }
    const { sent, received } = current.messages;
    if (sent && received && Object.keys(sent).length === 7) {
      current.detail.messages = { sent: sent as BgpMessageCounts, received: received as BgpMessageCounts };
    }
    result.push(current.detail);
    current = undefined;
  };
  for (const line of numberedLines(text)) {
    const t = line.text;
    const head = HEAD.exec(t);
    if (head) {
      finish();
      current = {
        start: line,
        seen: new Set(),
        messages: {},
        detail: {
          address: head[1] as string,
          remoteAs: parseCount(WHAT, line, head[2] as string, 'remote AS'),
          localAs: parseCount(WHAT, line, head[3] as string, 'local AS'),
          external: head[4] === 'external',
          remoteRouterId: '',
          state: '',
          holdTimeSec: 0,
          keepaliveSec: 0,
          capabilities: { addPath: [], multiprotocol: [] },
        },
      };
      continue;
    }
    if (!current) {
      if (t.trim() === '') continue;
      throw lineError(WHAT, line, 'expected "BGP neighbor is ..."');
    }
    readDetailLine(line, current.detail, current.seen, current.messages);
  }
  finish();
  return result;
}

function readDetailLine(
  line: NumberedLine,
  d: BgpNeighborDetail,
  seen: Set<string>,
  messages: Partial<Record<'sent' | 'received', Partial<BgpMessageCounts>>>,
): void {
  const t = line.text;
  let m: RegExpExecArray | null;
  if ((m = ROUTER_IDS.exec(t))) {
    d.remoteRouterId = m[2] as string;
  } else if ((m = STATE.exec(t))) {
    seen.add('state');
    d.state = m[1] as string;
    if (m[2] !== undefined) {
      const sec = parseUptime(m[2]);
      if (sec === undefined || sec === null)
        throw lineError(WHAT, line, `up time ${JSON.stringify(m[2])} is not an age`);
      d.upTimeText = m[2];
      d.upTimeSec = sec;
    }
  } else if ((m = HOLD.exec(t))) {
    seen.add('hold');
    d.holdTimeSec = parseCount(WHAT, line, m[1] as string, 'hold time');
    d.keepaliveSec = parseCount(WHAT, line, m[2] as string, 'keepalive');
  } else if ((m = CONFIGURED_HOLD.exec(t))) {
    d.configuredHoldTimeSec = parseCount(WHAT, line, m[1] as string, 'hold time');
    d.configuredKeepaliveSec = parseCount(WHAT, line, m[2] as string, 'keepalive');
  } else if ((m = DESCRIPTION.exec(t))) {
    d.description = m[1] as string;
  } else if ((m = HOSTNAME.exec(t))) {
    d.hostname = m[1] as string;
  } else if ((m = FOUR_BYTE.exec(t))) {
    d.capabilities.fourByteAs = m[1] as string;
  } else if ((m = ROUTE_REFRESH.exec(t))) {
    d.capabilities.routeRefresh = m[1] as string;
  } else if (ADDPATH_HEAD.test(t)) {
    seen.add('addpath');
  } else if ((m = ADDPATH_AFI.exec(t)) && seen.has('addpath')) {
    const family = `${m[1]} ${m[2]}`;
    let cap = d.capabilities.addPath.find((c) => c.addressFamily === family);
    if (!cap) {
      cap = {
        addressFamily: family,
        txAdvertised: false,
        txReceived: false,
        rxAdvertised: false,
        rxReceived: false,
      };
      d.capabilities.addPath.push(cap);
    }
    setAddPath(cap, m[3] as 'TX' | 'RX', m[4] as string);
  } else if ((m = MULTIPROTOCOL.exec(t))) {
    d.capabilities.multiprotocol.push({ addressFamily: `${m[1]} ${m[2]}`, status: m[3] as string });
  } else if ((m = MESSAGE_ROW.exec(t))) {
    const key = MESSAGE_KEYS[m[1] as string] as keyof BgpMessageCounts;
    (messages.sent ??= {})[key] = parseCount(WHAT, line, m[2] as string, `${m[1]} sent`);
    (messages.received ??= {})[key] = parseCount(WHAT, line, m[3] as string, `${m[1]} received`);
  } else if ((m = ACCEPTED.exec(t))) {
    d.acceptedPrefixes =
      (d.acceptedPrefixes ?? 0) + parseCount(WHAT, line, m[1] as string, 'accepted prefixes');
  }
}

function setAddPath(cap: AddPathCapability, dir: 'TX' | 'RX', how: string): void {
  const adv = how.startsWith('advertised');
  const rcv = how.endsWith('received');
  if (dir === 'TX') {
    cap.txAdvertised ||= adv;
    cap.txReceived ||= rcv;
  } else {
    cap.rxAdvertised ||= adv;
    cap.rxReceived ||= rcv;
  }
}
