/**
 * MetalLB's allocator gauges (internal/allocator/stats.go: metallb_allocator_addresses_total,
 * _in_use_total and their ipv4_/ipv6_ variants, labelled by pool) are offered alongside ours, so
 * a MetalLB Grafana dashboard keeps reading the same series.
 */
import { expect } from 'chai';
import { Metrics } from '../../src/observability/metrics.js';
import { poolUsage } from '../../src/observability/pool-usage.js';
import { pool } from '../sync/builders.js';

describe('parity with MetalLB: allocator metric names', () => {
  it('MetalLB stats.go: per pool and per family in-use and usable counts under MetalLB names', async () => {
    const metrics = new Metrics();
    metrics.setPools(
      poolUsage(
        [
          pool('v4', ['10.0.0.0/24'], { avoidBuggyIps: true }),
          pool('dual', ['10.0.1.0/30', '2001:db8::/64']),
        ],
        [
          { service: 'a/x', ips: ['10.0.0.1'], pools: ['v4'] },
          { service: 'a/y', ips: ['10.0.1.0', '2001:db8::'], pools: ['dual', 'dual'] },
          { service: 'a/z', ips: ['10.0.1.0'], pools: ['dual'] },
        ],
      ),
    );
    const lines = (await metrics.text()).split('\n').filter((l) => l.startsWith('metallb_allocator'));
    expect(lines).to.include.members([
      'metallb_allocator_addresses_in_use_total{pool="v4"} 1',
      'metallb_allocator_addresses_total{pool="v4"} 254',
      'metallb_allocator_ipv4_addresses_in_use_total{pool="v4"} 1',
      'metallb_allocator_ipv4_addresses_total{pool="v4"} 254',
      'metallb_allocator_ipv6_addresses_total{pool="v4"} 0',
      'metallb_allocator_addresses_in_use_total{pool="dual"} 2',
      'metallb_allocator_ipv4_addresses_in_use_total{pool="dual"} 1',
      'metallb_allocator_ipv6_addresses_in_use_total{pool="dual"} 1',
      'metallb_allocator_ipv4_addresses_total{pool="dual"} 4',
      'metallb_allocator_ipv6_addresses_total{pool="dual"} 18446744073709552000',
    ]);
  });
});
