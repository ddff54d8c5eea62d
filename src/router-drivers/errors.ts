import { BadInputError, CrsError, ExitCode, UnreachableError } from '../util/errors.js';

/**
 * Router output that is not in the form the parser expects. Carries the 1-based line number and
 * the line itself so a user can find the spot in a captured file; parsers never guess past it.
 */
export class RouterOutputParseError extends BadInputError {
  constructor(
    readonly what: string,
    readonly lineNumber: number,
    readonly lineText: string,
    readonly reason: string,
  ) {
    super(`${what}: line ${lineNumber}: ${reason}: ${JSON.stringify(lineText)}`);
  }
}

/** JSON output that is not valid JSON or does not have the shape FRR documents. */
export class RouterJsonParseError extends BadInputError {
  constructor(
    readonly what: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${what}: ${path === '' ? '' : `at ${path}: `}${reason}`);
  }
}

export type RouterCommandErrorKind =
  | 'unknown-command'
  | 'ambiguous-command'
  | 'incomplete-command'
  | 'no-such-neighbor'
  | 'create-peer-group-or-interface-first'
  | 'bgp-already-running'
  | 'router-message'
  | 'exit-status';

/** vtysh refused a command; `output` is what it printed, `command` what we sent. */
export class RouterCommandError extends BadInputError {
  constructor(
    readonly kind: RouterCommandErrorKind,
    readonly command: string,
    readonly output: string,
    message: string,
  ) {
    super(`router rejected ${JSON.stringify(command)}: ${message}`);
  }
}

/** `router bgp N` with N different from the AS bgpd already runs. */
export class BgpAlreadyRunningError extends RouterCommandError {
  constructor(
    command: string,
    output: string,
    readonly runningAs: number,
  ) {
    super('bgp-already-running', command, output, `BGP is already running with AS ${runningAs}`);
  }
}

/** vtysh (or the shell running it) ended with a non-zero status and no message we recognise. */
export class VtyshExitStatusError extends RouterCommandError {
  constructor(
    command: string,
    output: string,
    readonly exitStatus: number | null,
    readonly stderr: string,
  ) {
    const why = stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n')[0]}`;
    super('exit-status', command, output, `vtysh exited with status ${String(exitStatus)}${why}`);
  }
}

/** The router could not be reached, or did not answer in time. */
export class RouterUnreachableError extends UnreachableError {}

/**
 * The router's SSH host key is not the one we were told to trust (or we were told nothing about
 * it). Configuration problem on our side or a man in the middle: either way, nothing was sent.
 */
export class HostKeyVerificationError extends BadInputError {
  constructor(
    readonly host: string,
    readonly presentedFingerprint: string,
    readonly reason: 'mismatch' | 'unknown',
    detail: string,
  ) {
    super(
      `host key of ${host} (${presentedFingerprint}) ${reason === 'mismatch' ? 'does NOT match' : 'is not known to'} ${detail}; refusing to connect`,
    );
  }
}

/** The router refused our user key (or agent identities). */
export class RouterAuthenticationError extends BadInputError {}

/** A recorded-transport directory has no file for a command. */
export class RecordedOutputMissingError extends BadInputError {
  constructor(
    readonly command: string,
    readonly file: string,
  ) {
    super(`no recorded output for ${JSON.stringify(command)}: ${file} does not exist`);
  }
}

/** A value headed for a router command is not safe or not valid (address, AS, description...). */
export class RouterConfigValueError extends BadInputError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${field}: ${JSON.stringify(value)} ${reason}`);
  }
}

/** After applying neighbor changes, the router's config does not show them. */
export class NeighborVerificationError extends CrsError {
  readonly exitCode = ExitCode.Drift;
  constructor(
    message: string,
    readonly missing: string[],
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}
