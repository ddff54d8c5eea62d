/**
 * The manifests source: cluster state from a YAML/JSON file or a directory of them (top level
 * only, in name order), re-read whenever a file in it changes.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { BadInputError } from '../util/errors.js';
import { parseManifests, type ManifestFile, type ParsedManifests } from './manifest-parse.js';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export class ManifestsReadError extends BadInputError {
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

export async function loadManifests(path: string): Promise<ManifestsLoad> {
  let files: ManifestFile[];
  try {
    const names = await manifestFiles(path);
    files = await Promise.all(names.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  } catch (err) {
    throw new ManifestsReadError(path, err);
  }
  return { ...parseManifests(files), files: files.map((f) => f.file) };
}

export interface ManifestsWatchOptions {
  /** Called with every load whose result differs from the previous one. */
  onChange: (load: ManifestsLoad) => void;
  /** A re-read that failed (the directory vanished, a file became unreadable). */
  onError: (err: ManifestsReadError) => void;
  /** Editors write a file in several steps; wait this long after the last event. Default 150 ms. */
  debounceMs?: number;
}

export interface ManifestsWatch {
  initial: ManifestsLoad;
  close(): void;
}

/**
 * Loads the manifests, then watches them. A single file is watched through its directory so
 * that editors which save by renaming a new file over the old one are still seen.
 */
export async function watchManifests(path: string, opts: ManifestsWatchOptions): Promise<ManifestsWatch> {
  const initial = await loadManifests(path);
  const isDir = (await stat(path)).isDirectory();
  const watchedDir = isDir ? path : dirname(path);
  const onlyName = isDir ? undefined : basename(path);
  const debounceMs = opts.debounceMs ?? 150;

  let last = JSON.stringify(initial);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Serialises reloads so a slow read never overtakes a newer one.
  let reloading: Promise<void> = Promise.resolve();

  const reload = async (): Promise<void> => {
    let load: ManifestsLoad;
    try {
      load = await loadManifests(path);
    } catch (err) {
      if (!closed) opts.onError(err instanceof ManifestsReadError ? err : new ManifestsReadError(path, err));
      return;
    }
    const text = JSON.stringify(load);
    if (closed || text === last) return;
    last = text;
    opts.onChange(load);
  };

  const watcher: FSWatcher = watch(watchedDir, (_event, name) => {
    if (onlyName && name !== null && name !== onlyName) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading.then(reload);
    }, debounceMs);
  });
  watcher.on('error', (err) => {
    if (!closed) opts.onError(new ManifestsReadError(watchedDir, err));
  });

  return {
    initial,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
