import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Splits what an interactive vtysh writes to its stdout into one reply per command. Fed from a
 * pipe, vtysh still behaves like a terminal session: it prints a banner and its prompt
 * (`<hostname># `, no newline), then for each command line it reads it echoes the line and prints
 * the output followed by the prompt again. So a reply is complete when the prompt ends the buffer
 * at the start of a line; the echoed command line in front of it is dropped.
 */
export class VtyshReplyFramer {
  private buffer = '';
  private prompt: string | undefined;

  /** The prompt, once the banner and the first prompt were seen. */
  get ready(): boolean {
    return this.prompt !== undefined;
  }

  /** Takes a chunk of stdout; returns the replies it completed (the banner is not one). */
  push(chunk: string): string[] {
    this.buffer += chunk;
    if (this.prompt === undefined) {
      // The banner ends with an empty line; the prompt follows it and ends in '# '.
      const bannerEnd = this.buffer.indexOf('\n\n');
      const promptEnd = bannerEnd < 0 ? -1 : this.buffer.indexOf('# ', bannerEnd + 2);
      if (promptEnd < 0) return [];
      this.prompt = this.buffer.slice(bannerEnd + 2, promptEnd + 2);
      this.buffer = this.buffer.slice(promptEnd + 2);
    }
    const replies: string[] = [];
    const end = `\n${this.prompt}`;
    // The buffer starts right after a prompt; a reply (at least the echoed line) ends at the next.
    for (let at = this.buffer.indexOf(end); at >= 0; at = this.buffer.indexOf(end)) {
      const reply = this.buffer.slice(0, at + 1);
      this.buffer = this.buffer.slice(at + end.length);
      const echoEnd = reply.indexOf('\n');
      replies.push(reply.slice(echoEnd + 1));
    }
    return replies;
  }
}

/** vtysh exited, or a command could not be sent through the session. */
export class VtyshSessionError extends Error {
  constructor(
    message: string,
    readonly vtyshPath: string,
    readonly stderr: string,
  ) {
    super(`${message} (vtysh ${vtyshPath}${stderr ? `; stderr: ${stderr.trim()}` : ''})`);
    this.name = 'VtyshSessionError';
  }
}

interface Pending {
  resolve(reply: string): void;
  reject(err: Error): void;
}

/**
 * One long-lived vtysh process that runs commands one after another over its stdin. Spawning
 * vtysh per command costs several milliseconds of process start-up and CPU on a shared machine;
 * a reply through a running session takes well under one, so a benchmark can poll FRR every
 * couple of milliseconds without loading the machine it measures.
 */
export class VtyshSession {
  private readonly framer = new VtyshReplyFramer();
  /** Commands written and not answered yet, in order: vtysh answers strictly in turn. */
  private readonly pending: Pending[] = [];
  private readonly whenReady: Promise<void>;
  private stderr = '';
  private exited: VtyshSessionError | undefined;

  private constructor(
    private readonly vtyshPath: string,
    private readonly child: ChildProcess,
  ) {
    let ready: () => void;
    let failed: (err: Error) => void;
    this.whenReady = new Promise<void>((resolve, reject) => {
      ready = resolve;
      failed = reject;
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      const wasReady = this.framer.ready;
      for (const reply of this.framer.push(chunk)) this.pending.shift()?.resolve(reply);
      if (!wasReady && this.framer.ready) ready();
    });
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.on('error', (err) => this.fail(new VtyshSessionError(err.message, vtyshPath, this.stderr), failed));
    child.on('exit', (code, signal) =>
      this.fail(new VtyshSessionError(`vtysh exited (${signal ?? code})`, vtyshPath, this.stderr), failed),
    );
  }

  private fail(err: VtyshSessionError, failedStart: (err: Error) => void): void {
    this.exited ??= err;
    failedStart(err);
    for (const p of this.pending.splice(0)) p.reject(err);
  }

  /** Starts vtysh (a path such as FrrRouter.vtyshPath) and waits for its first prompt. */
  static async open(vtyshPath: string): Promise<VtyshSession> {
    const child = spawn(vtyshPath, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const session = new VtyshSession(vtyshPath, child);
    try {
      await session.whenReady;
    } catch (err) {
      await session.close();
      throw err;
    }
    return session;
  }

  /** Runs one command line; resolves with its output (without the echoed command and prompt). */
  command(line: string): Promise<string> {
    if (/[\r\n]/.test(line)) {
      return Promise.reject(
        new VtyshSessionError(`a command is one line, got ${JSON.stringify(line)}`, this.vtyshPath, ''),
      );
    }
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  async json<T>(line: string): Promise<T> {
    const out = await this.command(line);
    try {
      return JSON.parse(out) as T;
    } catch {
      throw new VtyshSessionError(
        `'${line}' did not print JSON: ${out.slice(0, 200)}`,
        this.vtyshPath,
        this.stderr,
      );
    }
  }

  /** Ends the session (EOF on stdin) and waits for vtysh to exit; kills it if it does not. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }
}
