/**
 * The manifests source: cluster state from a YAML/JSON file or a directory of them (top level
 * only, in name order), re-read whenever a file in it changes. What a re-read hands on while a
 * file is being rewritten, is gone or does not parse is last-good-manifests.ts's decision.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { BadInputError } from '../util/errors.js';
import { LastGoodManifests, type ManifestsUpdate } from './last-good-manifests.js';
import { parseManifests, type ManifestFile, type ParsedManifests } from './manifest-parse.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

class ManifestsReadError extends BadInputError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot read manifests at ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
  }
}

export interface ManifestsLoad extends ParsedManifests {
  /** The files read, in the order they were parsed. */
  files: string[];
}

async function manifestFiles(path: string): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && MANIFEST_EXTENSIONS.has(extname(e.name)) && !e.name.startsWith('.'))
    .map((e) => join(path, e.name))
    .sort();
}

function isMissing(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

/**
 * The manifest files and their text. With `missingIsEmpty`, a path or file that is not there
 * (deleted, or between an editor's delete and create) reads as no file rather than an error.
 */
async function readManifestFiles(path: string, missingIsEmpty: boolean): Promise<ManifestFile[]> {
  try {
    let names: string[];
    try {
      names = await manifestFiles(path);
    } catch (err) {
      if (missingIsEmpty && isMissing(err)) return [];
      throw err;
    }
    const files = await Promise.all(
      names.map(async (file) => {
        try {
          return { file, text: await readFile(file, 'utf8') };
        } catch (err) {
          if (missingIsEmpty && isMissing(err)) return undefined;
          throw err;
        }
      }),
    );
    return files.filter((f): f is ManifestFile => f !== undefined);
  } catch (err) {
    throw new ManifestsReadError(path, err);
  }
}

export async function loadManifests(path: string): Promise<ManifestsLoad> {
  const files = await readManifestFiles(path, false);
  return { ...parseManifests(files), files: files.map((f) => f.file) };
}

export interface ManifestsWatchOptions {
  /** Called with every update whose result differs from the previous one. */
  onChange: (update: ManifestsUpdate) => void;
  /** A re-read that failed (a file became unreadable): nothing changes. */
  onError: (err: ManifestsReadError) => void;
  /** Editors write a file in several steps; wait this long after the last event. Default 150 ms. */
  debounceMs?: number;
  /** How long an object missing from the files is kept (see last-good-manifests.ts). */
  graceMs?: number;
}

export interface ManifestsWatch {
  initial: ManifestsUpdate;
  close(): void;
}

/**
 * Loads the manifests, then watches them. A single file is watched through its directory so
 * that editors which save by renaming a new file over the old one are still seen. The path must
 * be there at the start (a wrong path is a configuration error); later it may come and go.
 */
export async function watchManifests(path: string, opts: ManifestsWatchOptions): Promise<ManifestsWatch> {
  const lastGood = new LastGoodManifests(opts.graceMs);
  const initial = lastGood.next(await readManifestFiles(path, false), performance.now());
  const isDir = (await stat(path)).isDirectory();
  const watchedDir = isDir ? path : dirname(path);
  const onlyName = isDir ? undefined : basename(path);
  const debounceMs = opts.debounceMs ?? 150;

  let last = JSON.stringify(comparable(initial));
  let timer: NodeJS.Timeout | undefined;
  let expiryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  // Serialises reloads so a slow read never overtakes a newer one.
  let reloading: Promise<void> = Promise.resolve();

  const reload = async (): Promise<void> => {
    let files: ManifestFile[];
    try {
      files = await readManifestFiles(path, true);
    } catch (err) {
      if (!closed) opts.onError(err instanceof ManifestsReadError ? err : new ManifestsReadError(path, err));
      return;
    }
    if (closed) return;
    const update = lastGood.next(files, performance.now());
    clearTimeout(expiryTimer);
    if (update.nextExpiry !== undefined) {
      expiryTimer = setTimeout(schedule, Math.max(0, update.nextExpiry - performance.now()));
    }
    const text = JSON.stringify(comparable(update));
    if (text === last) return;
    last = text;
    opts.onChange(update);
  };
  const schedule = (): void => {
    reloading = reloading.then(reload);
  };

  const watcher: FSWatcher = watch(watchedDir, (_event, name) => {
    if (onlyName && name !== null && name !== onlyName) return;
    clearTimeout(timer);
    timer = setTimeout(schedule, debounceMs);
  });
  watcher.on('error', (err) => {
    if (!closed) opts.onError(new ManifestsReadError(watchedDir, err));
  });

  return {
    initial,
    close() {
      closed = true;
      clearTimeout(timer);
      clearTimeout(expiryTimer);
      watcher.close();
    },
  };
}

/** An update without its expiry time: a new time alone is no news for the listener. */
function comparable(update: ManifestsUpdate): ManifestsUpdate {
  return { ...update, nextExpiry: undefined };
}
