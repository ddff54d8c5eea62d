import { RouterCommandError } from '../errors.js';
import { lineError, numberedLines, type NumberedLine } from '../text-lines.js';

/**
 * One line of a `birdc -v` reply. BIRD's control protocol (doc/prog "CLI reply codes", and every
 * capture in fixtures/bird-2.0.12/) starts a line with a four-digit code and `-` (more follows) or
 * a space (last line of the reply); a line without a code (five spaces) continues the previous
 * code. 0xxx: done, 1xxx: a table entry, 2xxx: a table heading, 8xxx: runtime error, 9xxx:
 * syntax error. `birdc -v` prints the lines as the daemon sent them.
 */
export interface BirdReplyLine {
  code: number;
  /** The text after the code (or after the five spaces of a continuation). */
  text: string;
  /** Whether the line carried its code itself (the start of an entry) or continued the previous one. */
  coded: boolean;
  line: NumberedLine;
}

const CODED = /^(\d{4})[- ](.*)$/;
const CONTINUED = /^ {5}(.*)$/;

/**
 * Splits a `birdc -v` output into reply lines. Anything that is neither a coded nor a continued
 * line is not BIRD's protocol: the typed parse error quotes it. An 8xxx/9xxx code is the daemon
 * refusing the command: a RouterCommandError with its own words.
 */
export function birdReplyLines(what: string, text: string): BirdReplyLine[] {
  const out: BirdReplyLine[] = [];
  let code: number | undefined;
  for (const line of numberedLines(text)) {
    if (line.text === '') continue;
    const coded = CODED.exec(line.text);
    if (coded) {
      code = Number(coded[1]);
      const rest = coded[2] as string;
      if (code >= 8000) throw new RouterCommandError('router-message', what, text, rest);
      out.push({ code, text: rest, coded: true, line });
      continue;
    }
    const continued = CONTINUED.exec(line.text);
    if (continued && code !== undefined) {
      out.push({ code, text: continued[1] as string, coded: false, line });
      continue;
    }
    throw lineError(
      what,
      line,
      code === undefined ? 'not a birdc -v reply line (no reply code)' : 'not a birdc -v reply line',
    );
  }
  // 0001 is birdc's own greeting (`BIRD 2.0.12 ready.`), not part of the command's reply.
  return out.filter((l) => !(l.coded && l.code === 1));
}
