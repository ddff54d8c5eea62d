import { BadInputError } from './errors.js';

export interface ListenAddress {
  host: string;
  /** 0 lets the kernel pick a free port. */
  port: number;
}

export class BadListenAddressError extends BadInputError {
  constructor(
    readonly field: string,
    readonly text: string,
  ) {
    super(`${field}: "${text}" is not host:port (e.g. 127.0.0.1:9473 or [::1]:9473)`);
  }
}

/** `host:port` or `[v6]:port`; the host is required, so nothing listens on every address by accident. */
export function parseListenAddress(text: string, field: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new BadListenAddressError(field, text);
  return { host: (m[1] ?? m[2])!, port };
}

/** The text parseListenAddress reads back: an IPv6 host in brackets. */
export function formatListenAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
