// Scratch space for one call (never re-entered), so formatting allocates only its result.
const parts: string[] = [];

/**
 * RFC 5952 canonical text of eight 16-bit groups: the first longest run of two or more zero
 * groups becomes `::`. `hexGroup` turns one group into hex without leading zeros; callers on a
 * hot path pass a cached one.
 */
export function formatIpv6Groups(groups: ArrayLike<number>, hexGroup: (group: number) => string): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  parts.length = 0;
  if (bestStart < 0) {
    for (let i = 0; i < 8; i++) parts.push(hexGroup(groups[i] as number));
    return parts.join(':');
  }
  // "a::b" is parts [a, '', b]; a run at either end needs one more empty part for its colon.
  for (let i = 0; i < bestStart; i++) parts.push(hexGroup(groups[i] as number));
  if (bestStart === 0) parts.push('');
  parts.push('');
  for (let i = bestStart + bestLen; i < 8; i++) parts.push(hexGroup(groups[i] as number));
  if (bestStart + bestLen === 8) parts.push('');
  return parts.join(':');
}
