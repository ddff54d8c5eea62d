import {
  BgpAlreadyRunningError,
  RouterCommandError,
  VtyshExitStatusError,
  type RouterCommandErrorKind,
} from './errors.js';
import { redactPasswordsIn } from './secret-text.js';
import { numberedLines } from './text-lines.js';

const KNOWN: [RegExp, RouterCommandErrorKind][] = [
  [/^% Unknown command/, 'unknown-command'],
  [/^% Ambiguous command/, 'ambiguous-command'],
  [/^% Command incomplete/, 'incomplete-command'],
  [/^% No such neighbor/, 'no-such-neighbor'],
  [/^% Create the peer-group or interface first/, 'create-peer-group-or-interface-first'],
];
const ALREADY_RUNNING = /^BGP is already running; AS is (\d+)$/;
/** `%` lines that are a normal, empty answer rather than a refusal. */
const EMPTY_ANSWERS = [/^% No BGP neighbors found/];

/**
 * The typed error for what vtysh printed for one command, or undefined when the output is a
 * normal answer. vtysh reports refusals on stdout with a `% ` prefix (and `BGP is already
 * running` without one), so a non-zero exit alone is the last resort, not the first check.
 */
export function commandErrorFor(
  command: string,
  output: string,
  exitStatus: number | null = 0,
  stderr = '',
): RouterCommandError | undefined {
  // vtysh echoes the batch (and names a refused command): a neighbor password must not reach the error.
  [command, output, stderr] = [command, output, stderr].map(redactPasswordsIn) as [string, string, string];
  const first = numberedLines(output).find((l) => l.text.trim() !== '');
  if (first) {
    const text = first.text.trim();
    const running = ALREADY_RUNNING.exec(text);
    if (running) return new BgpAlreadyRunningError(command, output, Number(running[1]));
    for (const [re, kind] of KNOWN) {
      if (re.test(text)) return new RouterCommandError(kind, command, output, text.slice(2));
    }
    if (text.startsWith('% ') && !EMPTY_ANSWERS.some((re) => re.test(text))) {
      return new RouterCommandError('router-message', command, output, text.slice(2));
    }
  }
  if (exitStatus !== 0) return new VtyshExitStatusError(command, output, exitStatus, stderr);
  return undefined;
}
