import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HealthChecker, type Transition } from '../../src/health/health-checker.js';
import { httpProber } from '../../src/health/prober.js';
import type { ProbeResult } from '../../src/health/target-state.js';
import { targetKey, type ProbeTarget } from '../../src/health/targets.js';
import { waitFor } from '../support/wait-for.js';

function target(address: string, port: number): ProbeTarget {
  return { key: targetKey(address, port), address, port, services: ['default/web'] };
}

describe('health: HTTP prober (loopback)', () => {
  let server: Server;
  let status = 200;
  let connections = 0;
  let port = 0;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/healthz') status = 404;
      res.writeHead(status).end('ok');
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('GETs /healthz: 200 is healthy, 503 carries its status, over one kept-alive socket', async () => {
    const prober = httpProber(1000);
    try {
      status = 200;
      connections = 0;
      expect(await prober.probe({ address: '127.0.0.1', port })).to.deep.equal({ ok: true });
      status = 503;
      expect(await prober.probe({ address: '127.0.0.1', port })).to.deep.equal({
        ok: false,
        error: 'HTTP 503',
      });
      expect(connections).to.equal(1);
    } finally {
      prober.close();
    }
  });

  it('a refused connection and a server that never answers are failures with their reason', async () => {
    const prober = httpProber(200);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const refused = await prober.probe({ address: '127.0.0.1', port: 1 });
      expect(refused).to.deep.equal({ ok: false, error: 'ECONNREFUSED' });
      const hung = await prober.probe({ address: '127.0.0.1', port: (silent.address() as AddressInfo).port });
      expect(hung).to.deep.equal({ ok: false, error: 'no answer within 200 ms' });
    } finally {
      prober.close();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('health: checker', () => {
  it('probes each target, reports transitions, and a hanging target does not hold up the others', async () => {
    const results = new Map<string, ProbeResult>([
      ['a', { ok: true }],
      ['b', { ok: false, error: 'HTTP 503' }],
    ]);
    const never = new Promise<ProbeResult>(() => undefined);
    const checker = new HealthChecker({
      intervalMs: 50,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
      maxConcurrent: 2,
      probe: (t) => (t.address === 'hang' ? never : Promise.resolve(results.get(t.address)!)),
    });
    const seen: Transition[] = [];
    checker.onTransition((t) => seen.push(t));
    try {
      checker.updateTargets([target('hang', 1), target('a', 1), target('b', 1)], []);
      await waitFor(
        'a healthy and b unhealthy',
        () =>
          checker.stateOf(targetKey('a', 1)) === 'healthy' &&
          checker.stateOf(targetKey('b', 1)) === 'unhealthy',
      );
      expect(seen.find((t) => t.target.address === 'b')).to.deep.include({
        from: 'unknown',
        to: 'unhealthy',
        lastError: 'HTTP 503',
      });
      expect(checker.stateOf(targetKey('hang', 1))).to.equal('unknown');
      results.set('b', { ok: true });
      await waitFor('b back', () => checker.stateOf(targetKey('b', 1)) === 'healthy');
      checker.updateTargets([], [targetKey('hang', 1), targetKey('b', 1)]);
      expect(checker.statuses().map((s) => s.target.address)).to.deep.equal(['a']);
      expect(checker.stateOf(targetKey('a', 1))).to.equal('healthy');
    } finally {
      checker.stop();
    }
  });
});
