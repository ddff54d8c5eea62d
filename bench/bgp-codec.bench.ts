import {
  createContext,
  decodeMessage,
  encodeAnnouncements,
  type CodecContext,
  type PathAttributes,
  type Prefix,
} from '../src/bgp/wire/index.js';
import type { AnnounceGroup } from '../src/bgp/adj-rib-out.js';
import { routePrefix } from '../src/ip/prefix.js';
import { parseRouteAddress, readIpBytes } from '../src/ip/address.js';
import { encodeRibChanges } from '../src/bgp/update-builder.js';
import type { BenchRow, BenchSuite } from './types.js';

const ROUTES = 100_000;
const TARGET = 3_000_000;

/** 100,000 host routes: IPv4 /32s from 10.0.0.0, IPv6 /128s from 2001:db8::; path ids 1..n. */
function hostRoutes(family: 4 | 6, addPath: boolean): Prefix[] {
  const out: Prefix[] = [];
  for (let i = 0; i < ROUTES; i++) {
    const addr = new Uint8Array(family === 4 ? 4 : 16);
    if (family === 4) {
      addr[0] = 10;
      addr[1] = (i >> 16) & 0xff;
      addr[2] = (i >> 8) & 0xff;
      addr[3] = i & 0xff;
    } else {
      addr.set([0x20, 0x01, 0x0d, 0xb8]);
      addr[13] = (i >> 16) & 0xff;
      addr[14] = (i >> 8) & 0xff;
      addr[15] = i & 0xff;
    }
    const p: Prefix = { family, addr, len: family === 4 ? 32 : 128 };
    if (addPath) p.pathId = i + 1;
    out.push(p);
  }
  return out;
}

const ATTRS: PathAttributes = {
  origin: 0,
  asPath: [{ type: 2, asns: [64512] }],
  nextHop: '192.168.201.10',
  communities: [0xfde80064],
  mpReach: { afi: 2, safi: 1, nextHop: { global: 'fd00:201::10' }, nlri: [] },
};

/** Best-of-N prefixes per second for `fn`, which handles `count` prefixes per call. */
function rate(count: number, fn: () => void): number {
  fn(); // warm up the JIT on this shape
  fn();
  let best = Infinity;
  for (let i = 0; i < 7; i++) {
    const t = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
  }
  return Math.round(count / best);
}

function suiteFor(family: 4 | 6, addPath: boolean): BenchRow[] {
  const flags = { ipv4: addPath, ipv6: addPath };
  const ctx: CodecContext = createContext({ fourOctetAs: true, addPath: { send: flags, receive: flags } });
  const prefixes = hostRoutes(family, addPath);
  const label = `${family === 4 ? 'IPv4 /32' : 'IPv6 /128'}${addPath ? ' ADD-PATH' : ''}`;
  let msgs: Buffer[] = [];
  const encode = rate(ROUTES, () => {
    msgs = encodeAnnouncements(ATTRS, prefixes, ctx);
  });
  let decoded = 0;
  const decode = rate(ROUTES, () => {
    decoded = 0;
    for (const m of msgs) {
      const u = decodeMessage(m, ctx);
      if (u.type === 'update')
        decoded += family === 4 ? u.nlri.length : (u.attributes.mpReach?.nlri.length ?? 0);
    }
  });
  if (decoded !== ROUTES) throw new Error(`decoded ${decoded} of ${ROUTES} prefixes`);
  const row = (what: string, value: number): BenchRow => ({
    name: `${what} ${label}, ${ROUTES} routes`,
    value,
    unit: 'prefixes/s',
    target: '>= 3,000,000',
    met: value >= TARGET,
  });
  return [row('encode', encode), row('decode', decode)];
}

/**
 * The speaker's own path from what the planner hands over to UPDATE bytes: routes whose prefixes
 * are values (`RoutePrefix`, made once per route by the planner, so made here before the clock
 * starts), through the update builder. The rows above start from wire-form prefixes and leave the
 * builder out. Until the planner handed over values this row started from prefix text, which the
 * builder parsed inside the measured loop.
 */
function fromRouteValuesRow(addPath: boolean): BenchRow {
  const flags = { ipv4: addPath, ipv6: false };
  const ctx = createContext({ fourOctetAs: true, addPath: { send: flags, receive: flags } });
  const group: AnnounceGroup = {
    family: 4,
    attributes: { nextHop: parseRouteAddress('192.168.201.10')!, communities: [], largeCommunities: [] },
    nlri: hostRoutes(4, false).map((p, i) => ({
      prefix: routePrefix({ family: 4, network: readIpBytes(4, p.addr).value, length: 32 }),
      pathId: i + 1,
    })),
  };
  const value = rate(ROUTES, () => {
    encodeRibChanges({ withdrawals: [], announcements: [group] }, { ctx, localAsn: 64512 });
  });
  return {
    name: `encode from the planner's route values IPv4 /32${addPath ? ' ADD-PATH' : ''} (speaker's update builder), ${ROUTES} routes`,
    value,
    unit: 'prefixes/s',
  };
}

export default {
  name: 'bgp-codec',
  async run() {
    return [
      ...suiteFor(4, false),
      ...suiteFor(4, true),
      ...suiteFor(6, false),
      ...suiteFor(6, true),
      fromRouteValuesRow(false),
      fromRouteValuesRow(true),
    ];
  },
} satisfies BenchSuite;
