/**
 * Base of every error this project throws on purpose. `exitCode` maps the error onto the CLI's
 * documented exit codes so the top level never has to guess from a message.
 */
export abstract class CrsError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The CLI's exit codes (documented in `--help` and docs/configuration.md). */
export const ExitCode = {
  Ok: 0,
  Drift: 1,
  BadInput: 2,
  Unreachable: 3,
  /**
   * run: the cluster's MetalLB config changed in a part only a restart applies; exits so the
   * Deployment restarts it.
   */
  ConfigChanged: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Input the user gave us (config, manifests, fixtures, flags) is wrong. */
export class BadInputError extends CrsError {
  readonly exitCode = ExitCode.BadInput;
}

/** The router or the cluster could not be reached. */
export class UnreachableError extends CrsError {
  readonly exitCode = ExitCode.Unreachable;
}
