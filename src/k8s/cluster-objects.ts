/**
 * The cluster objects the informers hold, converted once per change and kept by key. A watch event
 * converts one object and marks one key; `drain()` hands the marked keys on as the planner's
 * keyed delta (client-go's informer -> work queue -> per-key reconcile). A whole snapshot is
 * assembled only when asked for: the initial sync, `plan`, `check`.
 */
import type { SnapshotDelta } from '../sync/planner/index.js';
import {
  snapshotOf,
  type ClusterSnapshot,
  type EndpointSliceInfo,
  type NamespaceInfo,
  type NodeInfo,
  type ServiceInfo,
} from '../sync/cluster.js';
import {
  endpointSliceFromObject,
  namespaceFromObject,
  nodeFromObject,
  serviceFromObject,
  type ClusterKind,
  type Converted,
  type ObjectProblem,
} from '../sources/kube-objects.js';
import { byText } from '../util/arrays.js';
import { SortedMap } from '../util/sorted-map.js';

export type RawObject = Record<string, unknown>;

export interface ObjectIssue extends ObjectProblem {
  kind: ClusterKind;
  /** `namespace/name` or `name`. */
  object: string;
}

interface Entry<T> {
  raw: RawObject;
  converted: Converted<T>;
}

function resourceVersion(obj: RawObject): string {
  const md = obj.metadata;
  const v =
    typeof md === 'object' && md !== null ? (md as { resourceVersion?: unknown }).resourceVersion : undefined;
  return typeof v === 'string' ? v : '';
}

/**
 * One kind's converted objects, the keys changed since the last drain, and the usable objects in
 * a persistent map by key: a change copies one path of it, and a snapshot takes the version as it
 * is (no copy, no sort), which later changes leave alone.
 */
class KindObjects<T> {
  readonly entries = new Map<string, Entry<T>>();
  readonly pending = new Set<string>();
  private usable = SortedMap.empty<string, T>(byText);
  /** Keys whose object does not convert; few, so sorted when asked for. */
  private readonly failing = new Set<string>();

  constructor(
    readonly kind: ClusterKind,
    private readonly convert: (raw: unknown) => Converted<T>,
  ) {}

  set(key: string, raw: RawObject | undefined): void {
    if (raw === undefined) {
      if (this.entries.delete(key)) this.changed(key, undefined);
      return;
    }
    const old = this.entries.get(key)?.converted;
    const converted = this.convert(raw);
    // Conversion keeps only what planning reads, so resourceVersion-only updates and writes that
    // touch nothing else convert to an equal value: no change, and the old value's identity is kept.
    const same =
      old?.ok === true && converted.ok && JSON.stringify(old.value) === JSON.stringify(converted.value);
    this.entries.set(key, { raw, converted: same ? old : converted });
    if (!same) this.changed(key, converted);
  }

  private changed(key: string, converted: Converted<T> | undefined): void {
    this.pending.add(key);
    this.usable = converted?.ok ? this.usable.set(key, converted.value) : this.usable.delete(key);
    if (converted !== undefined && !converted.ok) this.failing.add(key);
    else this.failing.delete(key);
  }

  /**
   * After a relist: the store as the server has it now. Objects whose resourceVersion did not
   * move are the same objects (the API server bumps it on every write), so only what a missed
   * watch would have told us is converted and marked.
   */
  replace(store: ReadonlyMap<string, RawObject>): void {
    for (const key of [...this.entries.keys()]) if (!store.has(key)) this.set(key, undefined);
    for (const [key, raw] of store) {
      const old = this.entries.get(key);
      const version = resourceVersion(raw);
      if (old !== undefined && version !== '' && resourceVersion(old.raw) === version) continue;
      this.set(key, raw);
    }
  }

  /**
   * Upserts and removals of the marked keys; an object that no longer converts is removed (and
   * listed in `issues`), as a whole snapshot would skip it.
   */
  drain(issues: ObjectIssue[]): { upsert: T[]; remove: string[] } {
    const upsert: T[] = [];
    const remove: string[] = [];
    for (const key of this.pending) {
      const converted = this.entries.get(key)?.converted;
      if (converted?.ok) upsert.push(converted.value);
      else {
        remove.push(key);
        if (converted) issues.push({ kind: this.kind, object: key, ...converted.problem });
      }
    }
    this.pending.clear();
    return { upsert, remove };
  }

  /** The usable objects by key, as they are now: later changes make new versions. */
  list(): SortedMap<string, T> {
    return this.usable;
  }

  issues(): ObjectIssue[] {
    return [...this.failing].sort().flatMap((key) => {
      const c = this.entries.get(key)?.converted;
      return c && !c.ok ? [{ kind: this.kind, object: key, ...c.problem }] : [];
    });
  }
}

const nsName = (key: string) => {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};

export class ClusterObjects {
  private readonly services = new KindObjects<ServiceInfo>('Service', serviceFromObject);
  private readonly slices = new KindObjects<EndpointSliceInfo>('EndpointSlice', endpointSliceFromObject);
  private readonly nodes = new KindObjects<NodeInfo>('Node', nodeFromObject);
  private readonly namespaces = new KindObjects<NamespaceInfo>('Namespace', namespaceFromObject);

  private of(kind: ClusterKind): KindObjects<unknown> {
    switch (kind) {
      case 'Service':
        return this.services;
      case 'EndpointSlice':
        return this.slices;
      case 'Node':
        return this.nodes;
      case 'Namespace':
        return this.namespaces;
    }
  }

  /** A watch event: the object as it is now, or undefined once deleted. */
  set(kind: ClusterKind, key: string, raw: RawObject | undefined): void {
    this.of(kind).set(key, raw);
  }

  /** A relist: every object of the kind as the server has it now. */
  replace(kind: ClusterKind, store: ReadonlyMap<string, RawObject>): void {
    this.of(kind).replace(store);
  }

  get pending(): boolean {
    return [this.services, this.slices, this.nodes, this.namespaces].some((k) => k.pending.size > 0);
  }

  /** The changes since the last drain, by key, in the planner's terms, and the changed objects skipped. */
  drain(): { delta: SnapshotDelta; issues: ObjectIssue[] } {
    const issues: ObjectIssue[] = [];
    const services = this.services.drain(issues);
    const slices = this.slices.drain(issues);
    const delta = {
      services: { upsert: services.upsert, remove: services.remove.map(nsName) },
      endpointSlices: { upsert: slices.upsert, remove: slices.remove.map(nsName) },
      nodes: this.nodes.drain(issues),
      namespaces: this.namespaces.drain(issues),
    };
    return { delta, issues };
  }

  /**
   * Every usable object, sorted by key: the kinds' map versions, whose arrays are made only for a
   * reader of a whole list (src/util/listed.ts); no copy, conversion or sort per snapshot.
   */
  snapshot(): ClusterSnapshot {
    return snapshotOf({
      services: this.services.list(),
      endpointSlices: this.slices.list(),
      nodes: this.nodes.list(),
      namespaces: this.namespaces.list(),
    });
  }

  /** Objects the API served that could not be used (skipped), sorted by kind then key. */
  issues(): ObjectIssue[] {
    return [this.services, this.slices, this.nodes, this.namespaces].flatMap((k) => k.issues());
  }
}
