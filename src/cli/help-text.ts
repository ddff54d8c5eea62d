/** The exit codes, printed under every subcommand's --help (same table as docs/configuration.md). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  success (no drift, check passed)
  1  drift found, or a check failed
  2  bad input: invalid config, manifests, fixtures or flags
  3  router or cluster unreachable, or the router's SSH host key is not the pinned one
  4  run: the cluster's MetalLB config changed in a part only a restart applies (router, speaker, kubernetes, a new address family)`;

/** Formats a subcommand's examples for `addHelpText('after', ...)`. */
export function examplesHelp(examples: ReadonlyArray<readonly [command: string, what: string]>): string {
  const lines = examples.map(([command, what]) => `  # ${what}\n  $ ${command}`);
  return `\nExamples:\n${lines.join('\n\n')}\n${EXIT_CODES_HELP}\n`;
}
