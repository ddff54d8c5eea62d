/**
 * One HTTP health probe, as kube-proxy's healthz expects it: `GET /healthz`, healthy on a 2xx
 * answer (kube-proxy says 503 when a Local service has no ready endpoint on the node). Sockets
 * are kept alive between probes so a probe every 200 ms per target costs a request, not a TCP
 * handshake; a probe that does not finish within its timeout is aborted and counts as failed.
 */
import { Agent, request } from 'node:http';
import type { ProbeResult } from './target-state.js';

interface ProbeAddress {
  address: string;
  port: number;
}

export type Probe = (target: ProbeAddress) => Promise<ProbeResult>;

interface HttpProber {
  probe: Probe;
  /** Closes the kept-alive sockets. */
  close(): void;
}

const HEALTHZ_PATH = '/healthz';

export function httpProber(timeoutMs: number): HttpProber {
  // One socket per target is enough: a target is never probed twice at once.
  const agent = new Agent({ keepAlive: true, maxSockets: 1, scheduling: 'lifo' });
  const probe: Probe = (target) =>
    new Promise<ProbeResult>((resolve) => {
      const req = request({
        agent,
        host: target.address,
        port: target.port,
        path: HEALTHZ_PATH,
        method: 'GET',
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // The body is read to the end so the socket goes back to the agent for the next probe.
        res.resume();
        res.on('end', () =>
          resolve(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` }),
        );
        res.on('error', (err) => resolve({ ok: false, error: err.message }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) =>
        resolve({
          ok: false,
          error: err.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : (err.code ?? err.message),
        }),
      );
      req.end();
    });
  return { probe, close: () => agent.destroy() };
}
