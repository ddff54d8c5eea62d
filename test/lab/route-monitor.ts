import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface RouteMonitor {
  /** Calls `seen` with the time (performance.now()) the next line matching `match` was read. */
  watch(match: RegExp, seen: (at: number) => void): void;
  stop(): void;
}

/**
 * Follows `ip monitor route` in namespace `ns`: the kernel reports each FIB change as it happens,
 * so the time a line is read is when the route was installed, without polling the table.
 */
export function monitorRoutes(ns: string): RouteMonitor {
  const proc = spawn('ip', ['-n', ns, 'monitor', 'route'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const waiters: Array<{ match: RegExp; seen: (at: number) => void }> = [];
  createInterface({ input: proc.stdout }).on('line', (line) => {
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
    stop: () => void proc.kill('SIGKILL'),
  };
}
