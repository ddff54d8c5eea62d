import { BadInputError } from '../../util/errors.js';

/** A check directory (or one file in it) that cannot be used; the message names the file. */
export class CheckInputError extends BadInputError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
