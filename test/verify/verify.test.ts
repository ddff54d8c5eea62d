import { expect } from 'chai';
import fc from 'fast-check';
import type { ObservedRoute, ObservedRouterState, ObservedSession } from '../../src/sync/verify/observed.js';
import { verify } from '../../src/sync/verify/verify.js';
import type { RouteCheck } from '../../src/sync/verify/verification.js';
import { seedConfig, seedPeer, seedPlan } from './seed-inputs.js';
import { nextHopsOf, routeAddressOf, routePrefixOf } from '../support/routes.js';

function session(neighbor: string, overrides: Partial<ObservedSession> = {}): ObservedSession {
  return {
    neighbor,
    remoteAs: 64500,
    state: 'Established',
    prefixesReceived: 1,
    upDownText: '3d12h38m',
    ...overrides,
  };
}

function bgpRoute(prefix: string, via: string[], overrides: Partial<ObservedRoute> = {}): ObservedRoute {
  return {
    prefix,
    family: 4,
    codes: 'B>*',
    selected: true,
    installed: true,
    nextHops: via.map((address) => ({ address, fib: true, active: true })),
    ageText: '00:00:12',
    ...overrides,
  };
}

/** What the seed router shows: both sessions up, the three routes as planned. */
function seedObserved(): ObservedRouterState {
  return {
    routerId: '192.168.198.254',
    localAs: 64501,
    sessions: [session('192.168.201.11'), session('192.168.201.12', { prefixesReceived: 2 })],
    routes: [
      bgpRoute('192.168.197.0/32', ['192.168.201.11']),
      bgpRoute('192.168.197.1/32', ['192.168.201.12']),
      bgpRoute('192.168.197.254/32', ['192.168.201.12']),
    ],
  };
}

/** The seed's plan and config checked against `observed`. */
function verifySeed(observed: ObservedRouterState) {
  return verify({ plan: seedPlan(), config: seedConfig(), observed });
}

function routeRow(rows: RouteCheck[], prefix: string): RouteCheck {
  const row = rows.find((r) => r.prefix === prefix);
  if (row === undefined) throw new Error(`no row for ${prefix}`);
  return row;
}

describe('verify', () => {
  it('finds the seed router in line with the plan', () => {
    const v = verifySeed(seedObserved());
    expect(v.summary.status).to.equal('ok');
    expect(v.sessions.map((s) => [s.neighbor, s.verdict])).to.deep.equal([
      ['192.168.201.11', 'ok'],
      ['192.168.201.12', 'ok'],
    ]);
    expect(v.routes.map((r) => [r.prefix, r.services.join(), r.verdict])).to.deep.equal([
      ['192.168.197.0/32', 'default/nginx', 'ok'],
      ['192.168.197.1/32', 'default/test-service', 'ok'],
      ['192.168.197.254/32', 'default/test-service-3', 'ok'],
    ]);
    expect(v.summary.routes).to.include({ total: 3, ok: 3 });
    expect(v.peers).to.deep.equal(['peer-192.168.200.1']);
  });

  it('a next hop withdrawn by health checks: ok, with the probe error per next hop; fail open says so', () => {
    const plan = seedPlan();
    const routes = plan.peers[0]!.routes;
    routes[1] = {
      ...routes[1]!,
      health: {
        unhealthy: [{ nextHop: routeAddressOf('192.168.201.11'), error: 'ECONNREFUSED' }],
        failedOpen: false,
      },
    };
    routes[2] = {
      ...routes[2]!,
      health: {
        unhealthy: [{ nextHop: routeAddressOf('192.168.201.12'), error: 'HTTP 503' }],
        failedOpen: true,
      },
    };
    const v = verify({ plan, config: seedConfig(), observed: seedObserved() });
    expect(routeRow(v.routes, '192.168.197.1/32')).to.deep.include({
      verdict: 'ok',
      expectedNextHops: ['192.168.201.12'],
      unhealthy: [{ nextHop: '192.168.201.11', error: 'ECONNREFUSED' }],
      detail: 'unhealthy, withdrawn by health check: 192.168.201.11 (ECONNREFUSED)',
    });
    expect(routeRow(v.routes, '192.168.197.254/32')).to.deep.include({
      verdict: 'ok',
      detail: 'every next hop fails its health check, all announced (fail open): 192.168.201.12 (HTTP 503)',
    });
    expect(v.summary.status).to.equal('ok');
  });

  it('reports a planned prefix the router lacks as missing', () => {
    const observed = seedObserved();
    observed.routes.splice(1, 1);
    const v = verifySeed(observed);
    const row = routeRow(v.routes, '192.168.197.1/32');
    expect(row).to.include({ verdict: 'missing', codes: '' });
    expect(row.services).to.deep.equal(['default/test-service']);
    expect(v.summary).to.deep.include({ status: 'drift' });
    expect(v.summary.routes).to.include({ missing: 1, ok: 2 });
  });

  it('reports a route via another node as wrong-nexthop', () => {
    const observed = seedObserved();
    observed.routes[0] = bgpRoute('192.168.197.0/32', ['192.168.201.12']);
    const row = routeRow(verifySeed(observed).routes, '192.168.197.0/32');
    expect(row.verdict).to.equal('wrong-nexthop');
    expect(row.detail).to.contain('192.168.201.12').and.contain('missing 192.168.201.11');
  });

  it('reports an extra next hop next to the right one as wrong-nexthop', () => {
    const observed = seedObserved();
    observed.routes[0] = bgpRoute('192.168.197.0/32', ['192.168.201.11', '192.168.201.12']);
    const row = routeRow(verifySeed(observed).routes, '192.168.197.0/32');
    expect(row.verdict).to.equal('wrong-nexthop');
    expect(row.actualNextHops).to.deep.equal(['192.168.201.11', '192.168.201.12']);
  });

  it('reports one path of two as ecmp-incomplete', () => {
    const plan = seedPlan();
    plan.peers[0]!.routes[0]!.nextHops = nextHopsOf(['192.168.201.11', '192.168.201.12']);
    const row = routeRow(
      verify({ plan, config: seedConfig(), observed: seedObserved() }).routes,
      '192.168.197.0/32',
    );
    expect(row.verdict).to.equal('ecmp-incomplete');
    expect(row.detail).to.equal('1 of 2 next hops; missing 192.168.201.12');
  });

  it('reports a BGP route in our pool that the plan does not want as unexpected, naming its owner', () => {
    const plan = seedPlan();
    plan.allocations.push({ service: 'default/idle', ips: ['192.168.197.7'], pools: ['default'] });
    plan.issues.push({ service: 'default/idle', message: 'no ready endpoints' });
    const observed = seedObserved();
    observed.routes.push(bgpRoute('192.168.197.7/32', ['192.168.201.12']));
    observed.routes.push(bgpRoute('10.1.0.0/16', ['192.168.201.99']));
    const v = verify({ plan, config: seedConfig(), observed });
    const row = routeRow(v.routes, '192.168.197.7/32');
    expect(row).to.include({ verdict: 'unexpected' });
    expect(row.services).to.deep.equal(['default/idle']);
    expect(v.routes.map((r) => r.prefix)).to.not.include('10.1.0.0/16');
    expect(v.notes).to.deep.include({ subject: 'default/idle', message: 'no ready endpoints' });
  });

  it('counts a route outside our pools from one of our sessions as unexpected', () => {
    const observed = seedObserved();
    observed.routes.push(bgpRoute('10.2.0.0/24', ['192.168.201.11']));
    const row = routeRow(verifySeed(observed).routes, '10.2.0.0/24');
    expect(row.verdict).to.equal('unexpected');
  });

  it('reports a rejected or unselected route as not-in-fib', () => {
    const observed = seedObserved();
    observed.routes[1] = bgpRoute('192.168.197.1/32', ['192.168.201.12'], { codes: 'B>r', installed: false });
    observed.routes[2] = bgpRoute('192.168.197.254/32', ['192.168.201.12'], {
      codes: 'B',
      selected: false,
      installed: false,
    });
    const v = verifySeed(observed);
    expect(routeRow(v.routes, '192.168.197.1/32')).to.include({ verdict: 'not-in-fib', codes: 'B>r' });
    expect(routeRow(v.routes, '192.168.197.254/32').detail).to.contain('not selected');
  });

  it('reports a next hop the FIB lacks as not-in-fib', () => {
    const observed = seedObserved();
    observed.routes[0]!.nextHops[0]!.fib = false;
    const row = routeRow(verifySeed(observed).routes, '192.168.197.0/32');
    expect(row.verdict).to.equal('not-in-fib');
  });

  it('prefers the selected entry when a prefix has several BGP entries', () => {
    const observed = seedObserved();
    observed.routes.unshift(
      bgpRoute('192.168.197.0/32', ['192.168.201.99'], { codes: 'B', selected: false, installed: false }),
    );
    const row = routeRow(verifySeed(observed).routes, '192.168.197.0/32');
    expect(row.verdict).to.equal('ok');
  });

  it('reports an Established session whose End-of-RIB the router still awaits as restarting (drift)', () => {
    const observed = seedObserved();
    observed.sessions[0] = { ...observed.sessions[0]!, endOfRibAwaited: [4] };
    const v = verifySeed(observed);
    expect(v.sessions[0]).to.include({
      neighbor: '192.168.201.11',
      verdict: 'restarting',
      state: 'Established',
    });
    expect(v.sessions[0]!.detail).to.contain('IPv4 End-of-RIB').and.contain('RFC 4724 section 4.2');
    expect(v.summary.status).to.equal('drift');
    expect(v.summary.sessions).to.include({ ok: 1, restarting: 1 });
    // The routes are judged as ever: the report shows what the router holds meanwhile.
    expect(v.summary.routes.ok).to.equal(v.summary.routes.total);
  });

  it('reports a session that is not Established as down', () => {
    const observed = seedObserved();
    observed.sessions[1] = session('192.168.201.12', { state: 'Active', upDownText: 'never' });
    delete observed.sessions[1].prefixesReceived;
    const v = verifySeed(observed);
    expect(v.sessions[1]).to.include({ neighbor: '192.168.201.12', verdict: 'down', state: 'Active' });
    expect(v.summary.sessions).to.include({ ok: 1, down: 1 });
    expect(v.summary.status).to.equal('drift');
  });

  it('reports no neighbor in our AS as one missing session, citing the running config', () => {
    const observed = seedObserved();
    observed.sessions = [session('192.168.201.11', { remoteAs: 65000 })];
    observed.configuredNeighbors = [{ neighbor: '192.168.201.11', remoteAs: 65000 }];
    const v = verifySeed(observed);
    expect(v.sessions).to.have.length(1);
    expect(v.sessions[0]).to.include({ neighbor: '*', verdict: 'missing', expectedAs: 64500 });
    expect(v.sessions[0]!.detail).to.contain('nor in the running config');
  });

  it('expects exactly our source address when it is known', () => {
    const config = seedConfig([seedPeer({ sourceAddress: '192.168.201.50' })]);
    const observed = seedObserved();
    observed.configuredNeighbors = [{ neighbor: '192.168.201.50', remoteAs: 64500 }];
    const v = verify({ plan: seedPlan(), config, observed });
    expect(v.sessions).to.have.length(1);
    expect(v.sessions[0]).to.include({ neighbor: '192.168.201.50', verdict: 'missing' });
    expect(v.sessions[0]!.detail).to.contain('running config has "neighbor 192.168.201.50 remote-as 64500"');
    observed.sessions.push(session('192.168.201.50'));
    expect(verify({ plan: seedPlan(), config, observed }).sessions[0]!.verdict).to.equal('ok');
  });

  it("checks only the peers whose peer ASN is the router's AS", () => {
    const other = seedPeer({
      name: 'other-router',
      peerAddress: '192.168.200.2',
      peerAsn: 65010,
      myAsn: 64999,
    });
    const plan = seedPlan();
    plan.peers.push({
      peer: 'other-router',
      peerAddress: '192.168.200.2',
      routes: [
        {
          prefix: routePrefixOf('192.168.197.9/32'),
          family: 4,
          nextHops: nextHopsOf(['192.168.201.11']),
          communities: [],
          largeCommunities: [],
          services: ['x/y'],
        },
      ],
    });
    const v = verify({ plan, config: seedConfig([seedPeer(), other]), observed: seedObserved() });
    expect(v.peers).to.deep.equal(['peer-192.168.200.1']);
    expect(v.summary.status).to.equal('ok');
  });

  it('notes when the router AS matches no peer and then checks every peer', () => {
    const observed = seedObserved();
    observed.localAs = 65999;
    const v = verifySeed(observed);
    expect(v.peers).to.deep.equal(['peer-192.168.200.1']);
    expect(v.notes[0]).to.include({ subject: 'router' });
  });

  it('gives the same answer whatever order the router lists things in', () => {
    const base = verifySeed(seedObserved());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
        const observed = seedObserved();
        const rotate = <T>(xs: T[]): T[] => xs.map((_, i) => xs[(i + seed) % xs.length] as T);
        observed.routes = rotate(observed.routes);
        observed.sessions = rotate(observed.sessions);
        expect(verifySeed(observed)).to.deep.equal(base);
      }),
    );
  });

  it('finds a router that carries exactly the plan clean, for any plan', () => {
    const hostArb = fc.integer({ min: 0, max: 255 });
    const routesArb = fc.uniqueArray(
      fc.record({
        host: hostArb,
        hops: fc.uniqueArray(fc.integer({ min: 11, max: 14 }), { minLength: 1, maxLength: 3 }),
      }),
      { selector: (r) => r.host, maxLength: 40 },
    );
    fc.assert(
      fc.property(routesArb, (spec) => {
        const plan = seedPlan();
        plan.peers[0]!.routes = spec.map((r) => ({
          prefix: routePrefixOf(`192.168.197.${r.host}/32`),
          family: 4 as const,
          nextHops: nextHopsOf(r.hops.map((h) => `192.168.201.${h}`)),
          communities: [],
          largeCommunities: [],
          services: [`ns/svc-${r.host}`],
        }));
        const observed = seedObserved();
        observed.routes = spec.map((r) =>
          bgpRoute(
            `192.168.197.${r.host}/32`,
            [...r.hops].reverse().map((h) => `192.168.201.${h}`),
          ),
        );
        const v = verify({ plan, config: seedConfig(), observed });
        expect(v.summary.routes.ok).to.equal(spec.length);
        expect(v.summary.status).to.equal('ok');
      }),
    );
  });
});

describe('verify: how many paths the router can hold (ADD-PATH, path slots)', () => {
  const SLOTS = ['192.168.201.50', '192.168.201.51'];
  /** Sessions without ADD-PATH, as from-records reads them from Quagga's neighbor details. */
  const plain = (neighbor: string, state = 'Established') =>
    session(neighbor, { state, multiPathFamilies: [] });
  const planVia = (hops: string[]) => {
    const plan = seedPlan();
    plan.peers[0]!.routes[0]!.nextHops = nextHopsOf(hops);
    return plan;
  };
  const NODES = ['192.168.201.11', '192.168.201.12', '192.168.201.13'];

  function check(opts: { sessions: ObservedSession[]; hops: string[]; via: string[]; slots?: string[] }) {
    const observed = seedObserved();
    observed.sessions = opts.sessions;
    observed.routes[0] = bgpRoute('192.168.197.0/32', opts.via);
    const config = seedConfig([
      seedPeer(opts.slots === undefined ? {} : { sourceAddresses: opts.slots, sourceAddress: opts.slots[0] }),
    ]);
    const v = verify({ plan: planVia(opts.hops), config, observed });
    return { v, row: routeRow(v.routes, '192.168.197.0/32') };
  }

  it('one session without ADD-PATH: one of two next hops is ok, the report says why', () => {
    const { v, row } = check({
      sessions: [plain('192.168.201.11')],
      hops: NODES.slice(0, 2),
      via: [NODES[1]!],
    });
    expect(row).to.deep.include({
      verdict: 'ok',
      notCarried: ['192.168.201.11'],
      detail: 'single path: the session has no ADD-PATH; 1 of 2 next hops (192.168.201.11 not carried)',
    });
    expect(v.summary.status).to.equal('ok');
    expect(v.notes).to.deep.include({
      subject: 'router',
      message:
        "1 route(s) carry fewer next hops than planned, as the sessions allow (see each route's detail): 192.168.197.0/32",
    });
  });

  it('with ADD-PATH one session can carry every next hop: one of two is ecmp-incomplete', () => {
    const { row } = check({
      sessions: [session('192.168.201.11', { multiPathFamilies: [4] })],
      hops: NODES.slice(0, 2),
      via: [NODES[0]!],
    });
    expect(row.verdict).to.equal('ecmp-incomplete');
    expect(row.notCarried).to.equal(undefined);
  });

  it('expects one session per slot address', () => {
    const { v } = check({ sessions: [plain(SLOTS[0]!)], hops: [NODES[0]!], via: [NODES[0]!], slots: SLOTS });
    expect(v.sessions.map((s) => [s.neighbor, s.verdict])).to.deep.equal([
      ['192.168.201.50', 'ok'],
      ['192.168.201.51', 'missing'],
    ]);
  });

  it('two slots, three next hops: two held is ok and names the one not carried', () => {
    const { v, row } = check({
      sessions: SLOTS.map((a) => plain(a)),
      hops: NODES,
      via: [NODES[2]!, NODES[0]!],
      slots: SLOTS,
    });
    expect(row).to.deep.include({
      verdict: 'ok',
      notCarried: ['192.168.201.12'],
      detail: '2 slots, no ADD-PATH; 2 of 3 next hops (192.168.201.12 not carried)',
    });
    expect(v.summary.status).to.equal('ok');
  });

  it('two slots, two next hops: one held is ecmp-incomplete (the router could hold both)', () => {
    const { row } = check({
      sessions: SLOTS.map((a) => plain(a)),
      hops: NODES.slice(0, 2),
      via: [NODES[0]!],
      slots: SLOTS,
    });
    expect(row.verdict).to.equal('ecmp-incomplete');
    expect(row.detail).to.equal('1 of 2 next hops; missing 192.168.201.12');
  });

  it('a slot session down: the route holds what the sessions up can carry; the session is drift', () => {
    const { v, row } = check({
      sessions: [plain(SLOTS[0]!), plain(SLOTS[1]!, 'Active')],
      hops: NODES.slice(0, 2),
      via: [NODES[1]!],
      slots: SLOTS,
    });
    expect(row).to.deep.include({
      verdict: 'ok',
      detail: '1 of 2 slots up, no ADD-PATH; 1 of 2 next hops (192.168.201.11 not carried)',
    });
    expect(v.sessions.map((s) => s.verdict)).to.deep.equal(['ok', 'down']);
    expect(v.summary.status).to.equal('drift');
  });
});

describe('verify (IPv6)', () => {
  it('matches prefixes and next hops whatever way the addresses are spelled', async () => {
    const { observedFromRecords } = await import('../../src/sync/verify/from-records.js');
    const plan = seedPlan();
    plan.peers[0]!.routes = [
      {
        prefix: routePrefixOf('2001:db8:197::1/128'),
        family: 6,
        nextHops: nextHopsOf(['2001:db8:201::11']),
        communities: [],
        largeCommunities: [],
        services: ['default/v6'],
      },
    ];
    const observed = observedFromRecords({
      summary: [],
      routes: [
        {
          prefix: '2001:DB8:197:0:0:0:0:1/128',
          family: 6,
          protocolCode: 'B',
          selected: true,
          fib: true,
          queued: false,
          rejected: false,
          nextHops: [{ address: '2001:db8:201:0::11', fib: true, directlyConnected: false, active: true }],
          uptimeText: '00:00:02',
          uptimeSec: 2,
        },
      ],
    });
    const v = verify({ plan, config: seedConfig(), observed });
    expect(v.routes.map((r) => [r.prefix, r.verdict])).to.deep.equal([['2001:db8:197::1/128', 'ok']]);
  });
});
