import { connect, type Socket } from 'node:net';

/** The part of a TCP socket a session uses; net.Socket fits, and tests pass an in-memory pair. */
export interface BgpConnection {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly localAddress?: string;
  readonly localPort?: number;
  write(data: Uint8Array, cb?: (err?: Error | null) => void): boolean;
  end(): void;
  destroy(): void;
  on(event: 'connect' | 'close' | 'drain', fn: () => void): unknown;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
}

export interface ConnectOptions {
  host: string;
  port: number;
  localAddress?: string;
  localPort?: number;
}

/** Opens an outgoing connection; the returned connection emits 'connect' once TCP is up. */
export type Connector = (opts: ConnectOptions) => BgpConnection;

/**
 * BGP has its own keepalives and hold timer, so TCP keepalive stays off; Nagle would delay
 * KEEPALIVEs and small UPDATEs behind unacknowledged data, so it is off too. Node's net API has no
 * way to set the IP TTL of a TCP socket (eBGP multihop, GTSM) or TCP-MD5: socket-options.ts does that
 * with setsockopt through FFI.
 */
export function tuneSocket(socket: Socket): void {
  socket.setNoDelay(true);
  socket.setKeepAlive(false);
}

export const tcpConnector: Connector = (opts) => {
  const socket = connect({
    host: opts.host,
    port: opts.port,
    ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
    ...(opts.localPort !== undefined ? { localPort: opts.localPort } : {}),
  });
  tuneSocket(socket);
  return socket;
};
