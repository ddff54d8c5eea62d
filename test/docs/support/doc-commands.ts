/**
 * How the docs test turns a documented command into the command it runs. Every rewrite is listed
 * here and stated in README.md ("How the docs are tested"); nothing else is changed.
 */

/**
 * Set-up commands of the README's first block that the test does not run itself: it runs inside
 * an installed checkout (what `npm install` produces), and `npm test` is the suite this test is
 * part of. They may appear nowhere else.
 */
export const SETUP_COMMANDS: ReadonlyMap<string, string> = new Map([
  ['npm install', 'the test runs inside the installed checkout that npm install produces'],
  ['npm test', 'it is the suite this test is part of'],
]);

export interface PreparedCommand {
  /** What bash runs, or undefined when every part was a set-up command. */
  script?: string;
  /** Set-up commands dropped from it. */
  dropped: string[];
}

/**
 * `npx cluster-router-sync` becomes `cluster-router-sync` (a PATH shim for the compiled CLI);
 * `cluster-router-sync run` without `--once` gets `--once` (it would otherwise run until killed);
 * set-up commands joined with `&&` are dropped.
 */
export function prepareCommand(text: string): PreparedCommand {
  const parts = text.split(/\s+&&\s+/);
  const dropped = parts.filter((p) => SETUP_COMMANDS.has(p.trim()));
  const kept = parts.filter((p) => !SETUP_COMMANDS.has(p.trim()));
  if (kept.length === 0) return { dropped };
  const script = kept
    .map((p) => p.replace(/(^|[\s;|(])npx cluster-router-sync\b/g, '$1cluster-router-sync'))
    .map((p) => (/(^|\s)cluster-router-sync run\b/.test(p) && !/\s--once\b/.test(p) ? withOnce(p) : p))
    .join(' && ');
  return { script, dropped };
}

/** Inserts `--once` right after `cluster-router-sync run`, before any comment or redirection. */
function withOnce(command: string): string {
  return command.replace(/(cluster-router-sync run)\b/, '$1 --once');
}
