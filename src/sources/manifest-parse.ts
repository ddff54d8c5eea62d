/**
 * Parses manifest text (multi-document YAML or JSON, `kind: List` and `kubectl get -o yaml`
 * lists included) into one ClusterSnapshot plus the configuration documents. Pure: the caller
 * reads the files. A bad object is reported with its place and skipped; it never spoils the rest.
 */
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { parseAllDocuments, stringify, type Document } from 'yaml';
import type {
  ClusterSnapshot,
  EndpointSliceInfo,
  NamespaceInfo,
  NodeInfo,
  ServiceInfo,
} from '../sync/cluster.js';
import { isConfigObject, type ConfigDocument } from './config-documents.js';
import {
  endpointSliceFromObject,
  namespaceFromObject,
  nodeFromObject,
  serviceFromObject,
  type ClusterKind,
  type Converted,
  isClusterKind,
} from './kube-objects.js';

export interface ManifestFile {
  file: string;
  text: string;
}

export interface ManifestProblem {
  file: string;
  /** 0-based position of the YAML document in the file. */
  documentIndex: number;
  /** 0-based position inside a List document's items. */
  itemIndex?: number;
  kind?: string;
  name?: string;
  /** Dotted path inside the object; empty when the whole document is unusable. */
  field: string;
  reason: string;
  /** The document is not YAML at all (as in a file cut off mid-write), not just a bad object. */
  syntax?: true;
}

export interface ParsedManifests {
  snapshot: ClusterSnapshot;
  configDocuments: ConfigDocument[];
  problems: ManifestProblem[];
}

export function formatManifestProblem(p: ManifestProblem): string {
  const where = `${p.file} document ${p.documentIndex}${p.itemIndex === undefined ? '' : ` item ${p.itemIndex}`}`;
  const what = p.kind ? ` ${p.kind}${p.name ? ` ${p.name}` : ''}` : '';
  return `${where}${what}: ${p.field ? `${p.field}: ` : ''}${p.reason}`;
}

interface Place {
  file: string;
  documentIndex: number;
  itemIndex?: number;
}

type Info = ServiceInfo | EndpointSliceInfo | NodeInfo | NamespaceInfo;

interface Entry<T extends Info> {
  info: T;
  place: Place;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function objectName(obj: Record<string, unknown>): string | undefined {
  const md = obj.metadata;
  if (!isRecord(md) || typeof md.name !== 'string') return undefined;
  return typeof md.namespace === 'string' ? `${md.namespace}/${md.name}` : md.name;
}

function infoKey(info: Info): string {
  return 'namespace' in info ? `${info.namespace}/${info.name}` : info.name;
}

class Collector {
  readonly configDocuments: ConfigDocument[] = [];
  readonly problems: ManifestProblem[] = [];
  private readonly services = new Map<string, Entry<ServiceInfo>>();
  private readonly endpointSlices = new Map<string, Entry<EndpointSliceInfo>>();
  private readonly nodes = new Map<string, Entry<NodeInfo>>();
  private readonly namespaces = new Map<string, Entry<NamespaceInfo>>();

  problem(place: Place, field: string, reason: string, obj?: Record<string, unknown>): ManifestProblem {
    const p: ManifestProblem = { ...place, field, reason };
    if (obj && typeof obj.kind === 'string') p.kind = obj.kind;
    const name = obj ? objectName(obj) : undefined;
    if (name) p.name = name;
    this.problems.push(p);
    return p;
  }

  /** One object (a document, or an item of a List document). */
  object(obj: unknown, place: Place, text: () => string): void {
    if (!isRecord(obj)) {
      this.problem(place, '', 'not a Kubernetes object (expected a mapping)');
      return;
    }
    if (typeof obj.kind !== 'string' || obj.kind === '') {
      this.problem(place, 'kind', 'missing', obj);
      return;
    }
    if (Array.isArray(obj.items) && obj.kind.endsWith('List')) {
      if (place.itemIndex !== undefined) {
        this.problem(place, 'items', 'a List inside a List', obj);
        return;
      }
      obj.items.forEach((item, itemIndex) =>
        this.object(item, { ...place, itemIndex }, () => stringify(item)),
      );
      return;
    }
    if (isConfigObject(obj)) {
      this.configDocuments.push({ file: place.file, text: text() });
      return;
    }
    // Deployments, Pods and the like are fine in a manifests directory; they just do not matter here.
    if (!isClusterKind(obj.kind)) return;
    const kind: ClusterKind = obj.kind;
    if (kind === 'Service') this.add(this.services, serviceFromObject(obj), place, obj);
    else if (kind === 'EndpointSlice')
      this.add(this.endpointSlices, endpointSliceFromObject(obj), place, obj);
    else if (kind === 'Node') this.add(this.nodes, nodeFromObject(obj), place, obj);
    else this.add(this.namespaces, namespaceFromObject(obj), place, obj);
  }

  private add<T extends Info>(
    into: Map<string, Entry<T>>,
    converted: Converted<T>,
    place: Place,
    obj: Record<string, unknown>,
  ): void {
    if (!converted.ok) {
      this.problem(place, converted.problem.field, converted.problem.reason, obj);
      return;
    }
    const key = infoKey(converted.value);
    const earlier = into.get(key);
    if (earlier) {
      const at = `${earlier.place.file} document ${earlier.place.documentIndex}`;
      this.problem(place, 'metadata.name', `duplicate: already defined in ${at}`, obj);
      return;
    }
    into.set(key, { info: converted.value, place });
  }

  snapshot(): ClusterSnapshot {
    return {
      services: sortedInfos(this.services),
      endpointSlices: sortedInfos(this.endpointSlices),
      nodes: sortedInfos(this.nodes),
      namespaces: sortedInfos(this.namespaces),
    };
  }
}

function sortedInfos<T extends Info>(m: Map<string, Entry<T>>): T[] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e.info);
}

/**
 * A file's documents as plain values through js-yaml, or undefined when the file needs `yaml`'s
 * Documents: a syntax error (reported per document with its line), a `%` directive (`%YAML 1.1`
 * changes what `yes` means), or a configuration document (handed on as its source text, comments
 * and all). Each file is read by one of the two, never both. js-yaml is there for speed alone:
 * 10,000 Services (4.5 MiB) take 0.33 s of CPU through it and 5.9 s through `yaml`
 * (docs/architecture.md).
 */
function plainDocuments(text: string): unknown[] | undefined {
  if (/^%/m.test(text)) return undefined;
  let documents: unknown[];
  try {
    documents = loadAll(text, null, { schema: CORE_SCHEMA });
  } catch {
    // Not lost: the file is read by `yaml` instead, which reports the error with its place.
    return undefined;
  }
  return documents.some(isConfigObject) ? undefined : documents;
}

function collectDocuments(c: Collector, file: string, documents: readonly Document.Parsed[]): void {
  documents.forEach((doc, documentIndex) => {
    const place = { file, documentIndex };
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      const line = err?.linePos?.[0].line;
      c.problem(
        place,
        '',
        `YAML error${line ? ` at line ${line}` : ''}: ${err?.message.split('\n')[0]}`,
      ).syntax = true;
      return;
    }
    const obj: unknown = doc.toJS();
    // A document holding only comments (or an empty `---` section) is no object at all.
    if (obj === null || obj === undefined) return;
    c.object(obj, place, () => doc.toString());
  });
}

export function parseManifests(files: ManifestFile[]): ParsedManifests {
  const c = new Collector();
  for (const { file, text } of files) {
    const plain = plainDocuments(text);
    if (plain === undefined) {
      collectDocuments(c, file, parseAllDocuments(text, { prettyErrors: true }));
      continue;
    }
    plain.forEach((obj, documentIndex) => {
      if (obj === null || obj === undefined) return;
      // No top-level configuration document here (plainDocuments), so only List items, which
      // have no source text of their own, are ever rendered.
      c.object(obj, { file, documentIndex }, () => stringify(obj));
    });
  }
  return { snapshot: c.snapshot(), configDocuments: c.configDocuments, problems: c.problems };
}
