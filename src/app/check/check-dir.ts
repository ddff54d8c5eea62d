import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { loadConfigDocuments } from '../../config/index.js';
import type { Config, ConfigWarning } from '../../config/model.js';
import { formatManifestProblem, parseManifests, type ManifestFile } from '../../sources/manifest-parse.js';
import type { ClusterSnapshot } from '../../sync/cluster.js';
import type { RouterRecords } from '../../sync/verify/from-records.js';
import { CheckInputError } from './errors.js';
import { readRouterRecording } from './router-recording.js';

/** Where, inside a check directory, manifests (and config documents among them) are read. */
const MANIFEST_PLACES = ['.', 'manifests'] as const;
export const ROUTER_DIR = 'router';
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Everything a check needs, read from a check directory. */
export interface CheckInputs {
  config: Config;
  configWarnings: ConfigWarning[];
  snapshot: ClusterSnapshot;
  records: RouterRecords;
}

/**
 * Reads a check directory: manifests (YAML/JSON) at its top level and in `manifests/`, the
 * config among them recognised by content, and the router recording in `router/`. Other
 * subdirectories (such as the seed's `original/`) are not read.
 */
export async function readCheckDir(dir: string): Promise<CheckInputs> {
  const files = await manifestFiles(dir);
  const parsed = parseManifests(files);
  if (parsed.problems.length > 0) {
    const first = parsed.problems[0] as (typeof parsed.problems)[number];
    throw new CheckInputError(first.file, parsed.problems.map(formatManifestProblem).join('\n'));
  }
  if (parsed.configDocuments.length === 0) {
    throw new CheckInputError(
      dir,
      'no config document among the manifests: want a MetalLB ConfigMap, metallb.io objects or a ClusterRouterSyncConfig',
    );
  }
  const { config, warnings } = loadConfigDocuments(parsed.configDocuments);
  const records = await readRouterRecording(join(dir, ROUTER_DIR));
  return { config, configWarnings: warnings, snapshot: parsed.snapshot, records };
}

async function manifestFiles(dir: string): Promise<ManifestFile[]> {
  const names: string[] = [];
  for (const place of MANIFEST_PLACES) {
    const where = join(dir, place);
    let entries;
    try {
      entries = await readdir(where, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (place !== '.' && code === 'ENOENT') continue;
      throw new CheckInputError(where, `cannot be read as a check directory: ${(err as Error).message}`, {
        cause: err,
      });
    }
    names.push(
      ...entries
        .filter((e) => e.isFile() && !e.name.startsWith('.') && MANIFEST_EXTENSIONS.has(extname(e.name)))
        .map((e) => join(where, e.name))
        .sort(),
    );
  }
  return Promise.all(
    names.map(async (file) => {
      try {
        return { file, text: await readFile(file, 'utf8') };
      } catch (err) {
        throw new CheckInputError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
      }
    }),
  );
}
