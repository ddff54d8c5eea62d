import { expect } from 'chai';
import { routerVerifier } from '../../src/app/engine/router-verifier.js';
import type { ObservedRouterState } from '../../src/sync/verify/observed.js';
import type { Plan } from '../../src/sync/plan-types.js';
import { config } from './fakes.js';
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

const PEER = 'peer-192.168.200.1';

const plan: Plan = {
  allocations: [
    { service: 'default/nginx', ips: ['192.168.197.0'], pools: ['default'] },
    { service: 'default/test-service', ips: ['192.168.197.1'], pools: ['default'] },
  ],
  peers: [
    {
      peer: PEER,
      peerAddress: '192.168.200.1',
      routes: [
        route('192.168.197.0/32', ['192.168.201.11'], 'default/nginx'),
        route('192.168.197.1/32', ['192.168.201.12'], 'default/test-service'),
      ],
    },
  ],
  issues: [],
};

function route(prefix: string, nextHops: string[], service: string) {
  return {
    prefix: routePrefixOf(prefix),
    family: 4 as const,
    nextHops: nextHopsOf(nextHops),
    communities: [],
    largeCommunities: [],
    services: [service],
  };
}

function observedRoute(prefix: string, via: string) {
  return {
    prefix,
    family: 4 as const,
    codes: 'B>*',
    selected: true,
    installed: true,
    nextHops: [{ address: via, fib: true, active: true }],
    ageText: '00:00:05',
  };
}

function observe(state: ObservedRouterState) {
  return { observe: async () => state };
}

describe('engine: verification through the router', () => {
  it('is ok when the router carries exactly our routes over an established session', async () => {
    const v = await routerVerifier(
      config(),
      observe({
        routerId: '192.168.198.254',
        localAs: 64501,
        sessions: [
          {
            neighbor: '192.168.201.2',
            remoteAs: 64500,
            state: 'Established',
            prefixesReceived: 2,
            upDownText: '00:01:00',
          },
        ],
        routes: [
          observedRoute('192.168.197.0/32', '192.168.201.11'),
          observedRoute('192.168.197.1/32', '192.168.201.12'),
        ],
      }),
    ).verify(plan);
    expect(v.verdict).to.equal('ok');
    expect(v.findings).to.deep.equal([]);
    expect(v.report.routes.map((r) => r.verdict)).to.deep.equal(['ok', 'ok']);
  });

  it('classifies missing and wrong-next-hop routes, and a session that is down', async () => {
    const v = await routerVerifier(
      config(),
      observe({
        localAs: 64501,
        sessions: [{ neighbor: '192.168.201.2', remoteAs: 64500, state: 'Active', upDownText: 'never' }],
        routes: [observedRoute('192.168.197.1/32', '192.168.201.13')],
      }),
    ).verify(plan);
    expect(v.verdict).to.equal('drift');
    expect(v.findings.map((f) => [f.kind, f.peer, f.prefix])).to.deep.equal([
      ['session-down', PEER, undefined],
      ['route-missing', PEER, '192.168.197.0/32'],
      ['next-hop-mismatch', PEER, '192.168.197.1/32'],
    ]);
  });

  it('calls an unexpected route ours to withdraw only when our session carries more paths than we sent', async () => {
    const state = (prefixesReceived: number): ObservedRouterState => ({
      localAs: 64501,
      sessions: [
        {
          neighbor: '192.168.201.2',
          remoteAs: 64500,
          state: 'Established',
          prefixesReceived,
          upDownText: '00:01:00',
        },
      ],
      routes: [
        observedRoute('192.168.197.0/32', '192.168.201.11'),
        observedRoute('192.168.197.1/32', '192.168.201.12'),
        observedRoute('192.168.197.9/32', '192.168.201.12'),
      ],
    });
    const leftover = await routerVerifier(config(), observe(state(3))).verify(plan);
    expect(leftover.findings.map((f) => [f.kind, f.prefix])).to.deep.equal([
      ['route-unwanted', '192.168.197.9/32'],
    ]);
    const foreign = await routerVerifier(config(), observe(state(2))).verify(plan);
    expect(foreign.findings.map((f) => [f.kind, f.prefix])).to.deep.equal([['other', '192.168.197.9/32']]);
  });

  it('calls a session the router does not know at all a missing neighbor', async () => {
    const cfg = config();
    cfg.speaker.listenAddress = '192.168.201.2';
    const v = await routerVerifier(
      cfg,
      observe({ localAs: 64501, sessions: [], routes: [], configuredNeighbors: [] }),
    ).verify({ ...plan, peers: [{ ...plan.peers[0]!, routes: [] }] });
    expect(v.findings.map((f) => [f.kind, f.peer])).to.deep.equal([['neighbor-missing', PEER]]);
  });
});
