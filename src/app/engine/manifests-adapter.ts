import type { Logger } from 'pino';
import type { Metrics } from '../../observability/metrics.js';
import type { ManifestsUpdate } from '../../sources/last-good-manifests.js';
import { formatManifestProblem } from '../../sources/manifest-parse.js';
import { watchManifests, type ManifestsWatch } from '../../sources/manifests-source.js';
import { AllocationMemory } from './allocation-memory.js';
import type { AllocationWriter, ClusterSource, SourceListener } from './ports.js';

/** Held objects beyond this many are counted in the log, not named. */
const LOGGED_OBJECTS_LIMIT = 20;

export interface ManifestsSourceOptions {
  debounceMs?: number;
  /** How long an object missing from the files is kept; default DEFAULT_MANIFESTS_GRACE_MS. */
  graceMs?: number;
  /** Counts reads that kept the last good state. */
  metrics?: Metrics;
}

/**
 * The manifests source (src/sources) as the engine's ClusterSource. Files are complete from the first
 * read, so every snapshot counts as synced; objects the parser had to skip, files and objects
 * kept at their last good state are logged each time the files change, so an edit that breaks
 * something says so at once. `allocations` is the engine's AllocationWriter in manifests mode:
 * what it is given comes back as the services' status (allocation-memory.ts).
 */
export function manifestsClusterSource(
  path: string,
  logger: Logger,
  opts: ManifestsSourceOptions = {},
): ClusterSource & { allocations: AllocationWriter } {
  const log = logger.child({ component: 'manifests', path });
  const memory = new AllocationMemory();
  let watch: ManifestsWatch | undefined;
  const deliver = (listener: SourceListener, update: ManifestsUpdate, first: boolean) => {
    for (const p of update.problems) log.warn({ file: p.file }, `skipped: ${formatManifestProblem(p)}`);
    for (const p of update.keptFiles) {
      opts.metrics?.manifestsParseFailure('file');
      log.error(
        { file: p.file },
        `does not parse, keeping its last good contents: ${formatManifestProblem(p)}`,
      );
    }
    const gone: string[] = [];
    for (const h of update.held) {
      if (h.reason === 'gone') {
        gone.push(`${h.kind} ${h.key}`);
        continue;
      }
      opts.metrics?.manifestsParseFailure('object');
      log.error({ kind: h.kind, object: h.key }, 'invalid now, keeping its last good version');
    }
    // One line however many: a deleted file may have held thousands of objects.
    if (gone.length > 0) {
      log.warn(
        { count: gone.length, objects: gone.slice(0, LOGGED_OBJECTS_LIMIT) },
        'objects missing from the manifests are kept until the grace period ends, in case their file is being rewritten',
      );
    }
    log.info(
      {
        files: update.files.length,
        services: update.snapshot.services.length,
        nodes: update.snapshot.nodes.length,
      },
      first ? 'manifests loaded' : 'manifests changed',
    );
    listener.snapshot(memory.asStatus(update.snapshot), true);
  };
  return {
    allocations: memory,
    async start(listener) {
      watch = await watchManifests(path, {
        onChange: (update) => deliver(listener, update, false),
        onError: (err) => listener.problem(err),
        ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
        ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
      });
      deliver(listener, watch.initial, true);
    },
    async stop() {
      watch?.close();
    },
  };
}
