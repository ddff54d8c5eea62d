/**
 * Fenced code blocks of the project's Markdown files, and the rules the docs test applies to them
 * (test/docs/commands.test.ts). Pure: text in, blocks and commands out.
 */

/** Blocks of these tags are shell commands for THIS machine: every one of them is run. */
export const SHELL_TAGS = ['sh', 'bash', 'console', 'shell'] as const;

/**
 * Tags of blocks that are not run: data, pictures, and commands for another machine: `router`
 * (the OpenWRT router's shell), `vtysh` (a vtysh session), `kubectl-example` (kubectl against a
 * real cluster), `cluster-example` (our CLI against a live cluster or router), `docker-example`
 * (needs a Docker daemon). Any other tag fails the test, so a typo cannot hide a command from it.
 */
export const OTHER_TAGS = [
  '',
  'text',
  'yaml',
  'json',
  'xml',
  'ini',
  'mermaid',
  'dockerfile',
  'router',
  'vtysh',
  'kubectl-example',
  'cluster-example',
  'docker-example',
] as const;

export interface CodeBlock {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  tag: string;
  /** The block's lines, without the fences. */
  body: string[];
  /** The `<!-- generated: NAME -->` marker on the line before the fence, if any. */
  generated?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)[^`]*$/;
const GENERATED = /^<!--\s*generated:\s*([\w.-]+)\s*-->$/;

export class UnclosedFenceError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
  ) {
    super(`${file}:${line}: code fence is never closed`);
  }
}

/** Every fenced block of a Markdown text, with its tag (the info string's first word). */
export function codeBlocks(file: string, text: string): CodeBlock[] {
  const lines = text.split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i] as string);
    if (!open) continue;
    const indent = open[1] as string;
    const fence = open[2] as string;
    const close = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    let j = i + 1;
    while (j < lines.length && !close.test(lines[j] as string)) j += 1;
    if (j >= lines.length) throw new UnclosedFenceError(file, i + 1);
    const marker = i > 0 ? GENERATED.exec((lines[i - 1] as string).trim()) : null;
    blocks.push({
      file,
      line: i + 1,
      tag: (open[3] as string).toLowerCase(),
      body: lines.slice(i + 1, j).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)),
      ...(marker ? { generated: marker[1] as string } : {}),
    });
    i = j;
  }
  return blocks;
}

export function isShellBlock(block: CodeBlock): boolean {
  return (SHELL_TAGS as readonly string[]).includes(block.tag);
}

export function isKnownTag(tag: string): boolean {
  return (SHELL_TAGS as readonly string[]).includes(tag) || (OTHER_TAGS as readonly string[]).includes(tag);
}

export interface ShellCommand {
  file: string;
  /** 1-based line where the command starts. */
  line: number;
  /** As written (continuation lines joined), comment included. */
  text: string;
  /** The exit code the doc promises: `# exit N` / `# exits N` in its comment, else 0. */
  expectedExit: number;
}

/**
 * The commands of a shell block: one per line, `\` continuations joined; blank lines and
 * comment lines skipped. In a `console` block only `$ ` lines are commands (the rest is output).
 */
export function shellCommands(block: CodeBlock): ShellCommand[] {
  const commands: ShellCommand[] = [];
  const console = block.tag === 'console';
  for (let i = 0; i < block.body.length; i += 1) {
    let raw = block.body[i] as string;
    if (console) {
      if (!raw.startsWith('$ ')) continue;
      raw = raw.slice(2);
    }
    const start = i;
    let text = raw;
    while (text.endsWith('\\') && i + 1 < block.body.length) {
      i += 1;
      text = `${text.slice(0, -1)}${(block.body[i] as string).trimStart()}`;
    }
    if (text.trim() === '' || text.trim().startsWith('#')) continue;
    commands.push({
      file: block.file,
      line: block.line + 1 + start,
      text: text.trim(),
      expectedExit: promisedExit(text),
    });
  }
  return commands;
}

/** The comment part of a command line: from the first ` #` outside quotes. */
export function trailingComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i += 1;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i += 1;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) return text.slice(i + 1);
  }
  return '';
}

function promisedExit(text: string): number {
  const m = /\bexits? (\d+)\b/.exec(trailingComment(text));
  return m ? Number(m[1]) : 0;
}
