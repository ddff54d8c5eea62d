import { expect } from 'chai';
import fc from 'fast-check';
import { filterNextHops, probeTargets } from './from-scratch.js';
import {
  INITIAL_TARGET_STATE,
  nextTargetState,
  type HealthState,
  type TargetState,
} from '../../src/health/target-state.js';
import { targetKey } from '../../src/health/targets.js';
import { service } from '../sync/builders.js';
import { nextHopsOf, plannedRouteOf, routeAddressOf } from '../support/routes.js';

const route = plannedRouteOf;

describe('health: probe targets', () => {
  const local = service('web', { externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 });
  const cluster = service('api');
  const cluster2 = service('db');

  it('Local: (node, healthCheckNodePort); Cluster: (node, nodeHealthPort)', () => {
    const plan = probeTargets(
      [
        route('10.0.0.1/32', ['192.0.2.1', '192.0.2.2'], ['default/web']),
        route('10.0.0.2/32', ['192.0.2.1'], ['default/api']),
      ],
      [local, cluster],
      10256,
    );
    expect(plan.targets.map((t) => [t.address, t.port, t.services])).to.deep.equal([
      ['192.0.2.1', 10256, ['default/api']],
      ['192.0.2.1', 31000, ['default/web']],
      ['192.0.2.2', 31000, ['default/web']],
    ]);
    expect(plan.routes.get('10.0.0.1/32')?.get('192.0.2.2')).to.deep.equal([targetKey('192.0.2.2', 31000)]);
  });

  it('one target per node for any number of Cluster services and peers', () => {
    const routes = [
      route('10.0.0.1/32', ['192.0.2.1'], ['default/api']),
      route('10.0.0.2/32', ['192.0.2.1'], ['default/db']),
      route('10.0.0.1/32', ['192.0.2.1'], ['default/api']),
    ];
    const plan = probeTargets(routes, [cluster, cluster2], 10256);
    expect(plan.targets).to.have.length(1);
    expect(plan.targets[0]!.services).to.deep.equal(['default/api', 'default/db']);
  });

  it('a Local service without a healthCheckNodePort, or one unknown, is probed on the node port', () => {
    const bare = service('bare', { externalTrafficPolicy: 'Local' });
    const plan = probeTargets(
      [route('10.0.0.3/32', ['192.0.2.1'], ['default/bare', 'other/gone'])],
      [bare],
      10256,
    );
    expect(plan.targets.map((t) => t.key)).to.deep.equal([targetKey('192.0.2.1', 10256)]);
  });
});

describe('health: target state', () => {
  const t = { healthyThreshold: 2, unhealthyThreshold: 2 };
  const fail = { ok: false as const, error: 'HTTP 503' };

  it('unknown -> unhealthy after unhealthyThreshold failures, back after healthyThreshold successes', () => {
    let s: TargetState = INITIAL_TARGET_STATE;
    s = nextTargetState(s, fail, t);
    expect(s.state).to.equal('unknown');
    s = nextTargetState(s, fail, t);
    expect(s).to.deep.equal({ state: 'unhealthy', successes: 0, failures: 2, lastError: 'HTTP 503' });
    s = nextTargetState(s, { ok: true }, t);
    expect(s.state).to.equal('unhealthy');
    s = nextTargetState(s, { ok: true }, t);
    expect(s.state).to.equal('healthy');
    expect(s.lastError).to.equal('HTTP 503');
  });

  it('an interrupted run starts counting again (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (results, up, down) => {
          let s: TargetState = INITIAL_TARGET_STATE;
          let run = 0;
          let last: boolean | undefined;
          let expected: HealthState = 'unknown';
          for (const ok of results) {
            run = ok === last ? run + 1 : 1;
            last = ok;
            if (ok && run >= up) expected = 'healthy';
            if (!ok && run >= down) expected = 'unhealthy';
            s = nextTargetState(s, ok ? { ok: true } : fail, {
              healthyThreshold: up,
              unhealthyThreshold: down,
            });
            expect(s.state).to.equal(expected);
          }
        },
      ),
    );
  });
});

describe('health: next-hop filter', () => {
  const routes = [
    route('10.0.0.1/32', ['192.0.2.1', '192.0.2.2'], ['default/api']),
    route('10.0.0.2/32', ['192.0.2.1'], ['default/db']),
  ];
  const plan = probeTargets(routes, [service('api'), service('db')], 10256);
  const states =
    (bad: string[]) =>
    (key: string): HealthState =>
      bad.some((a) => key === targetKey(a, 10256)) ? 'unhealthy' : 'healthy';

  it('keeps the same array and objects when everything is healthy', () => {
    const out = filterNextHops(routes, plan.routes, states([]));
    expect(out.routes).to.equal(routes);
    expect(out.failedOpen).to.deep.equal([]);
  });

  it('removes an unhealthy next hop; a prefix left with none keeps them all and is flagged', () => {
    const out = filterNextHops(routes, plan.routes, states(['192.0.2.1']));
    expect(out.routes[0]!.nextHops).to.deep.equal(nextHopsOf(['192.0.2.2']));
    expect(out.routes[0]!.health).to.deep.equal({
      unhealthy: [{ nextHop: routeAddressOf('192.0.2.1'), error: 'no error recorded' }],
      failedOpen: false,
    });
    expect(out.routes[1]).to.deep.equal({
      ...routes[1],
      health: {
        unhealthy: [{ nextHop: routeAddressOf('192.0.2.1'), error: 'no error recorded' }],
        failedOpen: true,
      },
    });
    expect([...out.removed]).to.deep.equal([['10.0.0.1/32', nextHopsOf(['192.0.2.1'])]]);
    expect(out.failedOpen).to.deep.equal([{ prefix: '10.0.0.2/32', nextHops: nextHopsOf(['192.0.2.1']) }]);
  });

  it("carries each unhealthy next hop's last probe error", () => {
    const out = filterNextHops(routes, plan.routes, states(['192.0.2.2']), () => 'HTTP 503');
    expect(out.routes[0]!.health?.unhealthy).to.deep.equal([
      { nextHop: routeAddressOf('192.0.2.2'), error: 'HTTP 503' },
    ]);
  });

  it('a next hop of a shared IP stays while one of its targets is healthy', () => {
    const local = service('web', { externalTrafficPolicy: 'Local', healthCheckNodePort: 31000 });
    const shared = [route('10.0.0.3/32', ['192.0.2.1', '192.0.2.2'], ['default/api', 'default/web'])];
    const p = probeTargets(shared, [service('api'), local], 10256);
    const only31000Bad = (key: string): HealthState =>
      key === targetKey('192.0.2.1', 31000) ? 'unhealthy' : 'healthy';
    expect(filterNextHops(shared, p.routes, only31000Bad).routes).to.equal(shared);
  });
});
