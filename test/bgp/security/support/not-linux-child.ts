/**
 * Runs in its own process with process.platform faked to 'darwin' before socket-options first
 * loads libc: prints what adding a password peer and a secured connect attempt do there.
 */
// A type-only import chain: loading it does not load socket-options before the platform is faked.
import { labRouterPeer } from '../../../lab/speaker-peer.js';

Object.defineProperty(process, 'platform', { value: 'darwin' });
const { BgpSpeaker } = await import('../../../../src/bgp/index.js');
const { securedConnector } = await import('../../../../src/bgp/socket-options.js');

const out: Record<string, unknown> = {};
const speaker = new BgpSpeaker({ routerId: '192.0.2.1' });
try {
  speaker.addPeer(
    labRouterPeer({ peerAddress: '127.0.0.1', connectTimeSec: 5, password: process.argv[2] as string }),
  );
  out.addPeer = 'accepted';
} catch (err) {
  const e = err as Error & { peer?: string; option?: string };
  out.addPeer = { name: e.name, message: e.message, peer: e.peer, option: e.option };
}
const socket = securedConnector('router', { ebgpMultiHop: false, ttlSecurity: true })({
  host: '127.0.0.1',
  port: 9,
});
out.connect = await new Promise((resolve) => {
  socket.on('connect', () => resolve('connected'));
  socket.on('error', (err: Error & { option?: string }) =>
    resolve({ name: err.name, message: err.message, option: err.option }),
  );
});
await speaker.stop();
process.stdout.write(JSON.stringify(out));
