import { inspect } from 'node:util';
import { REDACTED } from './parse-running-config.js';

/**
 * A secret (a neighbor password) carried next to a plan step whose printable command shows
 * `<redacted>` in its place. JSON, string conversion and util.inspect (so pino logs, reports and
 * `--output json`) all see `<redacted>`; only `reveal()`, called when the vtysh lines are built,
 * gives the value.
 */
export class SecretText {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return REDACTED;
  }
  toString(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

/**
 * Replaces the key of every `neighbor X password K` inside free text (a command, vtysh's echo of
 * a whole batch, an error message) by `<redacted>`.
 */
export function redactPasswordsIn(text: string): string {
  return text.replace(/(neighbor \S+ password )[^\s'"]+/g, `$1${REDACTED}`);
}
