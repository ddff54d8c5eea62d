import type { RouteVerdict, SessionVerdict } from '../sync/verify/verification.js';

const RESET = '\u001b[0m';
const GREEN = '\u001b[32m';
const YELLOW = '\u001b[33m';
const RED = '\u001b[31m';
const BOLD = '\u001b[1m';

/** ok is green; partial or passing problems (one path short, not in the FIB, a restart) yellow; the rest red. */
export function verdictColour(verdict: RouteVerdict | SessionVerdict): string {
  if (verdict === 'ok') return GREEN;
  if (verdict === 'ecmp-incomplete' || verdict === 'not-in-fib' || verdict === 'restarting') return YELLOW;
  return RED;
}

export function paint(enabled: boolean, colour: string, text: string): string {
  return enabled ? `${colour}${text}${RESET}` : text;
}

export function bold(enabled: boolean, text: string): string {
  return paint(enabled, BOLD, text);
}
