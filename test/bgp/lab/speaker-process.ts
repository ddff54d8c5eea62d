import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildCommand, ChildOptions } from './speaker-child.js';
import { spawnTsxIn } from '../../lab/tsx-in-namespace.js';

export interface ChildEvent {
  event: string;
  [key: string]: unknown;
}

const CHILD = fileURLToPath(new URL('./speaker-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Controls a speaker-child.ts process running inside a network namespace. */
export class SpeakerProcess {
  readonly events: ChildEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private exited = false;
  stderr = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.events.push(JSON.parse(line) as ChildEvent);
      for (const w of [...this.waiters]) w();
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.on('exit', () => {
      this.exited = true;
      for (const w of [...this.waiters]) w();
    });
  }

  static async start(ns: string, opts: ChildOptions): Promise<SpeakerProcess> {
    const child = spawnTsxIn(ns, ['--expose-gc', CHILD, JSON.stringify(opts)], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const p = new SpeakerProcess(child);
    await p.waitEvent((e) => e.event === 'ready', 60_000);
    return p;
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(c: ChildCommand): void {
    this.child.stdin!.write(`${JSON.stringify(c)}\n`);
  }

  /**
   * Resolves with the first event (already seen or future) matching `pred`. The timeout is a safety
   * net, as long as waitFor's (test/support/wait-for.ts).
   */
  waitEvent(pred: (e: ChildEvent) => boolean, timeoutMs = 60_000, from = 0): Promise<ChildEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.events.slice(from).find(pred);
        if (hit) {
          cleanup();
          resolve(hit);
        } else if (this.exited) {
          cleanup();
          reject(new Error(`speaker process exited; stderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a speaker event; stderr: ${this.stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async status(): Promise<ChildEvent> {
    const from = this.events.length;
    this.send({ cmd: 'status' });
    return this.waitEvent((e) => e.event === 'status', 10_000, from);
  }

  /** RSS in bytes right away and after a full garbage collection. */
  async memory(): Promise<{ rss: number; rssBeforeGc: number }> {
    const from = this.events.length;
    this.send({ cmd: 'memory' });
    const e = await this.waitEvent((e) => e.event === 'memory', 10_000, from);
    return { rss: e.rss as number, rssBeforeGc: e.rssBeforeGc as number };
  }

  async stop(withdraw = false): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.send({ cmd: 'stop', withdraw });
    await gone;
  }

  /** kill -9: no NOTIFICATION, the kernel just closes the TCP connection. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    await gone;
  }
}
