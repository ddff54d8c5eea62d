import { RouterOutputParseError } from './errors.js';
import { commandErrorFor } from './vtysh-errors.js';

/**
 * Several commands go to the router in ONE vtysh run (`vtysh -E -c A -c B`): one process, one
 * SSH channel, and config mode carries from `configure terminal` to `end`. `-E` makes vtysh echo
 * `host# command` (or `host(config-router)# ...`) before each command's output; those echoes are
 * the separators the output is split back at. vtysh stops at the first refused command and exits
 * non-zero, so a missing echo means "not run", never "empty".
 */
export function vtyshArgs(commands: readonly string[]): string[] {
  return ['-E', ...commands.flatMap((c) => ['-c', c])];
}

/** POSIX shell single-quoting: safe for any byte string except NUL. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new RangeError('shell argument contains a NUL byte');
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A remote command line for SSH: the program and every argument quoted. */
export function shellCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(shellQuote).join(' ');
}

/** The remote command line for SSH: every word quoted, the vtysh path included. */
export function vtyshShellCommand(vtyshPath: string, commands: readonly string[]): string {
  return shellCommandLine(vtyshPath, vtyshArgs(commands));
}

function isEcho(line: string, command: string): boolean {
  const at = line.indexOf('# ');
  return at > 0 && !/\s/.test(line.slice(0, at)) && line.slice(at + 2) === command;
}

/**
 * Splits one vtysh run's stdout into per-command outputs and turns a refusal (or a non-zero exit
 * with no message) into the typed error for the command that caused it.
 */
export function splitVtyshOutput(
  commands: readonly string[],
  stdout: string,
  exitStatus: number | null,
  stderr: string,
): string[] {
  const lines = stdout.split('\n');
  const starts: number[] = [];
  let from = 0;
  for (const command of commands) {
    let i = from;
    while (i < lines.length && !isEcho(lines[i] as string, command)) i += 1;
    if (i >= lines.length) break;
    starts.push(i);
    from = i + 1;
  }
  if (starts.length === 0) {
    if (exitStatus !== 0) throw commandErrorFor(commands[0] ?? '', stdout, exitStatus, stderr) as Error;
    const first = lines.find((l) => l.trim() !== '') ?? '';
    throw new RouterOutputParseError(
      'vtysh -E output',
      1,
      first,
      `no echo of ${JSON.stringify(commands[0])} found`,
    );
  }
  const outputs = starts.map((start, k) => {
    const end = k + 1 < starts.length ? (starts[k + 1] as number) : lines.length;
    return lines.slice(start + 1, end).join('\n');
  });
  const incomplete = outputs.length < commands.length;
  for (let k = 0; k < outputs.length; k += 1) {
    const isLast = k === outputs.length - 1;
    // vtysh stops at the first refusal; when it stopped early without saying why, the last
    // command it ran is the one reported, as a failed exit even if the status claims success.
    const status = !isLast ? 0 : incomplete && exitStatus === 0 ? 1 : exitStatus;
    const error = commandErrorFor(commands[k] as string, outputs[k] as string, status, isLast ? stderr : '');
    if (error) throw error;
  }
  return outputs;
}
