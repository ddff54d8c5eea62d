import { expect } from 'chai';
import { Metrics, type PoolFigures } from '../../src/observability/metrics.js';

describe('observability: pool figures computed when /metrics is read', () => {
  it('computes only the latest allocations, once, and only when read', async () => {
    const metrics = new Metrics();
    const computed: string[] = [];
    const figures =
      (name: string, inUse: number): (() => PoolFigures) =>
      () => {
        computed.push(name);
        return {
          usage: [{ pool: 'default', inUse, total: 256 }],
          failures: new Map([['pool-exhausted', inUse]]),
        };
      };
    metrics.setPoolFiguresWhenRead(figures('first', 1));
    metrics.setPoolFiguresWhenRead(figures('second', 2));
    expect(computed).to.deep.equal([]);
    const text = await metrics.text();
    expect(text).to.include('crs_pool_allocated_addresses{pool="default"} 2');
    expect(text).to.include('crs_allocation_failures{reason="pool-exhausted"} 2');
    await metrics.text();
    expect(computed).to.deep.equal(['second']);
  });
});
