import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCheckDir } from '../../src/app/check/check-dir.js';
import { verifyCluster } from '../../src/app/check/outcome.js';
import { observedFromRecords } from '../../src/sync/verify/from-records.js';
import type { Verification } from '../../src/sync/verify/verification.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

/** Every check directory in the repository: the seed and each drift fixture. */
export function checkDirs(): string[] {
  const drift = readdirSync(join(fixtures, 'check'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(fixtures, 'check', e.name))
    .sort();
  return [join(fixtures, 'seed'), ...drift];
}

export async function verificationOf(dir: string): Promise<Verification> {
  const inputs = await readCheckDir(dir);
  return verifyCluster(inputs.config, inputs.snapshot, observedFromRecords(inputs.records));
}

/** A verification with every verdict and text that needs escaping in XML and Markdown. */
export function awkwardVerification(): Verification {
  return {
    router: { routerId: '192.168.198.254', localAs: 64501 },
    peers: ['peer-<a>&"b"'],
    sessions: [
      {
        peers: ['p'],
        neighbor: '192.168.201.11',
        expectedAs: 64500,
        actualAs: 64500,
        state: 'Established',
        prefixesReceived: 1,
        upDown: '00:00:01',
        verdict: 'ok',
      },
      {
        peers: ['p'],
        neighbor: '192.168.201.12',
        expectedAs: 64500,
        actualAs: 64500,
        state: 'Idle (Admin)',
        upDown: 'never',
        verdict: 'down',
        detail: 'session is Idle (Admin) | <shut>',
      },
      {
        peers: ['p'],
        neighbor: '*',
        expectedAs: 64999,
        verdict: 'missing',
        detail: 'no neighbor in AS 64999\u0007 in show bgp summary',
      },
    ],
    routes: [
      {
        prefix: '10.0.0.1/32',
        family: 4,
        codes: 'B>*',
        expectedNextHops: ['10.1.0.1', '10.1.0.2'],
        actualNextHops: ['10.1.0.1'],
        age: '00:00:02',
        services: ['ns/a&b', 'ns/c'],
        verdict: 'ecmp-incomplete',
        detail: '1 of 2 next hops; missing 10.1.0.2',
      },
      {
        prefix: '10.0.0.2/32',
        family: 4,
        codes: '',
        expectedNextHops: ['10.1.0.1'],
        actualNextHops: [],
        services: ['ns/`tick`'],
        verdict: 'missing',
        detail: 'the router has no BGP route for this prefix',
      },
      {
        prefix: '10.0.0.3/32',
        family: 4,
        codes: 'B>r',
        expectedNextHops: ['10.1.0.1'],
        actualNextHops: ['10.1.0.1'],
        age: '00:00:02',
        services: ['ns/d'],
        verdict: 'not-in-fib',
        detail: 'route is not installed in the FIB (codes B>r)',
      },
      {
        prefix: '10.0.0.4/32',
        family: 4,
        codes: 'B>*',
        expectedNextHops: ['10.1.0.1'],
        actualNextHops: ['10.1.0.9'],
        age: '00:00:02',
        services: ['ns/e'],
        verdict: 'wrong-nexthop',
        detail: 'unexpected next hop 10.1.0.9; missing 10.1.0.1',
      },
      {
        prefix: '10.0.0.5/32',
        family: 4,
        codes: 'B>*',
        expectedNextHops: [],
        actualNextHops: ['10.1.0.1'],
        age: '00:00:02',
        services: [],
        verdict: 'unexpected',
        detail: 'the plan announces no such prefix',
      },
      {
        prefix: '2001:db8::1/128',
        family: 6,
        codes: 'B>*',
        expectedNextHops: ['2001:db8:1::1'],
        actualNextHops: ['2001:db8:1::1'],
        age: '00:00:02',
        services: ['ns/v6'],
        verdict: 'ok',
      },
    ],
    notes: [{ subject: 'ns/x', message: 'pool-exhausted: no free IP in "default"\nsecond line' }],
    summary: {
      status: 'drift',
      sessions: { total: 3, ok: 1, down: 1, missing: 1, restarting: 0 },
      routes: {
        total: 6,
        ok: 1,
        missing: 1,
        'wrong-nexthop': 1,
        'not-in-fib': 1,
        unexpected: 1,
        'ecmp-incomplete': 1,
      },
    },
  };
}
