import { BadInputError, CrsError, ExitCode, UnreachableError } from '../util/errors.js';

/** The caller handed the speaker routes it cannot announce as given (duplicates, bad prefixes). */
export class InvalidRouteError extends BadInputError {
  constructor(
    message: string,
    readonly peer: string | undefined,
    readonly prefix: string,
  ) {
    super(peer === undefined ? message : `peer ${peer}: ${message}`);
  }
}

/** A peer name that the speaker does not know (or already has, when adding). */
export class UnknownPeerError extends BadInputError {
  constructor(readonly peer: string) {
    super(`no BGP peer named '${peer}'`);
  }
}

export class DuplicatePeerError extends BadInputError {
  constructor(readonly peer: string) {
    super(`a BGP peer named '${peer}' already exists`);
  }
}

/** The peer's configuration cannot run a session (bad address, AS out of range...). */
export class InvalidPeerConfigError extends BadInputError {
  constructor(
    readonly peer: string,
    readonly field: string,
    message: string,
  ) {
    super(`peer ${peer}: ${field}: ${message}`);
  }
}

/** The speaker could not listen on its configured address/port. */
export class ListenError extends UnreachableError {
  constructor(
    readonly address: string,
    readonly port: number,
    options: { cause: unknown },
  ) {
    super(
      `cannot listen for BGP on ${address}:${port}: ${String((options.cause as Error)?.message ?? options.cause)}`,
      options,
    );
  }
}

/** The speaker was used after stop(). */
export class SpeakerStoppedError extends CrsError {
  readonly exitCode = ExitCode.BadInput;
  constructor() {
    super('the BGP speaker has been stopped');
  }
}
