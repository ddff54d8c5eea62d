import type { Prefix } from './prefix-type.js';

/**
 * Decodes an NLRI / withdrawn-routes field (RFC 4271 §4.3, RFC 7911 §3) from `b[start..end)` into
 * `out`. Returns undefined when well formed, else why not (the caller picks the error code,
 * which differs between the classic fields and MP_REACH/MP_UNREACH). Never reads past `end`.
 */
export function decodePrefixes(
  b: Uint8Array,
  start: number,
  end: number,
  family: 4 | 6,
  addPath: boolean,
  out: Prefix[],
): string | undefined {
  const maxLen = family === 4 ? 32 : 128;
  const size = family === 4 ? 4 : 16;
  let i = start;
  while (i < end) {
    let pathId = 0;
    if (addPath) {
      if (i + 5 > end) return 'path identifier truncated';
      pathId =
        (b[i] as number) * 0x1000000 +
        (((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number));
      i += 4;
    }
    const len = b[i] as number;
    if (len > maxLen) return `prefix length ${len} > ${maxLen}`;
    const n = (len + 7) >> 3;
    i++;
    if (i + n > end) return `prefix of length ${len} overruns the field`;
    const addr = new Uint8Array(size);
    for (let k = 0; k < n; k++) addr[k] = b[i + k] as number;
    // Trailing bits are irrelevant (RFC 4271 §4.3): clear them so equal prefixes compare equal.
    if ((len & 7) !== 0) addr[n - 1] = (addr[n - 1] as number) & (0xff << (8 - (len & 7)));
    i += n;
    out.push(addPath ? { family, addr, len, pathId } : { family, addr, len });
  }
  return undefined;
}

/** Octets one prefix takes on the wire. */
export function prefixWireSize(p: Prefix, addPath: boolean): number {
  return (addPath ? 5 : 1) + ((p.len + 7) >> 3);
}

/** Writes one prefix at `off` and returns the offset after it. The caller checked the room. */
export function writePrefix(b: Uint8Array, off: number, p: Prefix, addPath: boolean): number {
  if (addPath) {
    const id = p.pathId ?? 0;
    b[off] = id >>> 24;
    b[off + 1] = (id >>> 16) & 0xff;
    b[off + 2] = (id >>> 8) & 0xff;
    b[off + 3] = id & 0xff;
    off += 4;
  }
  const len = p.len;
  b[off++] = len;
  const n = (len + 7) >> 3;
  const a = p.addr;
  for (let k = 0; k < n; k++) b[off + k] = a[k] as number;
  return off + n;
}
