import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressFamily, DesiredRoute } from '../src/bgp/index.js';
import { createContext, encodeAnnouncements } from '../src/bgp/wire/index.js';
import { nlri } from '../test/bgp/wire/nlri-text.js';
import { speakerNeighborLines, startFrr, type FrrRouter } from '../test/lab/frr.js';
import { sessionTimeline, startCapture } from '../test/lab/bgp-capture.js';
import { createLab, run, type Lab } from '../test/lab/netns.js';
import type { RawWriterOptions } from '../test/bgp/lab/raw-writer.js';
import { SpeakerProcess } from '../test/bgp/lab/speaker-process.js';
import { VtyshSession } from '../test/lab/vtysh-session.js';
import { waitFor } from '../test/support/wait-for.js';
import type { BenchRow, BenchSuite } from './types.js';
import { routePrefix } from '../src/ip/prefix.js';
import { nextHopsOf } from '../test/support/routes.js';

// 100,000 /32s from 10.128.0.0, alternating next hops .11 and .12 (the seed's two nodes), injected
// into real FRR 8.4 by each implementation in turn; FRR, the namespaces and the timing are the same
// for all, and every run gets a fresh FRR.
//
// Two figures per run, both from the same start: the moment both sides' first KEEPALIVE was on
// the wire (each side is Established on receiving the other's), taken from a packet capture on
// FRR's side of the veth (dumpcap, microsecond timestamps; test/lab/bgp-capture.ts).
// - Established -> 100,000 prefixes in FRR: until the first reply of FRR's `show bgp summary json`
//   counting them all. FRR is polled through ONE long-lived vtysh session about every 2 ms
//   (test/lab/vtysh-session.ts; a reply takes about 0.5 ms) instead of a vtysh process spawned per
//   poll (several ms of CPU each, ~20 ms steps). FRR answers the vty on the thread that parses
//   UPDATEs, so the reply comes right after it parsed the last one. Polling for the start as well
//   made it late by however long FRR was busy with the first UPDATEs, hence the wire start.
// - On the wire: Established -> last UPDATE byte: the injector's own part (reacting to the
//   KEEPALIVE, writing ~1 MB), without FRR's parsing, which takes ~99% of the first figure.
//
// The floor (test/bgp/lab/raw-writer.ts) is fair: it sends exactly the bytes our speaker sends to
// this FRR: the same OPEN (4-octet AS, extended message, ADD-PATH send, graceful restart, route
// refresh, MP IPv4+IPv6), and the same UPDATEs, made before connecting by the speaker's own
// Adj-RIB-Out and update builder (path ids, 27 UPDATEs packed up to 64 KiB, End-of-RIB), written
// the same way (the table in one write, then End-of-RIB). Checked on the wire with tshark: the
// OPEN and all 901,141 UPDATE bytes are identical (each run's wire row gives the UPDATEs and
// bytes it captured). So ours / floor measures only what our speaker
// does between Established and the last byte, and how it reads FRR's traffic meanwhile (FRR
// sends the routes back: it leaves the AS-path loop check to the receiver).
//
// Ours and the floor run 7 times each, alternating (and alternating which goes first in a round),
// so a burst of load from other users of the shared machine hits both; gobgpd and exabgp 3 times,
// spread over the rounds.

const COUNT = 100_000;
const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RAW_WRITER = fileURLToPath(new URL('../test/bgp/lab/raw-writer.ts', import.meta.url));

export function routes(): DesiredRoute[] {
  const hops = nextHopsOf(['192.168.201.11', '192.168.201.12']);
  const base = (10 << 24) | (128 << 16);
  return Array.from({ length: COUNT }, (_, i) => {
    const a = base + i;
    return {
      prefix: routePrefix({ family: 4, network: BigInt(a >>> 0), length: 32 }),
      nextHops: [hops[i % 2]!],
      communities: [],
      largeCommunities: [],
    };
  });
}

interface Injector {
  /** RSS in bytes once everything was sent (and after a full GC), when the injector can tell. */
  rss?(): Promise<{ steady: number; beforeGc: number }>;
}

interface InjectorContext {
  lab: Lab;
  dir: string;
  routesFile: string;
  all: DesiredRoute[];
  /** Registers how to stop what the injector started; runs even when setting up fails. */
  onCleanup(fn: () => Promise<void>): void;
}

interface PeerSummary {
  state?: string;
  pfxRcd?: number;
}

interface Summary {
  ipv4Unicast?: { peers?: Record<string, PeerSummary> };
}

const POLL_MS = 2;

/**
 * Polls FRR's view of the injector's session until `done` holds; resolves with the arrival time
 * (performance.now()) of the first reply that showed it.
 */
async function pollUntil(
  vtysh: VtyshSession,
  what: string,
  done: (p: PeerSummary) => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await vtysh.json<Summary>('show bgp summary json');
    const at = performance.now();
    if (done(s.ipv4Unicast?.peers?.['192.168.201.2'] ?? {})) return at;
    if (at > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Wall-clock seconds (the capture's clock) of a performance.now() reading. Anchored at the edge of
 * a Date.now() millisecond tick, so the two clocks agree to a few microseconds, per run.
 */
function wallClock(): (mono: number) => number {
  const start = Date.now();
  let wall = start;
  while (wall === start) wall = Date.now();
  const mono = performance.now();
  return (t) => (wall + (t - mono)) / 1000;
}

function spawnIn(lab: Lab, cmd: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn('ip', ['netns', 'exec', lab.speakerNs, cmd, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  child.stderr!.on('data', () => undefined);
  return child;
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/** MRT TABLE_DUMP_V2 (RFC 6396) of the routes, for `gobgp mrt inject global`. */
export function mrtDump(all: DesiredRoute[]): Buffer {
  const ctx = createContext({ fourOctetAs: true });
  const attrsFor = new Map<string, Buffer>();
  const attrBytes = (hop: string) => {
    let b = attrsFor.get(hop);
    if (!b) {
      // The attribute block of a one-prefix UPDATE: total path attribute length at 21, block at 23.
      const [msg] = encodeAnnouncements(
        { origin: 0, asPath: [{ type: 2, asns: [64500] }], nextHop: hop },
        [nlri('10.0.0.0/32')],
        ctx,
      );
      b = msg!.subarray(23, 23 + msg!.readUInt16BE(21));
      attrsFor.set(hop, b);
    }
    return b;
  };
  const record = (subtype: number, body: Buffer) => {
    const h = Buffer.alloc(12);
    h.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
    h.writeUInt16BE(13, 4);
    h.writeUInt16BE(subtype, 6);
    h.writeUInt32BE(body.length, 8);
    return Buffer.concat([h, body]);
  };
  // One peer (AS4, IPv4): ourselves.
  const index = Buffer.from([
    192, 168, 201, 2, 0, 0, 0, 1, 0x02, 192, 168, 201, 2, 192, 168, 201, 2, 0, 0, 0xfb, 0xf4,
  ]);
  const out: Buffer[] = [record(1, index)];
  // `gobgp mrt inject` (3.10) exits before its last batch reaches gobgpd, losing up to a few
  // thousand paths at the end of the file; repeating the first routes at the end makes the lost
  // tail duplicates, so the table still ends up complete and exactly `all`.
  [...all, ...all.slice(0, 5000)].forEach((r, seq) => {
    const p = nlri(r.prefix.text);
    const attrs = attrBytes(r.nextHops[0]!.text);
    const body = Buffer.alloc(4 + 1 + 4 + 2 + 8 + attrs.length);
    body.writeUInt32BE(seq, 0);
    body[4] = p.len;
    Buffer.from(p.addr).copy(body, 5);
    body.writeUInt16BE(1, 9);
    body.writeUInt16BE(0, 11);
    body.writeUInt32BE(Math.floor(Date.now() / 1000), 13);
    body.writeUInt16BE(attrs.length, 17);
    attrs.copy(body, 19);
    out.push(record(2, body));
  });
  return Buffer.concat(out);
}

const OURS = 'cluster-router-sync speaker';
const FLOOR = 'raw writer of pre-encoded UPDATEs (floor)';

/** What both ours and the floor are given; the floor builds the OPEN our speaker builds from it. */
const SESSION = {
  asn: 64500,
  routerId: '192.168.201.2',
  holdTimeSec: 90,
  keepaliveTimeSec: 30,
  gracefulRestartTimeSec: 120,
  // BgpSpeaker's defaults, spelled out for the floor.
  families: [4, 6] as AddressFamily[],
  addPath: true,
};

const INJECTORS: Record<string, (c: InjectorContext) => Promise<Injector>> = {
  [OURS]: async ({ lab, routesFile, onCleanup }) => {
    const p = await SpeakerProcess.start(lab.speakerNs, {
      routerId: SESSION.routerId,
      gracefulRestartTimeSec: SESSION.gracefulRestartTimeSec,
      peers: [
        {
          name: 'router',
          peerAddress: '192.168.201.1',
          peerAsn: 64501,
          myAsn: SESSION.asn,
          peerPort: 179,
          holdTimeSec: SESSION.holdTimeSec,
          keepaliveTimeSec: SESSION.keepaliveTimeSec,
          connectTimeSec: 10,
          sourceAddress: '192.168.201.2',
        },
      ],
      routesFile: { router: routesFile },
    });
    onCleanup(() => p.kill());
    return {
      rss: async () => {
        const m = await p.memory();
        return { steady: m.rss, beforeGc: m.rssBeforeGc };
      },
    };
  },
  [FLOOR]: async ({ lab, routesFile, onCleanup }) => {
    const options: RawWriterOptions = {
      ...SESSION,
      peerAddress: '192.168.201.1',
      localAddress: '192.168.201.2',
      routesFile,
    };
    const child = spawnIn(lab, process.execPath, ['--import', 'tsx', RAW_WRITER, JSON.stringify(options)]);
    onCleanup(() => killChild(child));
    return {};
  },
  'exabgp 4.2': async ({ lab, dir, all, onCleanup }) => {
    const conf = join(dir, 'exabgp.conf');
    const lines = [
      'neighbor 192.168.201.1 {',
      '  router-id 192.168.201.2;',
      '  local-address 192.168.201.2;',
      '  local-as 64500;',
      '  peer-as 64501;',
      '  static {',
      ...all.map((r) => `    route ${r.prefix} next-hop ${r.nextHops[0]};`),
      '  }',
      '}',
    ];
    await writeFile(conf, lines.join('\n') + '\n');
    const child = spawnIn(lab, 'exabgp', [conf], {
      exabgp_daemon_user: 'root',
      exabgp_daemon_drop: 'false',
      exabgp_api_cli: 'false',
      exabgp_log_destination: join(dir, 'exabgp.log'),
    });
    onCleanup(() => killChild(child));
    return {};
  },
  'gobgpd 3.10': async ({ lab, dir, all, onCleanup }) => {
    const conf = join(dir, 'gobgpd.toml');
    await writeFile(
      conf,
      ['[global.config]', '  as = 64500', '  router-id = "192.168.201.2"', '  port = -1', ''].join('\n'),
    );
    const mrt = join(dir, 'routes.mrt');
    await writeFile(mrt, mrtDump(all));
    const child = spawnIn(lab, 'gobgpd', ['-f', conf, '--log-level', 'warn']);
    onCleanup(() => killChild(child));
    const gobgp = (...args: string[]) => lab.exec(lab.speakerNs, 'gobgp', args);
    await waitFor('gobgpd API', async () => (await gobgp('global')).stdout.includes('64500'));
    await gobgp('mrt', 'inject', 'global', mrt);
    await waitFor(
      'routes loaded in gobgpd',
      async () =>
        (await gobgp('global', 'rib', 'summary', '-a', 'ipv4')).stdout.includes(`Destination: ${COUNT},`),
      { timeoutMs: 120_000 },
    );
    // The neighbor comes last, so the whole table is ready when the session comes up.
    await gobgp('neighbor', 'add', '192.168.201.1', 'as', '64501');
    return {};
  },
};

interface Measurement {
  /** Both sides Established (on the wire) to FRR's first reply counting every prefix. */
  seconds: number;
  /** Both sides Established to the last byte of the injector's last UPDATE, both on the wire. */
  wireSeconds: number;
  /** 1-minute load average when FRR had all prefixes: the machine is shared. */
  load: number;
  updates: number;
  updateBytes: number;
  rss?: { steady: number; beforeGc: number };
}

async function measure(name: string, all: DesiredRoute[], routesFile: string): Promise<Measurement> {
  const lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
  const dir = await mkdtemp(join(tmpdir(), 'crs-bench-'));
  let frr: FrrRouter | undefined;
  let vtysh: VtyshSession | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    frr = await startFrr(lab, {
      bgpLines: speakerNeighborLines({ ecmp: true }),
    });
    vtysh = await VtyshSession.open(frr.vtyshPath);
    const session = vtysh;
    const capture = await startCapture(lab.routerNs, lab.routerIf, join(dir, 'bgp.pcap'));
    cleanups.push(() => capture.close());
    const injector = await INJECTORS[name]!({
      lab,
      dir,
      routesFile,
      all,
      onCleanup: (fn) => cleanups.push(fn),
    });
    const wall = wallClock();
    const done = await pollUntil(session, `${name}: all prefixes`, (p) => (p.pfxRcd ?? 0) >= COUNT, 600_000);
    const load = loadavg()[0]!;
    // dumpcap takes packets from the kernel in blocks, handed over when full or after a timeout;
    // stopped at once, it would lose the last partly filled block (the end of the table).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const t = sessionTimeline(await capture.stop(), '192.168.201.2', '192.168.201.1');
    const m: Measurement = {
      seconds: wall(done) - t.established,
      wireSeconds: t.lastUpdate - t.established,
      load,
      updates: t.updates,
      updateBytes: t.updateBytes,
    };
    return injector.rss ? { ...m, rss: await injector.rss() } : m;
  } finally {
    for (const fn of cleanups) await fn();
    await vtysh?.close();
    await frr?.stop();
    await lab.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

type Figure = 'seconds' | 'wireSeconds';

const FIGURES: { key: Figure; what: string }[] = [
  { key: 'seconds', what: `Established -> ${COUNT} prefixes in FRR` },
  { key: 'wireSeconds', what: 'on the wire: Established -> last UPDATE byte' },
];

/** Per injector the median of both figures (runs and load in the name), then ours against the others. */
function summarize(results: ReadonlyMap<string, Measurement[]>): BenchRow[] {
  const rows: BenchRow[] = [];
  const medians = new Map<Figure, Map<string, number>>(FIGURES.map((f) => [f.key, new Map()]));
  const fmt = (n: number) => n.toFixed(2);
  for (const [name, ms] of results) {
    for (const { key, what } of FIGURES) {
      const secs = ms.map((m) => m[key]);
      medians.get(key)!.set(name, median(secs));
      const runs = key === 'seconds' ? secs.map((x) => x.toFixed(3)) : secs.map((x) => (x * 1000).toFixed(2));
      const wire = [...new Set(ms.map((m) => `${m.updates} UPDATEs, ${m.updateBytes} bytes`))].join(' / ');
      rows.push({
        name:
          `${name}: ${what}, median of ${ms.length} (runs ${runs.join(', ')} ${key === 'seconds' ? 's' : 'ms'}; ` +
          (key === 'seconds' ? `load average ${ms.map((m) => fmt(m.load)).join(', ')})` : `${wire})`),
        value: key === 'seconds' ? median(secs) : median(secs) * 1000,
        unit: key === 'seconds' ? 's' : 'ms',
      });
    }
    const rss = ms.flatMap((m) => (m.rss ? [m.rss] : []));
    if (rss.length > 0) {
      const steady = median(rss.map((r) => r.steady));
      const mib = (n: number) => n / 2 ** 20;
      rows.push({
        name: `${name}: RSS with ${COUNT} routes advertised, after a full GC (median)`,
        value: mib(steady),
        unit: 'MiB',
        target: '< 200 MB',
        met: steady < 200 * 1e6,
      });
      rows.push({
        name: `${name}: RSS right after sending, before GC (median)`,
        value: mib(median(rss.map((r) => r.beforeGc))),
        unit: 'MiB',
      });
    }
  }
  for (const { key, what } of FIGURES) {
    const m = medians.get(key)!;
    const ours = m.get(OURS);
    const floor = m.get(FLOOR);
    if (ours === undefined) continue;
    if (floor !== undefined) {
      rows.push({
        name: `${OURS} / raw floor, ${what} (medians)`,
        value: ours / floor,
        unit: 'x',
        target: '<= 1.15',
        met: ours / floor <= 1.15,
      });
    }
    for (const [name, t] of m) {
      if (name === OURS || name === FLOOR) continue;
      rows.push({
        name: `${OURS} / ${name}, ${what} (medians)`,
        value: ours / t,
        unit: 'x',
        target: '< 1 (faster)',
        met: ours < t,
      });
    }
  }
  return rows;
}

export default {
  name: 'speaker',
  async run(): Promise<BenchRow[]> {
    if (process.getuid?.() !== 0)
      return [{ name: 'skipped: needs root (network namespaces)', value: 0, unit: '' }];
    const missing: string[] = [];
    for (const c of ['/usr/lib/frr/bgpd', 'vtysh', 'dumpcap', 'exabgp', 'gobgpd', 'gobgp']) {
      await run('sh', ['-c', `command -v ${c}`]).catch(() => missing.push(c));
    }
    if (missing.includes('/usr/lib/frr/bgpd') || missing.includes('vtysh')) {
      return [{ name: 'skipped: FRR (bgpd, vtysh) not installed', value: 0, unit: '' }];
    }
    if (missing.includes('dumpcap')) {
      return [{ name: 'skipped: dumpcap (Debian package tshark) not installed', value: 0, unit: '' }];
    }
    const all = routes();
    const dir = await mkdtemp(join(tmpdir(), 'crs-bench-routes-'));
    const routesFile = join(dir, 'routes.json');
    await writeFile(routesFile, JSON.stringify(all));
    const only = process.env.SPEAKER_BENCH_ONLY;
    const runs = Number(process.env.SPEAKER_BENCH_RUNS ?? 7);
    const otherRuns = Math.min(runs, Number(process.env.SPEAKER_BENCH_OTHER_RUNS ?? 3));
    const rows: BenchRow[] = [];
    const results = new Map<string, Measurement[]>();
    const names = Object.keys(INJECTORS).filter((name) => {
      if (only && !name.includes(only)) return false;
      const tool = name.startsWith('exabgp') ? 'exabgp' : name.startsWith('gobgpd') ? 'gobgpd' : undefined;
      if (tool && missing.includes(tool)) {
        rows.push({ name: `${name}: skipped (${tool} not installed)`, value: 0, unit: '' });
        return false;
      }
      return true;
    });
    const pair = names.filter((n) => n === OURS || n === FLOOR);
    const others = names.filter((n) => n !== OURS && n !== FLOOR);
    try {
      for (let round = 0; round < runs; round++) {
        // Ours and the floor every round, taking turns at going first; the others in `otherRuns`
        // rounds spread over the whole run.
        const order = round % 2 === 0 ? pair : [...pair].reverse();
        const withOthers =
          Math.floor(((round + 1) * otherRuns) / runs) > Math.floor((round * otherRuns) / runs);
        for (const name of withOthers ? [...order, ...others] : order) {
          try {
            const m = await measure(name, all, routesFile);
            results.set(name, [...(results.get(name) ?? []), m]);
          } catch (err) {
            process.stderr.write(`speaker bench: ${name} failed: ${(err as Error).message}\n`);
            rows.push({ name: `${name}: run ${round + 1} failed (see stderr)`, value: 0, unit: '' });
          }
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return [...rows, ...summarize(results)];
  },
} satisfies BenchSuite;
