import { spawn, type ChildProcess } from 'node:child_process';
import { killChild } from './cleanup.js';

/**
 * A stand-in for kube-proxy's healthz on one node address: a plain node:http child process
 * inside the namespace that holds the address, answering `GET /healthz` with 200. Stopped by
 * the pid of the child the test spawned (`ip netns exec` execs into node, so it is node's pid).
 */
export class HealthzServer {
  private child: ChildProcess | undefined;

  constructor(
    private readonly ns: string,
    readonly address: string,
    readonly port: number,
  ) {}

  async start(): Promise<void> {
    const script = `require('node:http').createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('ok'))
  .listen(${this.port}, ${JSON.stringify(this.address)}, () => process.stdout.write('listening\\n'));`;
    const child = spawn('ip', ['netns', 'exec', this.ns, process.execPath, '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        if (c.toString().includes('listening')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`healthz server on ${this.address}:${this.port} exited (${code}): ${stderr}`)),
      );
    });
  }

  /** Like a node whose kube-proxy died: connections to the port are refused from now on. */
  async stop(): Promise<void> {
    await killChild(this.child);
    this.child = undefined;
  }
}
