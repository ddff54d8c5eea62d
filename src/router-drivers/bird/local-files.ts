import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import type { BirdConfigFiles } from './neighbor-apply.js';

/** BIRD's config files on this machine (cluster-router-sync runs on the router: transport local). */
export const localBirdFiles: BirdConfigFiles = {
  read: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  write: async (path, text) => {
    await writeFile(path, text, { mode: 0o600 });
    // A file that existed keeps its mode on write; ours carries TCP-MD5 keys.
    if (text.includes('\n  password ')) await chmod(path, 0o600);
  },
  remove: (path) => rm(path, { force: true }),
};
