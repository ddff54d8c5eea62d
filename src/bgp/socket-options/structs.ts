import { parseIp } from '../../ip/address.js';

/**
 * Linux socket constants and struct layouts for the socket options BGP needs. The values and
 * layouts are the same on x86_64 and arm64 (both use the generic Linux ABI for these: no
 * architecture overrides as on MIPS, SPARC, PA-RISC or Alpha), which are the platforms we run on.
 */
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
/** O_CLOEXEC's value in the generic ABI; keeps the fd out of child processes (vtysh, ssh). */
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const IPPROTO_IP = 0;
export const IPPROTO_TCP = 6;
export const IPPROTO_IPV6 = 41;
export const IP_TTL = 2;
export const IP_MINTTL = 21;
export const IPV6_UNICAST_HOPS = 16;
export const IPV6_V6ONLY = 26;
export const IPV6_MINHOPCOUNT = 73;
export const TCP_MD5SIG = 14;
/** TCP_MD5SIG_MAXKEYLEN in <linux/tcp.h>. */
export const TCP_MD5SIG_MAXKEYLEN = 80;

/**
 * struct sockaddr_in (16 bytes): u16 family (host order), u16 port (network order), 4-byte
 * address, 8 bytes zero. struct sockaddr_in6 (28 bytes): u16 family, u16 port, u32 flowinfo,
 * 16-byte address, u32 scope id. An IPv4 address given for an IPv6 socket becomes ::ffff:a.b.c.d,
 * which is how the kernel matches IPv4 peers on a dual-stack socket.
 */
export function encodeSockaddr(address: string, port: number, family: 4 | 6): Buffer {
  const ip = parseIp(address);
  if (!ip) throw new TypeError(`'${address}' is not an IP address`);
  if (family === 4) {
    if (ip.family !== 4) throw new TypeError(`'${address}' is not an IPv4 address`);
    const b = Buffer.alloc(16);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(port, 2);
    b.writeUInt32BE(Number(ip.value), 4);
    return b;
  }
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  const value = ip.family === 4 ? 0xffff00000000n | ip.value : ip.value;
  b.writeBigUInt64BE(value >> 64n, 8);
  b.writeBigUInt64BE(value & 0xffffffffffffffffn, 16);
  return b;
}

/**
 * struct tcp_md5sig (<linux/tcp.h>, 216 bytes): struct __kernel_sockaddr_storage tcpm_addr
 * (128 bytes, the peer's sockaddr at its start), u8 tcpm_flags, u8 tcpm_prefixlen, u16 tcpm_keylen
 * (host order), int tcpm_ifindex, u8 tcpm_key[80]. Flags 0: a key for exactly this peer address.
 * An empty key deletes the peer's key.
 */
export function encodeTcpMd5sig(peerAddress: string, family: 4 | 6, key: Buffer): Buffer {
  if (key.length > TCP_MD5SIG_MAXKEYLEN)
    throw new RangeError(`key longer than ${TCP_MD5SIG_MAXKEYLEN} bytes`);
  const b = Buffer.alloc(216);
  encodeSockaddr(peerAddress, 0, family).copy(b, 0);
  b.writeUInt16LE(key.length, 130);
  key.copy(b, 136);
  return b;
}

/** A C int (4 bytes, little-endian on x86_64 and arm64) for integer socket options. */
export function encodeInt(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value, 0);
  return b;
}
