/**
 * What a re-read of the manifests hands on while files are being written or replaced. Files are
 * not written atomically by every tool: `>` in a shell and most generators truncate the file, then
 * write it in pieces; some tools delete it and create it again. A read in between sees an empty
 * file, half a file or no file, and taking that as the cluster would withdraw services that were
 * never deleted. So:
 *
 * - a file that is not YAML (a syntax error, as in a file cut off inside a document) is read as
 *   its last contents that were, until it parses again;
 * - an object that was good and is now invalid keeps its last good version, until it is valid
 *   again or leaves the file;
 * - an object that is gone (its file deleted, emptied, cut short or edited) stays for `graceMs`
 *   and goes only if it is still gone then. Additions and changes apply at once.
 *
 * Pure: the caller reads the files and says what time it is.
 */
import type {
  ClusterSnapshot,
  EndpointSliceInfo,
  NamespaceInfo,
  NodeInfo,
  ServiceInfo,
} from '../sync/cluster.js';
import type { ClusterKind } from './kube-objects.js';
import {
  parseManifests,
  type ManifestFile,
  type ManifestProblem,
  type ParsedManifests,
} from './manifest-parse.js';

/**
 * Long enough for any tool that writes a local file in pieces, short enough that a deliberate
 * deletion shows on the router soon after.
 */
const DEFAULT_MANIFESTS_GRACE_MS = 10_000;

export interface HeldObject {
  kind: ClusterKind;
  /** namespace/name, or the name of a Node or Namespace. */
  key: string;
  /** `gone`: missing from the files, kept until `expires`; `invalid`: kept while it stays invalid. */
  reason: 'gone' | 'invalid';
  expires?: number;
}

export interface ManifestsUpdate extends ParsedManifests {
  /** The files read, in the order they were parsed. */
  files: string[];
  /** Syntax errors of files read as their last good contents instead. */
  keptFiles: ManifestProblem[];
  /** Objects in the snapshot that the files, as they are now, do not give. */
  held: HeldObject[];
  /** When a held `gone` object is due to go: the caller reads again then. */
  nextExpiry?: number;
}

type Info = ServiceInfo | EndpointSliceInfo | NodeInfo | NamespaceInfo;

interface Entry {
  kind: ClusterKind;
  key: string;
  info: Info;
}

const NAMESPACED: ReadonlySet<ClusterKind> = new Set(['Service', 'EndpointSlice']);

function entryId(kind: ClusterKind, key: string): string {
  return `${kind} ${key}`;
}

function entries(snapshot: ClusterSnapshot): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const add = (kind: ClusterKind, key: string, info: Info) =>
    out.set(entryId(kind, key), { kind, key, info });
  for (const s of snapshot.services) add('Service', `${s.namespace}/${s.name}`, s);
  for (const e of snapshot.endpointSlices) add('EndpointSlice', `${e.namespace}/${e.name}`, e);
  for (const n of snapshot.nodes) add('Node', n.name, n);
  for (const n of snapshot.namespaces) add('Namespace', n.name, n);
  return out;
}

/** The object a problem is about, when it names one (the parser leaves out a missing namespace). */
function problemId(p: ManifestProblem): string | undefined {
  if (p.name === undefined || p.kind === undefined) return undefined;
  const kind = p.kind as ClusterKind;
  const key = NAMESPACED.has(kind) && !p.name.includes('/') ? `default/${p.name}` : p.name;
  return entryId(kind, key);
}

function byKey(a: Entry, b: Entry): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function snapshotOf(all: Iterable<Entry>): ClusterSnapshot {
  const lists: Record<ClusterKind, Entry[]> = { Service: [], EndpointSlice: [], Node: [], Namespace: [] };
  for (const e of all) lists[e.kind].push(e);
  const infos = <T extends Info>(kind: ClusterKind) => lists[kind].sort(byKey).map((e) => e.info as T);
  return {
    services: infos<ServiceInfo>('Service'),
    endpointSlices: infos<EndpointSliceInfo>('EndpointSlice'),
    nodes: infos<NodeInfo>('Node'),
    namespaces: infos<NamespaceInfo>('Namespace'),
  };
}

export class LastGoodManifests {
  /** Each file's text as last read without a syntax error. */
  private readonly goodText = new Map<string, string>();
  /** The objects last handed on; undefined before the first read. */
  private delivered: Map<string, Entry> | undefined;
  /** When each held `gone` object was first found missing. */
  private readonly goneSince = new Map<string, number>();

  constructor(private readonly graceMs: number = DEFAULT_MANIFESTS_GRACE_MS) {}

  /** One read: every manifest file there is now (a deleted file is simply not in `files`). */
  next(files: readonly ManifestFile[], now: number): ManifestsUpdate {
    const { parsed, keptFiles } = this.parseKeepingGoodText(files);
    const held: HeldObject[] = [];
    const current = entries(parsed.snapshot);
    const previous = this.delivered;
    if (previous === undefined) {
      this.delivered = current;
      return { ...parsed, files: files.map((f) => f.file), keptFiles, held };
    }
    const invalid = new Set(parsed.problems.flatMap((p) => problemId(p) ?? []));
    const out = new Map(current);
    let nextExpiry: number | undefined;
    for (const [id, entry] of previous) {
      if (current.has(id)) {
        this.goneSince.delete(id);
        continue;
      }
      if (invalid.has(id)) {
        this.goneSince.delete(id);
        out.set(id, entry);
        held.push({ kind: entry.kind, key: entry.key, reason: 'invalid' });
        continue;
      }
      const expires = (this.goneSince.get(id) ?? now) + this.graceMs;
      if (now >= expires) {
        this.goneSince.delete(id);
        continue;
      }
      this.goneSince.set(id, expires - this.graceMs);
      out.set(id, entry);
      held.push({ kind: entry.kind, key: entry.key, reason: 'gone', expires });
      nextExpiry = Math.min(nextExpiry ?? expires, expires);
    }
    this.delivered = out;
    const update: ManifestsUpdate = {
      ...parsed,
      // Nothing held: the parsed snapshot is already the whole answer, in the same order.
      snapshot: held.length === 0 ? parsed.snapshot : snapshotOf(out.values()),
      files: files.map((f) => f.file),
      keptFiles,
      held,
    };
    if (nextExpiry !== undefined) update.nextExpiry = nextExpiry;
    return update;
  }

  private parseKeepingGoodText(files: readonly ManifestFile[]): {
    parsed: ParsedManifests;
    keptFiles: ManifestProblem[];
  } {
    let parsed = parseManifests([...files]);
    const broken = new Set(parsed.problems.filter((p) => p.syntax).map((p) => p.file));
    const keptFiles = parsed.problems.filter((p) => p.syntax && this.goodText.has(p.file));
    if (keptFiles.length > 0) {
      // The rare path: parse again with the broken files' last good text in their place.
      parsed = parseManifests(
        files.map((f) => ({ file: f.file, text: broken.has(f.file) ? this.goodTextOr(f) : f.text })),
      );
    }
    const present = new Set(files.map((f) => f.file));
    for (const file of this.goodText.keys()) if (!present.has(file)) this.goodText.delete(file);
    for (const f of files) if (!broken.has(f.file)) this.goodText.set(f.file, f.text);
    return { parsed, keptFiles };
  }

  private goodTextOr(f: ManifestFile): string {
    return this.goodText.get(f.file) ?? f.text;
  }
}
