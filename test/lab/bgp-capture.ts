import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** One TCP segment with payload, as captured (IPv4 over Ethernet). */
export interface CapturedSegment {
  /** Capture time in seconds (pcap timestamp, microsecond resolution). */
  time: number;
  src: string;
  dst: string;
  seq: number;
  payload: Buffer;
}

/** A capture file this reader does not understand (it reads what startCapture writes). */
export class CaptureFormatError extends Error {
  constructor(message: string) {
    super(`capture: ${message}`);
    this.name = 'CaptureFormatError';
  }
}

const ETHERNET = 1;
const ETHERTYPE_IPV4 = 0x0800;
const PROTO_TCP = 6;

/** Reads a classic pcap file (`dumpcap -P`) of Ethernet frames; keeps IPv4 TCP segments with data. */
export function parsePcap(file: Buffer): CapturedSegment[] {
  if (file.length < 24) throw new CaptureFormatError(`${file.length} bytes: no pcap header`);
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d)
    throw new CaptureFormatError(`magic 0x${magic.toString(16)} is not pcap (pcapng is not read)`);
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const nanos = (le ? magic : file.readUInt32BE(0)) === 0xa1b23c4d;
  const linkType = u32(20);
  if (linkType !== ETHERNET) throw new CaptureFormatError(`link type ${linkType}, expected Ethernet`);
  const out: CapturedSegment[] = [];
  for (let at = 24; at < file.length;) {
    if (at + 16 > file.length) throw new CaptureFormatError(`record header cut at byte ${at}`);
    const time = u32(at) + u32(at + 4) / (nanos ? 1e9 : 1e6);
    const caught = u32(at + 8);
    const frame = file.subarray(at + 16, at + 16 + caught);
    if (frame.length < caught) throw new CaptureFormatError(`record at byte ${at} cut short`);
    at += 16 + caught;
    const segment = tcpSegment(frame, time);
    if (segment) out.push(segment);
  }
  return out;
}

function tcpSegment(frame: Buffer, time: number): CapturedSegment | undefined {
  if (frame.length < 14 + 20 || frame.readUInt16BE(12) !== ETHERTYPE_IPV4) return undefined;
  const ip = frame.subarray(14);
  const ihl = (ip[0]! & 0x0f) * 4;
  if (ip[9] !== PROTO_TCP) return undefined;
  const total = ip.readUInt16BE(2);
  const tcp = ip.subarray(ihl, total);
  const dataOffset = (tcp[12]! >> 4) * 4;
  const payload = tcp.subarray(dataOffset);
  if (payload.length === 0) return undefined;
  return {
    time,
    src: ip.subarray(12, 16).join('.'),
    dst: ip.subarray(16, 20).join('.'),
    seq: tcp.readUInt32BE(4),
    payload,
  };
}

/** One BGP message of a direction, with the capture time of the segment that carried its last byte. */
export interface TimedMessage {
  type: number;
  length: number;
  time: number;
}

/** The BGP messages sent from `src` to `dst`, reassembled from the segments by sequence number. */
export function bgpMessages(segments: readonly CapturedSegment[], src: string, dst: string): TimedMessage[] {
  const mine = segments.filter((s) => s.src === src && s.dst === dst);
  if (mine.length === 0) return [];
  const base = mine.reduce((min, s) => (((s.seq - min) | 0) < 0 ? s.seq : min), mine[0]!.seq);
  // Stream offset -> segment; a retransmission repeats an offset and is ignored.
  const byOffset = new Map<number, CapturedSegment>();
  for (const s of mine) {
    const offset = (s.seq - base) >>> 0;
    if (!byOffset.has(offset)) byOffset.set(offset, s);
  }
  const ordered = [...byOffset.entries()].sort((a, b) => a[0] - b[0]);
  const chunks: Buffer[] = [];
  const ends: { end: number; time: number }[] = [];
  let length = 0;
  for (const [offset, s] of ordered) {
    if (offset + s.payload.length <= length) continue;
    if (offset > length) {
      throw new CaptureFormatError(
        `${src} -> ${dst}: the capture missed stream bytes ${length}..${offset} (dropped packets)`,
      );
    }
    chunks.push(s.payload.subarray(length - offset));
    length = offset + s.payload.length;
    ends.push({ end: length, time: s.time });
  }
  const stream = Buffer.concat(chunks);
  const out: TimedMessage[] = [];
  let seg = 0;
  for (let at = 0; at + 19 <= stream.length;) {
    const len = stream.readUInt16BE(at + 16);
    if (len < 19) throw new CaptureFormatError(`BGP message of length ${len} at stream byte ${at}`);
    if (at + len > stream.length) break;
    while (ends[seg]!.end < at + len) seg++;
    out.push({ type: stream[at + 18]!, length: len, time: ends[seg]!.time });
    at += len;
  }
  return out;
}

const KEEPALIVE = 4;
const UPDATE = 2;

export interface SessionTimeline {
  /** When the later of the two sides' first KEEPALIVE was on the wire: both sides Established. */
  established: number;
  /** When the last byte of the speaker's last UPDATE (End-of-RIB included) was on the wire. */
  lastUpdate: number;
  updates: number;
  updateBytes: number;
}

/** The table transfer of one session between `speaker` and `router` as the capture saw it. */
export function sessionTimeline(
  segments: readonly CapturedSegment[],
  speaker: string,
  router: string,
): SessionTimeline {
  const sent = bgpMessages(segments, speaker, router);
  const received = bgpMessages(segments, router, speaker);
  const firstKeepalive = (ms: TimedMessage[], who: string) => {
    const k = ms.find((m) => m.type === KEEPALIVE);
    if (!k) throw new CaptureFormatError(`no KEEPALIVE from ${who} in the capture`);
    return k.time;
  };
  const established = Math.max(firstKeepalive(sent, speaker), firstKeepalive(received, router));
  const updates = sent.filter((m) => m.type === UPDATE);
  if (updates.length === 0) throw new CaptureFormatError(`no UPDATE from ${speaker} in the capture`);
  return {
    established,
    lastUpdate: updates.reduce((t, m) => Math.max(t, m.time), 0),
    updates: updates.length,
    updateBytes: updates.reduce((n, m) => n + m.length, 0),
  };
}

export interface Capture {
  /** Stops capturing and returns the segments captured. */
  stop(): Promise<CapturedSegment[]>;
  /** Stops capturing if still running, without reading the file (for cleanup). */
  close(): Promise<void>;
}

/**
 * Captures BGP (TCP port 179) on an interface of a network namespace with dumpcap (Wireshark's
 * capture engine, installed with tshark) into `file`; resolves once dumpcap is capturing.
 */
export async function startCapture(ns: string, iface: string, file: string): Promise<Capture> {
  const child = spawn(
    'ip',
    // A large kernel buffer: a 1 MB table crosses the veth in about a millisecond.
    ['netns', 'exec', ns, 'dumpcap', '-q', '-P', '-B', '64', '-i', iface, '-f', 'tcp port 179', '-w', file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('Capturing on')) resolve();
    });
    void exited.then((code) =>
      reject(new Error(`dumpcap exited (${code}) before capturing: ${stderr.trim()}`)),
    );
  });
  const close = async () => {
    // SIGINT makes dumpcap flush the file and exit.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  return {
    stop: async () => {
      await close();
      return parsePcap(await readFile(file));
    },
    close,
  };
}
