import { ConfigError } from '../../src/config/index.js';

/** `accepted`, or the loader's refusal (a ConfigError; anything else is a crash and fails). */
export function verdict(load: () => unknown): string {
  try {
    load();
    return 'accepted';
  } catch (err) {
    if (err instanceof ConfigError) return `refused: ${err.message}`;
    throw err;
  }
}
