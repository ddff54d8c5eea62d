/**
 * The benchmark's floor: a minimal BGP speaker that pre-encodes every UPDATE before connecting,
 * then after the OPEN/KEEPALIVE exchange writes them in one go and only answers keepalives. Run in
 * the speaker namespace like speaker-child.ts; argv[2] is a JSON RawWriterOptions.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import {
  BgpFramer,
  buildOpen,
  createContext,
  decodeMessage,
  encodeAnnouncements,
  encodeEndOfRib,
  encodeKeepalive,
  encodeOpen,
  parsePrefix,
  type Prefix,
} from '../../../src/bgp/wire/index.js';
import type { DesiredRoute } from '../../../src/bgp/index.js';

export interface RawWriterOptions {
  peerAddress: string;
  localAddress: string;
  asn: number;
  routerId: string;
  routesFile: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as RawWriterOptions;
const routes = JSON.parse(readFileSync(o.routesFile, 'utf8')) as DesiredRoute[];
const ctx = createContext({ fourOctetAs: true, extendedMessage: false });
const byHop = new Map<string, Prefix[]>();
for (const r of routes) {
  const hop = r.nextHops[0]!;
  const list = byHop.get(hop) ?? [];
  list.push(parsePrefix(r.prefix));
  byHop.set(hop, list);
}
const updates: Buffer[] = [];
for (const [hop, prefixes] of byHop) {
  updates.push(
    ...encodeAnnouncements({ origin: 0, asPath: [{ type: 2, asns: [o.asn] }], nextHop: hop }, prefixes, ctx),
  );
}
updates.push(encodeEndOfRib(4));
const payload = Buffer.concat(updates);

const socket = connect({ host: o.peerAddress, port: 179, localAddress: o.localAddress });
socket.setNoDelay(true);
const framer = new BgpFramer();
socket.on('connect', () => {
  socket.write(
    encodeOpen(
      buildOpen({
        asn: o.asn,
        holdTime: 90,
        bgpId: o.routerId,
        capabilities: [
          { kind: 'multiprotocol', afi: 1, safi: 1 },
          { kind: 'four-octet-as', asn: o.asn },
        ],
      }),
    ),
  );
});
let established = false;
socket.on('data', (chunk) => {
  for (const f of framer.push(chunk)) {
    const m = decodeMessage(f, ctx);
    if (m.type === 'open') socket.write(encodeKeepalive());
    else if (m.type === 'keepalive' && !established) {
      established = true;
      socket.write(payload);
      process.stdout.write(`${JSON.stringify({ event: 'established' })}\n`);
    } else if (m.type === 'notification') {
      process.stderr.write(`NOTIFICATION ${m.code}/${m.subcode}\n`);
      process.exit(1);
    }
  }
});
setInterval(() => socket.write(encodeKeepalive()), 30_000);
process.stdout.write(`${JSON.stringify({ event: 'ready', updates: updates.length })}\n`);
