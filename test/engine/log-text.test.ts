import { expect } from 'chai';
import fc from 'fast-check';
import { formatTextLine, type LogRecord } from '../../src/observability/log-text.js';

/** What pino writes for these calls in src/app/engine/engine.ts and src/bgp/session.ts. */
const base = { time: '2026-12-06T21:46:00.651Z', name: 'cluster-router-sync', component: 'engine' };
const info = (fields: LogRecord): LogRecord => ({ level: 30, ...base, ...fields });
const line = (r: LogRecord): string => formatTextLine(r, { color: false });
/** The line without its clock time (local time, so it depends on the machine's zone). */
const body = (r: LogRecord): string => line(r).replace(/^\d\d:\d\d:\d\d\.\d{3} /, '');

describe('observability: one-line text logs', () => {
  it('says a session came up and went down the way a router log does', () => {
    const fields = { peer: 'edge', peerAddress: '192.168.200.1' };
    expect(body(info({ ...fields, state: 'Established', msg: 'BGP session established' }))).to.equal(
      'INFO  BGP 192.168.200.1 Established peer=edge\n',
    );
    expect(
      body({
        ...info({ ...fields, state: 'Idle' }),
        level: 40,
        msg: 'BGP session down; the speaker reconnects',
      }),
    ).to.equal('WARN  BGP 192.168.200.1 down (Idle); the speaker reconnects peer=edge\n');
    expect(
      body(
        info({
          peer: 'edge',
          from: 'OpenConfirm',
          to: 'Established',
          reason: 'KEEPALIVE received in OpenConfirm',
          msg: 'BGP edge: OpenConfirm -> Established',
        }),
      ),
    ).to.equal('INFO  BGP edge: OpenConfirm -> Established (KEEPALIVE received in OpenConfirm)\n');
  });

  it('puts an announcement, a change and a withdrawal with their next hops and services', () => {
    expect(
      body(
        info({
          peer: 'edge',
          nextHops: ['192.168.201.11'],
          services: ['default/nginx'],
          msg: 'announce 192.168.197.0/32',
        }),
      ),
    ).to.equal('INFO  announce 192.168.197.0/32 via 192.168.201.11 (default/nginx) peer=edge\n');
    expect(
      body(
        info({
          peer: 'edge',
          nextHops: ['192.168.201.11', '192.168.201.12'],
          previous: ['192.168.201.11'],
          services: ['default/a', 'default/b'],
          msg: 'change 192.168.197.0/32',
        }),
      ),
    ).to.equal(
      'INFO  change 192.168.197.0/32 via 192.168.201.11, 192.168.201.12 (was 192.168.201.11) (default/a, default/b) peer=edge\n',
    );
    expect(
      body(info({ peer: 'edge', services: ['default/nginx'], msg: 'withdraw 192.168.197.0/32' })),
    ).to.equal('INFO  withdraw 192.168.197.0/32 (default/nginx) peer=edge\n');
  });

  it('puts allocations and verification results in a sentence', () => {
    expect(
      body(info({ service: 'default/nginx', ips: ['192.168.197.0'], msg: 'allocation added' })),
    ).to.equal('INFO  allocation added default/nginx 192.168.197.0\n');
    expect(
      body(
        info({
          service: 'default/x',
          ips: [],
          failure: { reason: 'pool-exhausted', message: 'pool exhausted' },
          msg: 'allocation failed',
        }),
      ),
    ).to.equal('INFO  allocation failed default/x: pool exhausted\n');
    expect(body(info({ reason: 'initial', verdict: 'ok', findings: 0, msg: 'router verified' }))).to.equal(
      'INFO  router verified: ok, 0 findings (initial)\n',
    );
    expect(
      body({
        ...info({ reason: 'periodic', verdict: 'drift', findings: 1 }),
        level: 40,
        msg: 'router verified',
      }),
    ).to.equal('WARN  router verified: drift, 1 finding (periodic)\n');
  });

  it('shows an error by its message, not its stack, and other fields as key=value', () => {
    const err = {
      type: 'RouterError',
      message: 'vtysh exited 1',
      stack: 'RouterError: vtysh exited 1\n    at x',
    };
    expect(body({ ...info({ err, reason: 'periodic' }), level: 50, msg: 'verification failed' })).to.equal(
      'ERROR verification failed: vtysh exited 1 reason=periodic\n',
    );
    expect(
      body(info({ path: '/etc/a b.yaml', files: 3, names: ['x', 'y'], msg: 'manifests loaded' })),
    ).to.equal('INFO  manifests loaded path="/etc/a b.yaml" files=3 names=x,y\n');
  });

  it('colours the level only when asked', () => {
    const r = { ...info({}), level: 40, msg: 'x' };
    expect(formatTextLine(r, { color: true })).to.include('\u001b[33mWARN \u001b[0m x');
    expect(line(r)).not.to.include('\u001b');
  });

  it('writes exactly one line for any record, whatever its message and fields hold', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.string(),
        fc.constantFrom(10, 20, 30, 40, 50, 60, 35),
        (fields, msg, level) => {
          const out = formatTextLine({ ...fields, level, time: base.time, msg }, { color: false });
          expect(out.endsWith('\n')).to.equal(true);
          expect(out.slice(0, -1)).not.to.match(/[\r\n]/);
        },
      ),
    );
  });
});
