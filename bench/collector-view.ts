import type { RibInChange } from '../src/bgp/adj-rib-in.js';
import type { BgpSpeaker, ReceivedRoute } from '../src/bgp/index.js';

/** One UPDATE as the collector applied it. */
type Received = RibInChange & { peer: string };

/**
 * What a collector speaker has received, kept as the UPDATEs arrive: the paths per prefix, and
 * the time (performance.now()) of the first UPDATE that satisfies a waiter. Waiters see an UPDATE
 * before it is applied, so "a prefix it did not have" is a question they can ask.
 */
export class CollectorView {
  /** Next hops by prefix and path id. */
  private readonly paths = new Map<string, Map<number, string>>();
  private waiters: Array<{ test: (u: Received) => boolean; resolve: (at: number) => void }> = [];

  constructor(speaker: BgpSpeaker) {
    speaker.on('routes-received', (u: Received) => {
      const now = performance.now();
      this.waiters = this.waiters.filter((w) => (w.test(u) ? (w.resolve(now), false) : true));
      for (const w of u.withdrawn) {
        const byPath = this.paths.get(w.prefix);
        byPath?.delete(w.pathId);
        if (byPath?.size === 0) this.paths.delete(w.prefix);
      }
      for (const r of u.announced) {
        const byPath = this.paths.get(r.prefix) ?? new Map<number, string>();
        byPath.set(r.pathId, r.nextHop);
        this.paths.set(r.prefix, byPath);
      }
    });
  }

  /** How many prefixes have at least one path. */
  prefixCount(): number {
    return this.paths.size;
  }

  has(prefix: string): boolean {
    return this.paths.has(prefix);
  }

  /** When the first UPDATE for which `test` holds arrives. */
  next(test: (u: Received) => boolean): Promise<number> {
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** The next UPDATE announcing `prefix` with next hop `nextHop`. */
  announced(prefix: string, nextHop: string): Promise<number> {
    return this.next((u) => u.announced.some((r) => r.prefix === prefix && r.nextHop === nextHop));
  }

  /** The next UPDATE announcing a prefix the collector did not have; resolves with it too. */
  newPrefix(): Promise<{ at: number; route: ReceivedRoute }> {
    return new Promise((resolve) => {
      let route: ReceivedRoute | undefined;
      void this.next((u) => {
        route = u.announced.find((r) => !this.paths.has(r.prefix));
        return route !== undefined;
      }).then((at) => resolve({ at, route: route! }));
    });
  }

  /** The next UPDATE that leaves `prefix` with no path. */
  gone(prefix: string): Promise<number> {
    return this.next((u) => {
      const left = new Set(this.paths.get(prefix)?.keys());
      for (const w of u.withdrawn) if (w.prefix === prefix) left.delete(w.pathId);
      return left.size === 0 && !u.announced.some((r) => r.prefix === prefix);
    });
  }
}
