/**
 * A unified-style line diff for golden-file mismatches: equal head and tail are trimmed, the
 * rest aligned by longest common subsequence. Reports are small; a very large middle falls back
 * to "all removed, all added", which is still a correct (if blunt) diff.
 */

import { appendAll } from '../../util/arrays.js';

const MAX_CELLS = 4_000_000;
const CONTEXT = 2;

export function lineDiff(
  expected: string,
  actual: string,
  labels: { expected: string; actual: string },
): string {
  const a = splitLines(expected);
  const b = splitLines(actual);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if (midA.length === 0 && midB.length === 0) return '';
  const ops = midA.length * midB.length > MAX_CELLS ? blunt(midA, midB) : lcsOps(midA, midB);
  const out = [`--- ${labels.expected}`, `+++ ${labels.actual}`];
  out.push(`@@ -${head + 1},${midA.length} +${head + 1},${midB.length} @@`);
  for (const line of a.slice(Math.max(0, head - CONTEXT), head)) out.push(` ${line}`);
  appendAll(out, ops);
  for (const line of a.slice(a.length - tail, a.length - tail + CONTEXT)) out.push(` ${line}`);
  return `${out.join('\n')}\n`;
}

function splitLines(s: string): string[] {
  const lines = s.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function blunt(a: string[], b: string[]): string[] {
  return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
}

function lcsOps(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  // lengths[i][j]: LCS of a[i..] and b[j..], flattened.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * (m + 1) + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * (m + 1) + j + 1] as number) + 1
          : Math.max(lengths[(i + 1) * (m + 1) + j] as number, lengths[i * (m + 1) + j + 1] as number);
    }
  }
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push(` ${a[i]}`);
      i++;
      j++;
    } else if (
      i < n &&
      (j === m || (lengths[(i + 1) * (m + 1) + j] as number) >= (lengths[i * (m + 1) + j + 1] as number))
    ) {
      // On a tie the removal goes first, as diff(1) prints it.
      ops.push(`-${a[i]}`);
      i++;
    } else {
      ops.push(`+${b[j]}`);
      j++;
    }
  }
  return ops;
}

/** Golden files may be saved with CRLF line ends or without the final newline. */
export function sameReport(expected: string, actual: string): boolean {
  return splitLines(expected).join('\n') === splitLines(actual).join('\n');
}
