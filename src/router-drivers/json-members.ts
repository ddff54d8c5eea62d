import { RouterJsonParseError } from './errors.js';

/*
 * A large top-level JSON object read a few dozen kilobytes at a time. JSON.parse of a whole
 * 100,000-route table (80 MiB) builds one graph that stays live until its last member is read,
 * so every young-generation collection copies it again; read in batches, each batch's objects
 * die young. Measured with `npm run bench -- router-parsers` (docs/benchmarks.md): the whole
 * parse took 0.9 s of CPU, over the 500 ms target; batches take half.
 *
 * Where a batch ends is a hint, not a rule: the comma before a top-level member as json-c's pretty
 * printer starts one (a newline, two spaces, a quote), as FRR prints it. A batch is taken only
 * when `{` + its text + `}` parses. Otherwise it grows, doubling, to a later hint and at last to
 * the whole object, so any other layout is read as one JSON.parse and a text that is not JSON
 * fails in its last batch. Batches that all parse, joined by the commas between them, are the
 * whole object: a batch parses only if its brackets close, so every cut was between members.
 * A key printed twice (FRR never does) is kept once per batch it appears in.
 */

const MEMBER_START = '\n  "';
const BATCH_CHARS = 1 << 16;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Calls `visit` with each member of the JSON object `text`, in order; `what` names the output in
 * errors. `batchChars` is the least text per batch (tests use small ones).
 */
export function visitObjectMembers(
  what: string,
  text: string,
  visit: (key: string, value: unknown) => void,
  batchChars: number = BATCH_CHARS,
): void {
  let open = 0;
  while (isSpace(text.charCodeAt(open))) open += 1;
  let close = text.length - 1;
  while (close > open && isSpace(text.charCodeAt(close))) close -= 1;
  if (text.charCodeAt(open) !== OPEN_BRACE || text.charCodeAt(close) !== CLOSE_BRACE || close === open) {
    throw new RouterJsonParseError(
      what,
      '',
      `not a JSON object: ${JSON.stringify(text.slice(open, open + 40))}`,
    );
  }
  let start = open + 1;
  let least = batchChars;
  while (start < close) {
    const end = batchEnd(text, start + least, close);
    let batch: Record<string, unknown>;
    try {
      batch = JSON.parse(`{${text.slice(start, end)}}`) as Record<string, unknown>;
    } catch (err) {
      if (end < close) {
        least *= 2;
        continue;
      }
      const where = start === open + 1 ? '' : `, in the members from position ${start}`;
      throw new RouterJsonParseError(what, '', `not JSON (${(err as Error).message}${where})`);
    }
    for (const key in batch) {
      if (Object.hasOwn(batch, key)) visit(key, batch[key]);
    }
    start = end + 1;
    least = batchChars;
  }
}

/** The comma before the first member start at or after `from`, or `close` when none is left. */
function batchEnd(text: string, from: number, close: number): number {
  let cut = text.indexOf(MEMBER_START, from);
  while (cut !== -1 && cut < close) {
    let end = cut;
    while (isSpace(text.charCodeAt(end - 1))) end -= 1;
    if (text.charCodeAt(end - 1) === COMMA) return end - 1;
    cut = text.indexOf(MEMBER_START, cut + 1);
  }
  return close;
}
