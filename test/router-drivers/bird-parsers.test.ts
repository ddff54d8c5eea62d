import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import { birdcInvocation } from '../../src/router-drivers/bird/birdc-invocation.js';
import { parseBirdProtocols } from '../../src/router-drivers/bird/parse-protocols.js';
import { parseBirdRoutes } from '../../src/router-drivers/bird/parse-routes.js';
import { parseBirdStatus } from '../../src/router-drivers/bird/parse-status.js';
import { birdNeighbors, birdRouteEntries, birdSummaries } from '../../src/router-drivers/bird/records.js';
import { RouterCommandError, RouterOutputParseError } from '../../src/router-drivers/errors.js';
import { expectParseError } from './expect-parse-error.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;
const read = (version: string, scenario: string, file: string) =>
  readFileSync(`${fixtures}bird-${version}/${scenario}/${file}`, 'utf8');
const SCENARIOS = [
  'in-sync',
  'route-missing',
  'wrong-nexthop',
  'unexpected-route',
  'ecmp-incomplete',
  'not-in-fib',
  'session-down',
];

/** A scenario's RouteEntry rows, as prefix -> [codes, next hops with `*` for the FIB ones]. */
function routeRows(version: string, scenario: string): Record<string, [string, string[]]> {
  const rib = parseBirdRoutes('show route all', read(version, scenario, 'show_route_all.txt'));
  const exported = parseBirdRoutes(
    'show route export kernel4',
    read(version, scenario, 'show_route_export_kernel4.txt'),
  );
  const rows: Record<string, [string, string[]]> = {};
  for (const r of birdRouteEntries(rib, exported, 4))
    rows[r.prefix] = [
      `${r.selected ? '>' : ' '}${r.fib ? '*' : ' '}`,
      r.nextHops.map((h) => `${h.address ?? ''}${h.fib ? '*' : ''}`).sort(),
    ];
  return rows;
}

for (const version of ['2.0.12', '2.17']) {
  describe(`BIRD ${version} parsers on captured birdc -v outputs (fixtures/bird-${version})`, () => {
    it('show status: version and router id', () => {
      const s = parseBirdStatus(read(version, 'in-sync', 'show_status.txt'));
      expect(s.version.startsWith(version)).to.equal(true);
      expect(s.routerId).to.equal('192.168.198.254');
    });

    it('show protocols all: BGP sessions with AS, state, imported counts; the kernel protocol and its channel', () => {
      const protocols = parseBirdProtocols(read(version, 'in-sync', 'show_protocols_all.txt'));
      expect(protocols.map((p) => [p.name, p.proto, p.state])).to.deep.equal([
        ['device1', 'Device', 'up'],
        ['kernel4', 'Kernel', 'up'],
        ['keep_out', 'Static', 'down'],
        ['node1', 'BGP', 'up'],
        ['node2', 'BGP', 'up'],
      ]);
      const [summary] = birdSummaries('192.168.198.254', protocols);
      expect(summary?.localAs).to.equal(64501);
      expect(
        summary?.peers.map((p) => [p.address, p.remoteAs, p.state, p.prefixesReceived, p.description]),
      ).to.deep.equal([
        ['192.168.201.11', 64500, 'Established', 2, 'node1'],
        ['192.168.201.12', 64500, 'Established', 3, 'node2'],
      ]);
      const node1 = birdNeighbors(protocols)[0];
      expect(node1?.holdTimeSec).to.equal(90);
      expect(node1?.external).to.equal(true);
      expect(node1?.capabilities.multiprotocol).to.deep.equal([
        { addressFamily: 'IPv4 Unicast', status: 'advertised and received' },
      ]);
    });

    it('show protocols all: a disabled session is Down, with no prefix count', () => {
      const protocols = parseBirdProtocols(read(version, 'session-down', 'show_protocols_all.txt'));
      const [summary] = birdSummaries('192.168.198.254', protocols);
      expect(summary?.peers.map((p) => [p.address, p.state, p.prefixesReceived])).to.deep.equal([
        ['192.168.201.11', 'Established', 2],
        ['192.168.201.12', 'Down', undefined],
      ]);
    });

    it('routes in sync: the ECMP service merged by the kernel protocol has both next hops in the FIB', () => {
      expect(routeRows(version, 'in-sync')).to.deep.equal({
        '192.168.197.0/32': ['>*', ['192.168.201.11*']],
        '192.168.197.1/32': ['>*', ['192.168.201.12*']],
        '192.168.197.2/32': ['>*', ['192.168.201.11*', '192.168.201.12*']],
        '192.168.197.254/32': ['>*', ['192.168.201.12*']],
      });
    });

    it('not in the FIB: the BGP route a static route (preference 250) beats is neither selected nor installed', () => {
      expect(routeRows(version, 'not-in-fib')['192.168.197.1/32']).to.deep.equal(['  ', ['192.168.201.12']]);
    });

    it('ECMP incomplete and wrong next hop show as such in the routes', () => {
      expect(routeRows(version, 'ecmp-incomplete')['192.168.197.2/32']).to.deep.equal([
        '>*',
        ['192.168.201.11*'],
      ]);
      expect(routeRows(version, 'wrong-nexthop')['192.168.197.254/32']).to.deep.equal([
        '>*',
        ['192.168.201.11*'],
      ]);
    });

    it('never throws anything but the typed parse or command error on mutated captures', () => {
      const inputs = SCENARIOS.flatMap((s) =>
        [
          'show_status.txt',
          'show_protocols_all.txt',
          'show_route_all.txt',
          'show_route_export_kernel4.txt',
        ].map((f) => read(version, s, f)),
      );
      const parsers = [
        (t: string) => parseBirdStatus(t),
        (t: string) => parseBirdProtocols(t),
        (t: string) => parseBirdRoutes('show route all', t),
      ];
      fc.assert(
        fc.property(
          fc.constantFrom(...inputs),
          fc.constantFrom(...parsers),
          fc.nat(),
          fc.string({ maxLength: 12 }),
          fc.nat(),
          (text, parse, at, insert, cut) => {
            const i = at % (text.length + 1);
            const mutated = text.slice(0, i) + insert + text.slice(i + (cut % 8));
            try {
              parse(mutated);
            } catch (err) {
              expect(
                err instanceof RouterOutputParseError || err instanceof RouterCommandError,
                String(err),
              ).to.equal(true);
            }
          },
        ),
        { numRuns: 2000 },
      );
    });
  });
}

describe('birdc -v reply errors', () => {
  it('a refusal (9001) is the RouterCommandError with BIRD own words', () => {
    // As BIRD 2.0.12 answered `birdc -v show route xx` in the lab.
    const out = '0001 BIRD 2.0.12 ready.\n9001 syntax error, unexpected CF_SYM_UNDEFINED\n';
    expect(() => birdcInvocation.split(['show route xx'], out, 1, '')).to.throw(
      RouterCommandError,
      'syntax error, unexpected CF_SYM_UNDEFINED',
    );
  });

  it('a non-zero exit without a reply names birdc and its message', () => {
    expect(() =>
      birdcInvocation.split(
        ['show status'],
        '',
        1,
        'Unable to connect to server control socket (/run/bird/bird.ctl): No such file or directory\n',
      ),
    ).to.throw(RouterCommandError, /birdc exited with status 1: Unable to connect/);
  });

  it('a line without a reply code is a parse error quoting it', () => {
    expectParseError(() => parseBirdStatus('0001 BIRD 2.0.12 ready.\nBIRD 2.0.12\n'), 2, 'BIRD 2.0.12');
  });

  it('a route line that is not one is a parse error quoting it', () => {
    const text = '0001 BIRD 2.0.12 ready.\n1007-Table master4:\n     192.168.197.0/32 what is this\n';
    expectParseError(() => parseBirdRoutes('show route all', text), 3, '     192.168.197.0/32 what is this');
  });

  it('birdc runs one command per invocation, with -v and the command words as arguments', () => {
    expect(birdcInvocation.args(['show route export kernel4'])).to.deep.equal([
      '-v',
      'show',
      'route',
      'export',
      'kernel4',
    ]);
    expect(() => birdcInvocation.args(['show status', 'show protocols all'])).to.throw(
      /one command per invocation/,
    );
  });
});
