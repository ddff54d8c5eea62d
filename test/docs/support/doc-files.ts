import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './built-app.js';

/** The Markdown the docs tests read: README.md and every docs/*.md, relative to the repo root. */
export const DOC_FILES: readonly string[] = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
