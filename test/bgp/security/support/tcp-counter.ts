import { readFileSync } from 'node:fs';

/** A TcpExt counter (e.g. TCPMD5Failure) out of the text of a /proc/net/netstat. */
export function tcpExtCounter(netstat: string, name: string): number {
  const lines = netstat.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const i = (lines[0] ?? '').split(/\s+/).indexOf(name);
  if (i < 0) throw new Error(`no TcpExt counter ${name} in this kernel`);
  return Number((lines[1] ?? '').split(/\s+/)[i]);
}

/** A TcpExt counter of this process's network namespace. */
export function tcpCounter(name: string): number {
  return tcpExtCounter(readFileSync('/proc/net/netstat', 'utf8'), name);
}
