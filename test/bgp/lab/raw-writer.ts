/**
 * The benchmark's floor: a minimal BGP speaker that encodes every UPDATE before connecting, then
 * after the OPEN/KEEPALIVE exchange writes them in one go and only answers keepalives. Run in the
 * speaker namespace like speaker-child.ts; argv[2] is a JSON RawWriterOptions.
 *
 * To be a fair floor it puts on the wire the bytes our speaker sends for the same options: the
 * same OPEN (buildLocalOpen: MP IPv4+IPv6, route refresh, enhanced route refresh, 4-octet AS,
 * extended message, ADD-PATH send, graceful restart with the R bit of a first session), and the
 * same UPDATEs (the speaker's Adj-RIB-Out and update builder: path ids, packing into extended
 * messages, the same grouping by next hop), then End-of-RIB per negotiated family. The UPDATEs are
 * encoded for the negotiation our speaker also assumes before its first session (the peer takes
 * everything offered); if the peer negotiates anything else the writer exits with an error rather
 * than measure different bytes.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { AdjRibOut } from '../../../src/bgp/adj-rib-out.js';
import { buildLocalOpen, negotiate } from '../../../src/bgp/capabilities.js';
import type { AddressFamily } from '../../../src/bgp/index.js';
import { routesFromJson, type DesiredRouteJson } from '../../support/routes.js';
import { encodeRibChanges } from '../../../src/bgp/update-builder.js';
import {
  BgpFramer,
  createContext,
  decodeMessage,
  encodeEndOfRib,
  encodeKeepalive,
  encodeOpen,
  maxMessageSize,
  MessageType,
  type CodecContext,
} from '../../../src/bgp/wire/index.js';

export interface RawWriterOptions {
  peerAddress: string;
  localAddress: string;
  asn: number;
  routerId: string;
  holdTimeSec: number;
  keepaliveTimeSec: number;
  /** 0: no graceful-restart capability (as BgpSpeaker's gracefulRestartTimeSec). */
  gracefulRestartTimeSec: number;
  /** As BgpSpeaker's `families` and `addPath` options, with the same defaults there. */
  families: AddressFamily[];
  addPath: boolean;
  routesFile: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as RawWriterOptions;
const routes = routesFromJson(JSON.parse(readFileSync(o.routesFile, 'utf8')) as DesiredRouteJson[]);
const routeFamilies = new Set(routes.map((r) => r.prefix.family));

const localOpen = buildLocalOpen({
  asn: o.asn,
  routerId: o.routerId,
  holdTimeSec: o.holdTimeSec,
  families: o.families,
  addPath: { send: o.addPath, receive: false },
  ...(o.gracefulRestartTimeSec > 0
    ? { gracefulRestart: { restartTimeSec: o.gracefulRestartTimeSec, restarting: true } }
    : {}),
});
const families = new Set(o.families);
const expected = createContext({
  fourOctetAs: true,
  extendedMessage: true,
  addPath: { send: { ipv4: o.addPath, ipv6: o.addPath }, receive: { ipv4: false, ipv6: false } },
});
const rib = new AdjRibOut({ families, addPathFamilies: o.addPath ? families : new Set() });
rib.setDesiredRoutes(routes);
const payload = Buffer.concat(encodeRibChanges(rib.takeChanges(), { ctx: expected, localAsn: o.asn }));

/** Where the negotiated codec differs from the one the UPDATEs were encoded for, if anywhere. */
function mismatch(got: CodecContext): string | undefined {
  const diffs: string[] = [];
  if (got.fourOctetAs !== expected.fourOctetAs) diffs.push(`4-octet AS ${got.fourOctetAs}`);
  if (got.extendedMessage !== expected.extendedMessage) diffs.push(`extended message ${got.extendedMessage}`);
  if (got.ibgp !== expected.ibgp) diffs.push(`iBGP ${got.ibgp}`);
  for (const family of routeFamilies) {
    const key = family === 4 ? 'ipv4' : 'ipv6';
    if (got.addPath.send[key] !== expected.addPath.send[key])
      diffs.push(`ADD-PATH send ${key} ${got.addPath.send[key]}`);
  }
  return diffs.length > 0 ? diffs.join(', ') : undefined;
}

const socket = connect({ host: o.peerAddress, port: 179, localAddress: o.localAddress });
socket.setNoDelay(true);
socket.setKeepAlive(false);
const framer = new BgpFramer();
let ctx = createContext();
let endOfRib: Buffer[] = [];
let established = false;
socket.on('connect', () => socket.write(encodeOpen(localOpen)));
socket.on('data', (chunk) => {
  for (const f of framer.push(chunk)) {
    // The peer's UPDATEs (FRR sends our routes back; we are the AS-path loop) are skipped unread.
    if (f[18] === MessageType.Update) continue;
    const m = decodeMessage(f, ctx);
    if (m.type === 'open') {
      const n = negotiate(localOpen, m, { keepaliveTimeSec: o.keepaliveTimeSec, ibgp: false });
      const differs = mismatch(n.codec);
      if (differs !== undefined) {
        process.stderr.write(`the peer negotiated ${differs}: not what the UPDATEs were encoded for\n`);
        process.exit(1);
      }
      ctx = n.codec;
      framer.setMaxMessageSize(maxMessageSize(ctx));
      endOfRib = o.families.filter((x) => n.families.has(x)).map((x) => encodeEndOfRib(x));
      socket.write(encodeKeepalive());
      setInterval(() => socket.write(encodeKeepalive()), n.keepaliveSec * 1000);
    } else if (m.type === 'keepalive' && !established) {
      established = true;
      // Two writes as the speaker does: the table, then End-of-RIB per family.
      socket.write(payload);
      for (const eor of endOfRib) socket.write(eor);
      process.stdout.write(`${JSON.stringify({ event: 'established' })}\n`);
    } else if (m.type === 'notification') {
      process.stderr.write(`NOTIFICATION ${m.code}/${m.subcode}\n`);
      process.exit(1);
    }
  }
});
process.stdout.write(`${JSON.stringify({ event: 'ready', bytes: payload.length })}\n`);
