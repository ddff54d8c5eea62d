import { RouterOutputParseError } from './errors.js';

export interface NumberedLine {
  /** 1-based, counted in the text as given (an echoed prompt line counts). */
  number: number;
  text: string;
}

/**
 * vtysh with `-E` (and copies pasted from a terminal) start with the prompt and the command,
 * e.g. `cr1.cluster.sysnetinc.com# show ip route bgp`. The hostname is free-form but the
 * command after `# ` is one of ours, so the line is recognised by the prompt shape followed by a
 * `show`/`configure`/`write` command word.
 */
const ECHOED_PROMPT = /^[A-Za-z0-9._-]+(?:\([a-z-]+\))?# (?:show|configure|write|end|exit)\b/;

/** Splits output into numbered lines, dropping a leading echoed prompt and CR line ends. */
export function numberedLines(text: string): NumberedLine[] {
  const raw = text.split('\n');
  const lines: NumberedLine[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const line = raw[i] as string;
    lines.push({ number: i + 1, text: line.endsWith('\r') ? line.slice(0, -1) : line });
  }
  // A trailing newline leaves one empty element that is not a line of its own.
  if (lines.length > 0 && (lines[lines.length - 1] as NumberedLine).text === '' && text.endsWith('\n')) {
    lines.pop();
  }
  const first = lines.findIndex((l) => l.text.trim() !== '');
  if (first >= 0 && ECHOED_PROMPT.test((lines[first] as NumberedLine).text)) lines.splice(0, first + 1);
  return lines;
}

/** Raises the parse error for one line of a given output kind. */
export function lineError(what: string, line: NumberedLine, reason: string): RouterOutputParseError {
  return new RouterOutputParseError(what, line.number, line.text, reason);
}

/** A decimal that must be a non-negative safe integer; anything else is a parse error. */
export function parseCount(what: string, line: NumberedLine, token: string, field: string): number {
  if (!/^\d+$/.test(token)) throw lineError(what, line, `${field} ${JSON.stringify(token)} is not a number`);
  const n = Number(token);
  if (!Number.isSafeInteger(n)) throw lineError(what, line, `${field} ${token} is too large`);
  return n;
}

/**
 * A parser whose errors name the command that was actually run: one parser reads several
 * commands' text (`show ip bgp summary` on Quagga, `show bgp summary` on FRR), and a user looking
 * for the line needs the command they can type again.
 */
export function parsedAs<T>(command: string, parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (err) {
      if (err instanceof RouterOutputParseError && err.what !== command)
        throw new RouterOutputParseError(command, err.lineNumber, err.lineText, err.reason);
      throw err;
    }
  };
}
