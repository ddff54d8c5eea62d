/** RFC 4360 two-octet-AS route target / origin ("rt 65000:100", "soo 65000:100"), else hex. */
export function extendedCommunityToString(c: bigint): string {
  const type = Number((c >> 56n) & 0xffn);
  const sub = Number((c >> 48n) & 0xffn);
  const label = sub === 0x02 ? 'rt' : sub === 0x03 ? 'soo' : undefined;
  if (label !== undefined && type === 0x00)
    return `${label} ${Number((c >> 32n) & 0xffffn)}:${Number(c & 0xffffffffn)}`;
  if (label !== undefined && type === 0x02)
    return `${label} ${Number((c >> 16n) & 0xffffffffn)}:${Number(c & 0xffffn)}`;
  return `0x${c.toString(16).padStart(16, '0')}`;
}
