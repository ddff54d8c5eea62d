/*
 * Reading a large top-level JSON object a few dozen kilobytes at a time (issue #6). JSON.parse of
 * a whole 100k-route table builds one tree that survives every young-generation collection
 * until the end, so V8 copies and promotes all of it; parsed in batches, each batch's objects
 * die young and the full parse costs about a third less CPU.
 *
 * Batches are cut where json-c's pretty printer starts a top-level member (a newline, two spaces,
 * a quote) and only right after the comma that separates two members. A raw newline cannot be
 * inside a JSON string, and `{` B1 `}` ... `{` Bn `}` all being objects with members means
 * `{B1,...,Bn}` is one, with the same members in the same order. What JSON.parse of the whole
 * text would do differently is refused: a key seen twice (the whole parse keeps the last value
 * at the first position) and array-index keys (which it orders first). The caller then reads
 * the text as a whole, which also gives the exact error of a text that is not JSON.
 */

const MEMBER_START = '\n  "';
const BATCH_CHARS = 1 << 16;
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Calls `visit` for each member of the top-level object in `text`, in order, and returns true;
 * returns false, having visited none or some members, when the text cannot be read this way
 * (not an object, not cut at member starts, a batch that is not JSON, a key rule above). Errors
 * thrown by `visit` propagate. `batchChars` is the least text per batch (tests use small ones).
 */
export function visitObjectMembersInBatches(
  text: string,
  visit: (key: string, value: unknown) => void,
  batchChars: number = BATCH_CHARS,
): boolean {
  let open = 0;
  while (open < text.length && isJsonSpace(text.charCodeAt(open))) open += 1;
  let close = text.length - 1;
  while (close > open && isJsonSpace(text.charCodeAt(close))) close -= 1;
  if (text.charCodeAt(open) !== 0x7b || text.charCodeAt(close) !== 0x7d || close === open) return false;
  const seen = new Set<string>();
  let start = open + 1;
  while (start < close) {
    let end = close;
    const cut = text.indexOf(MEMBER_START, start + batchChars + 1);
    if (cut !== -1 && cut < close) {
      end = cut;
      while (isJsonSpace(text.charCodeAt(end - 1))) end -= 1;
      end -= 1;
      if (text.charCodeAt(end) !== 0x2c) return false;
    }
    let batch: Record<string, unknown>;
    try {
      batch = JSON.parse(`{${text.slice(start, end)}}`) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof SyntaxError) return false;
      throw err;
    }
    let members = 0;
    for (const key in batch) {
      if (!Object.hasOwn(batch, key)) continue;
      if (seen.has(key) || ARRAY_INDEX.test(key)) return false;
      seen.add(key);
      members += 1;
      visit(key, batch[key]);
    }
    if (members === 0) return false;
    start = end + 1;
  }
  return true;
}
