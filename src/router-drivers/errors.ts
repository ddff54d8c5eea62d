import { BadInputError, CrsError, ExitCode, UnreachableError } from '../util/errors.js';
import { clipText, EXCERPT_CHARS, quoteExcerpt } from '../util/excerpt.js';

/**
 * Router output that is not in the form the parser expects. Carries the 1-based line number and
 * the line itself so a user can find the spot in a captured file; parsers never guess past it.
 * The message quotes a bounded excerpt of the line (and of a reason that quotes a token of it):
 * a single line can be megabytes long.
 */
export class RouterOutputParseError extends BadInputError {
  // Neither is an own enumerable property: a logger serialising the error copies those, and the
  // line (and a reason quoting a token of it) has no size limit.
  readonly #lineText: string;
  readonly #reason: string;
  constructor(
    readonly what: string,
    readonly lineNumber: number,
    lineText: string,
    reason: string,
  ) {
    super(`${what}: line ${lineNumber}: ${clipText(reason)}: ${quoteExcerpt(lineText)}`);
    this.#lineText = lineText;
    this.#reason = reason;
  }

  /** The whole offending line. */
  get lineText(): string {
    return this.#lineText;
  }

  /** Why the line was refused, whole. */
  get reason(): string {
    return this.#reason;
  }
}

/** JSON output that is not valid JSON or does not have the shape FRR documents. */
export class RouterJsonParseError extends BadInputError {
  constructor(
    readonly what: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${what}: ${path === '' ? '' : `at ${clipText(path)}: `}${clipText(reason)}`);
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
  // Off the enumerable properties (which a logger copies): the output can be as large as
  // router.maxOutputBytes.
  readonly #output: string;
  constructor(
    readonly kind: RouterCommandErrorKind,
    readonly command: string,
    output: string,
    message: string,
  ) {
    // The message is the router's own line and has no size limit.
    super(`router rejected ${quoteExcerpt(command)}: ${clipText(message)}`);
    this.#output = output;
  }

  get output(): string {
    return this.#output;
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
  readonly #stderr: string;
  constructor(
    command: string,
    output: string,
    readonly exitStatus: number | null,
    stderr: string,
  ) {
    const why =
      stderr.trim() === '' ? '' : `: ${clipText(stderr.trim().split('\n')[0] as string, EXCERPT_CHARS)}`;
    super('exit-status', command, output, `vtysh exited with status ${String(exitStatus)}${why}`);
    this.#stderr = stderr;
  }

  get stderr(): string {
    return this.#stderr;
  }
}

/** The router could not be reached, or did not answer in time. */
export class RouterUnreachableError extends UnreachableError {}

/**
 * vtysh printed more than `router.maxOutputBytes` for one run. The transport stopped reading at
 * the cap and ended the run (SSH channel closed, local vtysh killed): a router that floods us
 * must not exhaust our memory. `commands` is what was run, passwords redacted.
 */
export class RouterOutputTooLargeError extends BadInputError {
  constructor(
    readonly transport: string,
    readonly commands: string,
    readonly maxOutputBytes: number,
  ) {
    super(
      `${transport}: vtysh printed more than router.maxOutputBytes (${maxOutputBytes} bytes) for ${quoteExcerpt(commands)}; stopped reading and ended the run`,
    );
  }
}

/**
 * The router's SSH host key is not the one we were told to trust (or we were told nothing about
 * it). Configuration problem on our side or a man in the middle: either way, nothing was sent.
 * Exit code 3 like an unreachable router: we refused the router, and the CLI's 2 ("bad input")
 * would send a user hunting through config that may well be right (a re-keyed router, or an
 * attacker in between, looks the same from here).
 */
export class HostKeyVerificationError extends UnreachableError {
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
