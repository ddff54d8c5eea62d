/**
 * Runs in its own process on a host where libc cannot be called, made so before socket-options
 * first loads libc: `darwin` fakes process.platform, `no-koffi` makes the optional dependency koffi
 * unresolvable as if `npm install --omit=optional` had left it out. Prints what adding a password
 * peer and a secured connect attempt do there.
 */
import Module from 'node:module';
// A type-only import chain: loading it does not load socket-options before the host is changed.
import { labRouterPeer } from '../../../lab/speaker-peer.js';

const [, , host, key] = process.argv as [string, string, 'darwin' | 'no-koffi', string];
if (host === 'darwin') {
  Object.defineProperty(process, 'platform', { value: 'darwin' });
} else {
  // Node's CommonJS resolver is what libc.ts's createRequire goes through; this is the error it
  // throws for a package that is not in node_modules.
  const resolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = resolver._resolveFilename;
  resolver._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
    if (request === 'koffi') {
      throw Object.assign(new Error(`Cannot find module '${request}'`), { code: 'MODULE_NOT_FOUND' });
    }
    return resolve.call(this, request, ...rest);
  };
}
const { BgpSpeaker } = await import('../../../../src/bgp/index.js');
const { securedConnector } = await import('../../../../src/bgp/socket-options.js');

const describe = (err: Error & { peer?: string; option?: string; cause?: unknown }) => ({
  name: err.name,
  message: err.message,
  peer: err.peer,
  option: err.option,
  cause: (err.cause as Error | undefined)?.name,
});
const out: Record<string, unknown> = {};
const speaker = new BgpSpeaker({ routerId: '192.0.2.1' });
try {
  speaker.addPeer(labRouterPeer({ peerAddress: '127.0.0.1', connectTimeSec: 5, password: key }));
  out.addPeer = 'accepted';
} catch (err) {
  out.addPeer = describe(err as Error);
}
const socket = securedConnector('router', { ebgpMultiHop: false, ttlSecurity: true })({
  host: '127.0.0.1',
  port: 9,
});
out.connect = await new Promise((resolve) => {
  socket.on('connect', () => resolve('connected'));
  socket.on('error', (err: Error) => resolve(describe(err)));
});
await speaker.stop();
process.stdout.write(JSON.stringify(out));
