import type { RouterVersion } from './records.js';
import { lineError, numberedLines } from './text-lines.js';

const WHAT = 'show version';
const FRR = /^FRRouting (\d+)\.(\d+)(\S*) \((\S+)\)(?: on \S+)?\.?$/;
/**
 * Quagga prints the hostname between the brackets, and nothing when it has none: a real 1.2.4
 * without a `hostname` line answers `Quagga 1.2.4 ().` (fixtures/quagga-1.2.4/single-path).
 */
const QUAGGA = /^Quagga (\d+)\.(\d+)(\S*) \((\S*)\)\.?$/;

/**
 * Reads which routing suite and release answers, from the first line of `show version`; the
 * lines after it (copyright, Quagga's `configured with:` and its options) say nothing we use.
 */
export function parseVersion(text: string): RouterVersion {
  const first = numberedLines(text).find((l) => l.text.trim() !== '');
  if (!first) throw lineError(WHAT, { number: 1, text: '' }, 'empty output');
  const frr = FRR.exec(first.text.trim());
  const quagga = frr ? null : QUAGGA.exec(first.text.trim());
  const m = frr ?? quagga;
  if (!m) throw lineError(WHAT, first, 'not an FRRouting or Quagga version line');
  const version: RouterVersion = {
    family: frr ? 'frr' : 'quagga',
    version: `${m[1]}.${m[2]}${m[3]}`,
    major: Number(m[1]),
    minor: Number(m[2]),
  };
  if (m[4] !== '') version.hostname = m[4] as string;
  return version;
}
