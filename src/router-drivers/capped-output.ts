import { redactPasswordsIn } from './secret-text.js';

/**
 * What one vtysh run printed, stdout and stderr together held to at most `maxBytes`. A run that
 * prints more is refused rather than truncated: a cut `show` output would parse as a shorter,
 * wrong table.
 */
export class CappedOutput {
  readonly #stdout: Buffer[] = [];
  readonly #stderr: Buffer[] = [];
  #bytes = 0;
  #exceeded = false;

  constructor(readonly maxBytes: number) {}

  /** Keeps `chunk` unless the total would pass the cap; false (from then on) once it has. */
  add(stream: 'stdout' | 'stderr', chunk: Buffer): boolean {
    if (this.#exceeded) return false;
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) {
      this.#exceeded = true;
      this.#stdout.length = 0;
      this.#stderr.length = 0;
      return false;
    }
    (stream === 'stdout' ? this.#stdout : this.#stderr).push(chunk);
    return true;
  }

  get stdout(): string {
    return Buffer.concat(this.#stdout).toString('utf8');
  }

  get stderr(): string {
    return Buffer.concat(this.#stderr).toString('utf8');
  }
}

/** The commands of one run for an error message, neighbor passwords redacted. */
export function commandsForMessage(commands: readonly string[]): string {
  return redactPasswordsIn(commands.join('; '));
}
