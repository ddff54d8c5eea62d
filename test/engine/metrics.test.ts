import { expect } from 'chai';
import { Metrics, type PoolFigures } from '../../src/observability/metrics.js';
import type { SessionStatus } from '../../src/sync/run-status.js';

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

describe('observability: sessions and routes per peer read when /metrics is read', () => {
  it('reads the sessions at each scrape, and counts only the latest plan, once', async () => {
    const metrics = new Metrics();
    let reads = 0;
    let state: SessionStatus = {
      peer: 'core',
      peerAddress: '192.168.201.1',
      peerPort: 179,
      state: 'Active',
      established: false,
      announcedPrefixes: 0,
    };
    metrics.setSessionsWhenRead(() => {
      reads++;
      return [state];
    });
    const counted: number[] = [];
    const plan = (routes: number) => () => {
      counted.push(routes);
      return new Map([['core', routes]]);
    };
    metrics.setRoutesAnnouncedWhenRead(plan(1));
    metrics.setRoutesAnnouncedWhenRead(plan(2));
    expect([reads, counted]).to.deep.equal([0, []]);

    expect(await metrics.text()).to.include('crs_bgp_session_up{peer="core"} 0');
    state = { ...state, state: 'Established', established: true, announcedPrefixes: 2 };
    const text = await metrics.text();
    expect(text).to.include('crs_bgp_session_up{peer="core"} 1');
    expect(text).to.include('crs_bgp_session_state{peer="core",state="Established"} 1');
    expect(text).to.include('metallb_bgp_announced_prefixes_total{peer="192.168.201.1:179"} 2');
    expect(text).to.include('crs_bgp_routes_announced{peer="core"} 2');
    expect(counted).to.deep.equal([2]);
  });
});
