import { isIP, Socket, type SocketConstructorOpts } from 'node:net';
import { CrsError, ExitCode } from '../util/errors.js';
import { InvalidPeerConfigError } from './errors.js';
import { libc, type Libc } from './socket-options/libc.js';
import {
  AF_INET,
  AF_INET6,
  encodeInt,
  encodeSockaddr,
  encodeTcpMd5sig,
  IP_MINTTL,
  IP_TTL,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPV6_MINHOPCOUNT,
  IPV6_UNICAST_HOPS,
  IPV6_V6ONLY,
  SO_REUSEADDR,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  SOL_SOCKET,
  TCP_MD5SIG,
  TCP_MD5SIG_MAXKEYLEN,
} from './socket-options/structs.js';
import { tuneSocket, type Connector } from './transport.js';

/**
 * Per-peer socket security for BGP sessions (Linux only): TCP-MD5 signatures (RFC 2385), the
 * outgoing TTL for eBGP multihop, and GTSM (RFC 5082). This module and ./socket-options/ are the
 * only code that knows these need FFI; everything else sees a Connector and a listener fd.
 */
export interface SocketSecurity {
  /** TCP-MD5 key. Never logged, never in an error message. */
  password?: string;
  /** Send with TTL / hop limit 255 so a peer several hops away gets our packets. */
  ebgpMultiHop: boolean;
  /** GTSM for a directly connected peer: send 255 and drop anything that arrives below 255. */
  ttlSecurity: boolean;
}

export type SocketOption = 'password' | 'ebgpMultiHop' | 'ttlSecurity';

/**
 * A socket option the configuration asks for cannot be applied on this host (not Linux, koffi
 * missing, no permission, kernel without TCP-MD5...). The session must not run without it.
 */
export class SocketOptionError extends CrsError {
  readonly exitCode = ExitCode.BadInput;
  constructor(
    readonly peer: string,
    readonly option: SocketOption,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`peer ${peer}: cannot apply ${option} to the BGP socket: ${reason}`, options);
  }
}

/** GTSM's send TTL and, for a directly connected peer (FRR's `ttl-security hops 1`), the minimum. */
const MAX_TTL = 255;

/**
 * The socket security a peer's config asks for, or undefined when it asks for none. An empty
 * password means none, as in MetalLB.
 */
export function socketSecurityFor(peer: {
  name: string;
  password?: string | undefined;
  ebgpMultiHop?: boolean | undefined;
  ttlSecurity?: boolean | undefined;
  passwordSecret?: { name: string } | undefined;
}): SocketSecurity | undefined {
  const password = peer.password === '' ? undefined : peer.password;
  if (peer.passwordSecret !== undefined && password === undefined) {
    // Running unsigned because nobody read the Secret would be a silent downgrade.
    throw new InvalidPeerConfigError(
      peer.name,
      'passwordSecret',
      `Secret '${peer.passwordSecret.name}' was not resolved to a password (resolvePeerPassword) before the peer was added`,
    );
  }
  const security: SocketSecurity = {
    ...(password !== undefined ? { password } : {}),
    ebgpMultiHop: peer.ebgpMultiHop === true,
    ttlSecurity: peer.ttlSecurity === true,
  };
  if (security.ebgpMultiHop && security.ttlSecurity) {
    throw new InvalidPeerConfigError(
      peer.name,
      'ttlSecurity',
      'cannot be combined with ebgpMultiHop (GTSM needs a directly connected peer)',
    );
  }
  if (password !== undefined && Buffer.byteLength(password) > TCP_MD5SIG_MAXKEYLEN) {
    throw new InvalidPeerConfigError(
      peer.name,
      'password',
      `longer than ${TCP_MD5SIG_MAXKEYLEN} bytes (the Linux TCP-MD5 limit)`,
    );
  }
  return password !== undefined || security.ebgpMultiHop || security.ttlSecurity ? security : undefined;
}

function requestedOptions(s: SocketSecurity): SocketOption[] {
  return [
    ...(s.password !== undefined ? (['password'] as const) : []),
    ...(s.ebgpMultiHop ? (['ebgpMultiHop'] as const) : []),
    ...(s.ttlSecurity ? (['ttlSecurity'] as const) : []),
  ];
}

function loadLibc(peer: string, security: SocketSecurity): Libc {
  try {
    return libc();
  } catch (err) {
    throw new SocketOptionError(
      peer,
      requestedOptions(security)[0] ?? 'password',
      `FFI unavailable: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/**
 * Throws SocketOptionError now when this host cannot apply the options at all (not Linux, koffi
 * will not load), so adding such a peer fails loudly instead of running an unsigned session.
 */
export function assertSocketSecuritySupported(peer: string, security: SocketSecurity): void {
  loadLibc(peer, security);
}

function setOption(
  lib: Libc,
  fd: number,
  peer: string,
  option: SocketOption,
  what: string,
  level: number,
  name: number,
  value: Buffer,
): void {
  try {
    lib.setsockopt(fd, level, name, value);
  } catch (err) {
    throw new SocketOptionError(peer, option, `${what}: ${(err as Error).message}`, { cause: err });
  }
}

function familyOf(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

/** The per-peer options on a socket of `family`: the MD5 key for `peerAddress`, TTL, minimum TTL. */
function applyPeerOptions(
  lib: Libc,
  fd: number,
  family: 4 | 6,
  peer: string,
  peerAddress: string,
  s: SocketSecurity,
): void {
  if (s.password !== undefined) {
    const md5 = encodeTcpMd5sig(peerAddress, family, Buffer.from(s.password));
    setOption(lib, fd, peer, 'password', 'TCP_MD5SIG', IPPROTO_TCP, TCP_MD5SIG, md5);
  }
  const ttlOption = s.ttlSecurity ? 'ttlSecurity' : s.ebgpMultiHop ? 'ebgpMultiHop' : undefined;
  if (ttlOption !== undefined) {
    const [level, name, label] =
      family === 4 ? [IPPROTO_IP, IP_TTL, 'IP_TTL'] : [IPPROTO_IPV6, IPV6_UNICAST_HOPS, 'IPV6_UNICAST_HOPS'];
    setOption(lib, fd, peer, ttlOption, label, level, name, encodeInt(MAX_TTL));
  }
  if (s.ttlSecurity) {
    const [level, name, label] =
      family === 4
        ? [IPPROTO_IP, IP_MINTTL, 'IP_MINTTL']
        : [IPPROTO_IPV6, IPV6_MINHOPCOUNT, 'IPV6_MINHOPCOUNT'];
    setOption(lib, fd, peer, 'ttlSecurity', label, level, name, encodeInt(MAX_TTL));
  }
}

/**
 * A Connector whose sockets carry the peer's security options from the first SYN on: we create
 * the socket with socket(2), set the options, and hand the fd to libuv, which then binds the
 * source address and connects it without blocking (libuv reuses a handle's existing fd for
 * connect). `manualStart` keeps Node from reading the not yet connected socket. A failure to set
 * an option surfaces as the socket's 'error' (a SocketOptionError), so the session stays down
 * with that reason rather than running unsigned.
 */
export function securedConnector(peer: string, security: SocketSecurity): Connector {
  return (opts) => {
    let lib: Libc | undefined;
    let fd: number | undefined;
    try {
      lib = loadLibc(peer, security);
      const family = familyOf(opts.host);
      fd = lib.socket(family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
      applyPeerOptions(lib, fd, family, peer, opts.host, security);
      const socketOpts: SocketConstructorOpts & { manualStart: boolean } = { fd, manualStart: true };
      const socket = new Socket(socketOpts);
      fd = undefined;
      tuneSocket(socket);
      socket.connect({
        host: opts.host,
        port: opts.port,
        ...(opts.localAddress !== undefined ? { localAddress: opts.localAddress } : {}),
        ...(opts.localPort !== undefined ? { localPort: opts.localPort } : {}),
      });
      return socket;
    } catch (err) {
      if (fd !== undefined) lib?.close(fd);
      const failed = new Socket();
      process.nextTick(() => failed.destroy(err as Error));
      return failed;
    }
  };
}

/**
 * A listening-ready TCP socket (bound, not yet listening) for `server.listen({ fd })`, made by us
 * so per-peer MD5 keys can be set on it: connections accepted from a peer inherit its key, and
 * the kernel drops unsigned or wrongly signed SYNs from it. An IPv6 wildcard also takes IPv4.
 */
export interface SecurableListener {
  fd: number;
  family: 4 | 6;
}

/** True where per-peer socket options can be set at all (Linux, koffi loads). */
export function socketOptionsAvailable(): boolean {
  try {
    libc();
    return true;
  } catch {
    return false;
  }
}

export function openSecurableListener(address: string, port: number): SecurableListener {
  const lib = libc();
  const family = familyOf(address);
  const fd = lib.socket(family === 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  try {
    lib.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, encodeInt(1));
    if (family === 6) lib.setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, encodeInt(0));
    lib.bind(fd, encodeSockaddr(address, port, family));
  } catch (err) {
    lib.close(fd);
    throw err;
  }
  return { fd, family };
}

/**
 * Sets a peer's MD5 key on the listener, and TTL 255 when the peer needs it so the SYN-ACK and
 * the accepted connection send it (Linux copies the listener's TTL to accepted sockets). The
 * receive-side GTSM check (minimum TTL) is per listener in Linux, not per peer, so it is only
 * enforced on connections we open.
 */
export function secureListenerForPeer(
  listener: SecurableListener,
  peer: string,
  peerAddress: string,
  security: SocketSecurity,
): void {
  const lib = loadLibc(peer, security);
  applyPeerOptions(lib, listener.fd, listener.family, peer, peerAddress, {
    ...security,
    ttlSecurity: false,
    ebgpMultiHop: security.ebgpMultiHop || security.ttlSecurity,
  });
}

/** Removes a peer's MD5 key from the listener (an empty key deletes it). */
export function removeListenerPeerKey(listener: SecurableListener, peer: string, peerAddress: string): void {
  const lib = loadLibc(peer, { ebgpMultiHop: false, ttlSecurity: false, password: '' });
  setOption(
    lib,
    listener.fd,
    peer,
    'password',
    'TCP_MD5SIG',
    IPPROTO_TCP,
    TCP_MD5SIG,
    encodeTcpMd5sig(peerAddress, listener.family, Buffer.alloc(0)),
  );
}
