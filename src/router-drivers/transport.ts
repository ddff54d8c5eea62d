/** How commands reach a router's vtysh; what to run and how to read it is the dialect's job. */
export interface RouterTransport {
  /** For messages: `ssh root@10.0.0.1:22`, `local /usr/bin/vtysh`, `recorded fixtures/x`. */
  readonly description: string;
  /**
   * Runs the commands in order in one vtysh invocation and returns one output per command.
   * A command the router refuses raises its typed RouterCommandError; later ones are not run.
   */
  run(commands: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}
