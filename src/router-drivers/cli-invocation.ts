import { splitVtyshOutput, vtyshArgs } from './vtysh-invocation.js';

/**
 * How one batch of commands becomes a run of the router's CLI program and how its output is split
 * back into one answer per command: vtysh's `-E -c ...` by default, birdc's for BIRD
 * (bird/birdc-invocation.ts). The transports only start the program and collect its output.
 */
export interface CliInvocation {
  /** For messages: `vtysh`, `birdc`. */
  readonly program: string;
  args(commands: readonly string[]): string[];
  split(commands: readonly string[], stdout: string, exitStatus: number | null, stderr: string): string[];
}

export const vtyshInvocation: CliInvocation = {
  program: 'vtysh',
  args: vtyshArgs,
  split: splitVtyshOutput,
};
