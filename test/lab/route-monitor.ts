import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RouteMonitor {
  /** Calls `seen` with the time (performance.now()) the next line matching `match` was read. */
  watch(match: RegExp, seen: (at: number) => void): void;
  /**
   * Calls `each` with every change as one string: a multipath route's `nexthop` lines are joined
   * to its first line. A change is passed on when the next one starts, or at stop().
   */
  records(each: (record: string) => void): void;
  stop(): void;
}

/**
 * Follows `ip monitor route` in namespace `ns`: the kernel reports each FIB change as it happens,
 * so the time a line is read is when the route was installed, without polling the table.
 */
export function monitorRoutes(ns: string): RouteMonitor {
  const proc = spawn('ip', ['-n', ns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const waiters: Array<{ match: RegExp; seen: (at: number) => void }> = [];
  const recordListeners: Array<(record: string) => void> = [];
  let pending: string | undefined;
  const flush = () => {
    if (pending !== undefined) for (const l of recordListeners) l(pending);
    pending = undefined;
  };
  createInterface({ input: proc.stdout }).on('line', (line) => {
    if (/^\s/.test(line) && pending !== undefined) pending += `\n${line}`;
    else {
      flush();
      pending = line;
    }
    const now = performance.now();
    for (const [k, w] of [...waiters.entries()].reverse()) {
      if (w.match.test(line)) {
        waiters.splice(k, 1);
        w.seen(now);
      }
    }
  });
  return {
    watch: (match, seen) => void waiters.push({ match, seen }),
    records: (each) => void recordListeners.push(each),
    stop: () => {
      flush();
      proc.kill('SIGKILL');
    },
  };
}
