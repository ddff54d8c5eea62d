/**
 * One NLRI entry. The address is kept as wire bytes (4 or 16, host bits zero) so the codec copies
 * bytes instead of building numbers or strings per prefix; text conversion happens only at the
 * edges (config, logs, reports).
 */
export interface Prefix {
  family: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6; bits past `len` are zero. */
  addr: Uint8Array;
  len: number;
  /** ADD-PATH path identifier (RFC 7911), present only when the family uses ADD-PATH. */
  pathId?: number;
}
