import { toNlri, type Prefix } from '../../../src/bgp/wire/index.js';
import { parsePrefix } from '../../../src/ip/prefix.js';

/** The wire prefix of `192.168.197.0/24`-style text (host bits cleared), for tests and benchmarks. */
export function nlri(text: string, pathId?: number): Prefix {
  const p = parsePrefix(text);
  if (p === undefined) throw new Error(`not a prefix: ${text}`);
  return toNlri(p, pathId);
}
