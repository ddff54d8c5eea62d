/** IP address text: one parser and one RFC 5952 formatter for every numeric form the code keeps. */

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Parses dotted-quad IPv4 text into 4 bytes, or returns undefined: four parts of 1-3 ASCII digits,
 * no leading zero, each at most 255. One pass over the characters: a large table parses every
 * prefix, and splitting plus a regex per part was the visible cost of encoding one.
 */
export function parseIpv4(text: string): Uint8Array | undefined {
  const out = new Uint8Array(4);
  let part = 0;
  let digits = 0;
  let value = 0;
  let leadingZero = false;
  for (let i = 0; i <= text.length; i++) {
    // The end of the text closes the last part as a dot closes the others.
    const c = i === text.length ? -1 : text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      if (digits === 0) leadingZero = c === ZERO;
      else if (leadingZero) return undefined;
      if (++digits > 3) return undefined;
      value = value * 10 + (c - ZERO);
      continue;
    }
    if (c !== DOT && c !== -1) return undefined;
    if (digits === 0 || value > 255 || (c === -1) !== (part === 3)) return undefined;
    out[part++] = value;
    digits = 0;
    value = 0;
  }
  return out;
}

/**
 * Parses IPv6 text (with `::` and an optional trailing dotted quad) into its eight 16-bit groups,
 * or returns undefined.
 */
export function parseIpv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroupList(halves[0] as string);
  const tail = halves.length === 2 ? parseGroupList(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

const IPV6_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The groups of one side of `::`; a dotted quad may only come last. */
function parseGroupList(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const items = text.split(':');
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    if (i === items.length - 1 && item.includes('.')) {
      const v4 = parseIpv4(item);
      if (v4 === undefined) return undefined;
      groups.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
    } else {
      if (!IPV6_GROUP.test(item)) return undefined;
      groups.push(parseInt(item, 16));
    }
  }
  return groups;
}

// Scratch space for one call (never re-entered), so formatting allocates only its result.
const parts: string[] = [];

/**
 * RFC 5952 canonical text of eight 16-bit groups: the first longest run of two or more zero
 * groups becomes `::`. `hexGroup` turns one group into hex without leading zeros; callers on a
 * hot path pass a cached one.
 */
export function formatIpv6Groups(groups: ArrayLike<number>, hexGroup: (group: number) => string): string {
  if (isIpv4Mapped(groups)) {
    // RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part as a dotted quad. glibc's inet_ntop
    // does the same, so vtysh shows an IPv4 peer's IPv6 next hop as ::ffff:172.20.0.1.
    const hi = groups[6] as number;
    const lo = groups[7] as number;
    return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
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

/** ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
function isIpv4Mapped(groups: ArrayLike<number>): boolean {
  for (let i = 0; i < 5; i++) if (groups[i] !== 0) return false;
  return groups[5] === 0xffff;
}
