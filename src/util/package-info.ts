import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version from package.json, read once; works from src/ (tsx) and dist/ alike. */
export function packageVersion(): string {
  if (cached === undefined) {
    const url = new URL('../../package.json', import.meta.url);
    const parsed = JSON.parse(readFileSync(url, 'utf8')) as { version: string };
    cached = parsed.version;
  }
  return cached;
}
