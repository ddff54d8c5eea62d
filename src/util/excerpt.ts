/**
 * Bounded quoting of input inside error messages. A message quotes what it could not use so a
 * user can find it, but input has no size limit (one 50 MB line of router output, a megabyte
 * token) and a message must stay readable on a terminal and in a log: the first EXCERPT_CHARS
 * characters are quoted, and the full length is said so the cut is never mistaken for the value.
 */

export const EXCERPT_CHARS = 200;

/** `text` as a JSON string when short; else its first EXCERPT_CHARS characters and its length. */
export function quoteExcerpt(text: string): string {
  if (text.length <= EXCERPT_CHARS) return JSON.stringify(text);
  return `${JSON.stringify(text.slice(0, EXCERPT_CHARS))}... (first ${EXCERPT_CHARS} of ${text.length} characters)`;
}

/**
 * Free text that may carry input (a parser's reason quoting a token, a router's message): kept
 * whole when it is a sentence, cut with its length said when it is not.
 */
export function clipText(text: string, limit = 2 * EXCERPT_CHARS): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}... (first ${limit} of ${text.length} characters)`;
}
