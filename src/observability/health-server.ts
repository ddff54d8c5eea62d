import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnreachableError } from '../util/errors.js';
import { formatListenAddress, parseListenAddress } from '../util/listen-address.js';
import type { Metrics } from './metrics.js';

/** What `/readyz` asks: why we are not ready yet, or nothing when ready. */
type ReadinessProbe = () => string[];

interface HealthServerOptions {
  /** `host:port`, `[v6]:port`; port 0 picks a free one. */
  address: string;
  metrics: Metrics;
  readiness: ReadinessProbe;
  /** A standing remark `/readyz` adds to its answer, ready or not (e.g. announce-only mode). */
  readyzNote?: string;
  /** Lines `/readyz` adds after its answer, read at each request (health check states). */
  readyzDetail?: () => string[];
}

export interface HealthServer {
  /** The address actually bound, e.g. `127.0.0.1:40123`. */
  address: string;
  port: number;
  close(): Promise<void>;
}

/** `/metrics` (Prometheus text), `/healthz` (the process answers), `/readyz` (synced and peered). */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseListenAddress(opts.address, '--metrics-address');
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(err)}\n`);
    });
  });
  await listen(server, host, port, opts.address);
  const bound = server.address() as AddressInfo;
  return {
    address: formatListenAddress({ host: bound.address, port: bound.port }),
    port: bound.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function listen(server: Server, host: string, port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) =>
      reject(new UnreachableError(`cannot serve metrics on ${text}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HealthServerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  switch (path) {
    case '/metrics': {
      const body = await opts.metrics.text();
      res.writeHead(200, { 'content-type': opts.metrics.contentType }).end(body);
      return;
    }
    case '/healthz':
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    case '/readyz': {
      const reasons = opts.readiness();
      const detail = (opts.readyzDetail?.() ?? []).map((l) => `${l}\n`).join('');
      const note = `${opts.readyzNote === undefined ? '' : `${opts.readyzNote}\n`}${detail}`;
      if (reasons.length === 0) res.writeHead(200, { 'content-type': 'text/plain' }).end(`ready\n${note}`);
      else
        res
          .writeHead(503, { 'content-type': 'text/plain' })
          .end(`not ready:\n${reasons.map((r) => `- ${r}\n`).join('')}${note}`);
      return;
    }
    default:
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('not found: try /metrics, /healthz, /readyz\n');
  }
}
