import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTsxIn } from '../../lab/tsx-in-namespace.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** `cluster-router-sync <args>` as a real child process inside a lab namespace. */
export class RunProcess {
  stdout = '';
  stderr = '';
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(ns: string, args: readonly string[]) {
    const script = `const { main } = await import(${JSON.stringify(`${root}src/cli/main.ts`)});
const { exitWhenDone } = await import(${JSON.stringify(`${root}src/cli/exit.ts`)});
exitWhenDone(await main(${JSON.stringify(['node', 'cluster-router-sync', ...args])}));`;
    this.child = spawnTsxIn(ns, ['--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.stdout += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The node process itself: `ip netns exec` execs into it, so the pid is the same. */
  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** kill -9 (if still running) and wait for the exit: for tests and for cleanup. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** The last `n` log lines, for failure messages. */
  tail(n = 30): string {
    return this.stderr.split('\n').slice(-n).join('\n');
  }
}
