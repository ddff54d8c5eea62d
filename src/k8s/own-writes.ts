/**
 * Our own writes to Services, so that the watch event each write causes (its echo) is known as
 * ours. The API server gives every write a new resourceVersion and the watch delivers the object
 * at exactly that version, so an event carrying a version our write returned is the object as we
 * wrote it: nothing in it is news to the controller, and nothing in it changes a plan (the engine
 * lays its allocations over the snapshots until the status carries them). Without this, each of
 * the first round's writes came back as a change and a plan: about two plans per Service, over
 * 15 minutes at 10,000 Services (docs/benchmarks.md).
 *
 * The watch event and the write's answer travel on different connections, so the event may come
 * first: an event for a Service with a write of ours in flight waits for that answer (`settled`).
 */

function versionOf(obj: unknown): string | undefined {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const md = (obj as { metadata?: unknown }).metadata;
  if (typeof md !== 'object' || md === null) return undefined;
  const v = (md as { resourceVersion?: unknown }).resourceVersion;
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export class OwnWrites {
  /** Versions written and not seen on the watch yet, by `namespace/name`. */
  private readonly versions = new Map<string, Set<string>>();
  /** Writes sent and not answered yet, by `namespace/name`. */
  private readonly inFlight = new Map<string, number>();
  /** Told when a write of a Service is answered (or failed): the cluster source. */
  settled: (key: string) => void = () => {};

  /** Sends one write of `key` (`send` resolves with the object as the server stored it). */
  async write<T>(key: string, send: () => Promise<T>): Promise<T> {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    let written: T | undefined;
    try {
      written = await send();
      return written;
    } finally {
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left === 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
      this.wrote(key, written);
      this.settled(key);
    }
  }

  /** Whether a write of `key` is on its way: a watch event for it may be its echo. */
  writing(key: string): boolean {
    return this.inFlight.has(key);
  }

  private wrote(key: string, written: unknown): void {
    const version = versionOf(written);
    if (version === undefined) return;
    const set = this.versions.get(key);
    if (set) set.add(version);
    else this.versions.set(key, new Set([version]));
  }

  /** True, once, for the watch event of an object one of our writes produced. */
  isEcho(key: string, object: unknown): boolean {
    const version = versionOf(object);
    const set = this.versions.get(key);
    if (version === undefined || set === undefined || !set.delete(version)) return false;
    if (set.size === 0) this.versions.delete(key);
    return true;
  }

  /**
   * After a deletion or a relist: an echo the watch did not deliver (a relist replaces events)
   * never comes, and its version would stay here.
   */
  forget(key?: string): void {
    if (key === undefined) this.versions.clear();
    else this.versions.delete(key);
  }
}
