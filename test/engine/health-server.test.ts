import { expect } from 'chai';
import { Metrics } from '../../src/observability/metrics.js';
import { poolSize } from '../../src/observability/pool-usage.js';
import { startHealthServer, type HealthServer } from '../../src/observability/health-server.js';

describe('observability: health and metrics server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves /metrics, /healthz and /readyz on a loopback port', async () => {
    const metrics = new Metrics();
    metrics.setPools([{ pool: 'default', inUse: 3, total: 256 }]);
    let reasons = ['initial sync not done'];
    server = await startHealthServer({ address: '127.0.0.1:0', metrics, readiness: () => reasons });
    const base = `http://${server.address}`;

    const m = await fetch(`${base}/metrics`);
    expect(m.status).to.equal(200);
    expect(m.headers.get('content-type')).to.match(/^text\/plain/);
    const body = await m.text();
    expect(body).to.include('metallb_allocator_addresses_in_use_total{pool="default"} 3');
    expect(body).to.include('crs_pool_usage_ratio{pool="default"} 0.01171875');

    expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).to.equal(503);
    expect(await notReady.text()).to.include('initial sync not done');
    reasons = [];
    expect((await fetch(`${base}/readyz`)).status).to.equal(200);
    expect((await fetch(`${base}/nope`)).status).to.equal(404);
  });

  it('counts usable pool addresses as MetalLB does, without .0/.255 when avoidBuggyIps', () => {
    const range = (text: string, first: bigint, last: bigint) => ({ text, family: 4 as const, first, last });
    const pool = (avoidBuggyIps: boolean) => ({
      name: 'p',
      protocol: 'bgp' as const,
      addresses: [
        range('10.0.0.0/23', 0x0a000000n, 0x0a0001ffn),
        range('10.0.5.10-10.0.5.20', 0x0a00050an, 0x0a000514n),
      ],
      autoAssign: true,
      avoidBuggyIps,
      bgpAdvertisements: [],
    });
    expect(poolSize(pool(false))).to.equal(512 + 11);
    expect(poolSize(pool(true))).to.equal(512 - 4 + 11);
  });
});
