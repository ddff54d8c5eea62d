import type { Logger } from 'pino';
import { formatManifestProblem } from '../../sources/manifest-parse.js';
import { watchManifests, type ManifestsLoad, type ManifestsWatch } from '../../sources/manifests-source.js';
import type { ClusterSource, SourceListener } from './ports.js';

/**
 * The manifests source (H6) as the engine's ClusterSource. Files are complete from the first
 * read, so every snapshot counts as synced; objects the parser had to skip are logged each time
 * the files change, so an edit that breaks one object says so at once.
 */
export function manifestsClusterSource(
  path: string,
  logger: Logger,
  opts: { debounceMs?: number } = {},
): ClusterSource {
  const log = logger.child({ component: 'manifests', path });
  let watch: ManifestsWatch | undefined;
  const deliver = (listener: SourceListener, load: ManifestsLoad, first: boolean) => {
    for (const p of load.problems) log.warn({ file: p.file }, `skipped: ${formatManifestProblem(p)}`);
    log.info(
      {
        files: load.files.length,
        services: load.snapshot.services.length,
        nodes: load.snapshot.nodes.length,
      },
      first ? 'manifests loaded' : 'manifests changed',
    );
    listener.snapshot(load.snapshot, true);
  };
  return {
    async start(listener) {
      watch = await watchManifests(path, {
        onChange: (load) => deliver(listener, load, false),
        onError: (err) => listener.problem(err),
        ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
      });
      deliver(listener, watch.initial, true);
    },
    async stop() {
      watch?.close();
    },
  };
}
