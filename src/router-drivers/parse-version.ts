import type { RouterVersion } from './records.js';
import { lineError, numberedLines } from './text-lines.js';

const WHAT = 'show version';
const FRR = /^FRRouting (\d+)\.(\d+)(\S*) \((\S+)\)(?: on \S+)?\.?$/;
const QUAGGA = /^Quagga (\d+)\.(\d+)(\S*) \((\S+)\)\.?$/;

/** Reads which routing suite and release answers, from the first line of `show version`. */
export function parseVersion(text: string): RouterVersion {
  const first = numberedLines(text).find((l) => l.text.trim() !== '');
  if (!first) throw lineError(WHAT, { number: 1, text: '' }, 'empty output');
  const frr = FRR.exec(first.text.trim());
  const quagga = frr ? null : QUAGGA.exec(first.text.trim());
  const m = frr ?? quagga;
  if (!m) throw lineError(WHAT, first, 'not an FRRouting or Quagga version line');
  return {
    family: frr ? 'frr' : 'quagga',
    version: `${m[1]}.${m[2]}${m[3]}`,
    major: Number(m[1]),
    minor: Number(m[2]),
    hostname: m[4] as string,
  };
}
