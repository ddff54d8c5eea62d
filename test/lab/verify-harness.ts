import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/app/check/run-check.js';
import { runRecord } from '../../src/app/check/run-record.js';
import type { LiveSources } from '../../src/app/check/live-cluster.js';
import { runVerify } from '../../src/app/check/run-verify.js';
import { createRouterDriver, createRouterTransport } from '../../src/router-drivers/index.js';
import { silentLog } from '../../src/util/log.js';
import { waitFor } from '../support/wait-for.js';
import type { Lab } from './netns.js';
import type { Sshd } from './sshd.js';
import { kernelTable, sameRoutes, type RouteTable } from './route-tables.js';

const fixtures = new URL('../../fixtures/', import.meta.url).pathname;

/** The part of `verify --format json` the lab tests look at. */
export interface VerifyReport {
  sessions: Array<{ neighbor: string; verdict: string; state?: string }>;
  routes: Array<{
    prefix: string;
    verdict: string;
    services: string[];
    codes: string;
    actualNextHops: string[];
    detail?: string;
  }>;
}

export interface VerifyResult {
  exitCode: number;
  report: VerifyReport;
}

/** The seed's Local services, one path per node as gobgpd announces them for the seed's speakers. */
export const SEED_TABLE: RouteTable = {
  '192.168.197.0/32': ['192.168.201.11'],
  '192.168.197.1/32': ['192.168.201.12'],
  '192.168.197.254/32': ['192.168.201.12'],
};

function seedWithout(prefix: string): RouteTable {
  return Object.fromEntries(Object.entries(SEED_TABLE).filter(([p]) => p !== prefix));
}

export interface VerifyHarnessOptions {
  /** Which routes of the router namespace's kernel FIB the router installed. */
  fibProto: 'bgp' | 'bird';
  /** BIRD's kernel protocol scans on a timer, so its FIB may lag the session by more than the default wait. */
  fibTimeoutMs?: number;
  /** The manifests directory under fixtures/ that verify plans from. */
  manifests?: string;
  /** A file `record` must write under router/: the dialect's main route read. */
  recordedFile?: string;
}

/**
 * What a verify lab test does around one router and gobgpd standing in for our speaker: steer
 * gobgpd, wait for the FIB, run verify on a config the test writes into a temp dir of its own.
 */
export class VerifyHarness {
  private lab: Lab | undefined;
  private dir: string | undefined;
  private config = '';

  constructor(private readonly options: VerifyHarnessOptions) {}

  /** Writes the config (a `router:` block made of `routerLines`) into a fresh temp dir. */
  async start(lab: Lab, routerLines: string[]): Promise<void> {
    this.lab = lab;
    this.dir = await mkdtemp(join(tmpdir(), 'crs-verify-lab-'));
    this.config = join(this.dir, 'crs.yaml');
    await writeFile(
      this.config,
      [
        'apiVersion: cluster-router-sync.io/v1alpha1',
        'kind: ClusterRouterSyncConfig',
        'router:',
        ...routerLines,
        '',
      ].join('\n'),
    );
  }

  async stop(): Promise<void> {
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private get running(): Lab {
    if (!this.lab) throw new Error('VerifyHarness used before start()');
    return this.lab;
  }

  gobgp(...args: string[]): Promise<unknown> {
    return this.running.exec(this.running.speakerNs, 'gobgp', args);
  }

  announce(prefix: string, nextHop: string): Promise<unknown> {
    return this.gobgp('global', 'rib', 'add', '-a', 'ipv4', prefix, 'nexthop', nextHop);
  }

  withdraw(prefix: string): Promise<unknown> {
    return this.gobgp('global', 'rib', 'del', '-a', 'ipv4', prefix);
  }

  sources(): LiveSources {
    return {
      configFiles: [this.config, join(fixtures, 'seed', 'metallb-config.yaml')],
      manifestsPath: join(fixtures, this.options.manifests ?? join('seed', 'manifests')),
    };
  }

  async verify(): Promise<VerifyResult> {
    const r = await runVerify(this.sources(), (access) => createRouterDriver(access, silentLog), {
      format: 'json',
    });
    expect(r.error).to.equal(undefined);
    return { exitCode: r.exitCode, report: JSON.parse(r.output) as VerifyReport };
  }

  /** Waits until the router namespace's kernel FIB holds exactly `table` from the router. */
  fibIs(what: string, table: RouteTable): Promise<unknown> {
    const { fibProto, fibTimeoutMs } = this.options;
    return waitFor(
      what,
      async () => sameRoutes(await kernelTable(this.running, fibProto), table),
      fibTimeoutMs === undefined ? undefined : { timeoutMs: fibTimeoutMs },
    );
  }

  /** Brings a drift in, verifies, and takes it out again so the next test starts from the seed. */
  async withDrift(
    drift: { apply: () => Promise<unknown>; fib: RouteTable; undo: () => Promise<unknown> },
    check: (result: VerifyResult) => void,
  ): Promise<void> {
    await drift.apply();
    try {
      await this.fibIs('the drift to reach the FIB', drift.fib);
      check(await this.verify());
    } finally {
      await drift.undo();
      await this.fibIs('the seed routes back in the FIB', SEED_TABLE);
    }
  }

  /** Records the router while .1 is withdrawn and returns what `check` replays next to a live verify. */
  async recordAndReplay(): Promise<{ replay: VerifyResult; live: VerifyResult }> {
    const recording = join(this.dir as string, 'recording');
    // Recorded while a route is missing, so the replay has drift to agree on.
    await this.withdraw('192.168.197.1/32');
    await this.fibIs('the router to drop .1', seedWithout('192.168.197.1/32'));
    const rec = await runRecord(this.sources(), createRouterTransport, recording, silentLog);
    expect(rec.error).to.equal(undefined);
    if (this.options.recordedFile !== undefined)
      expect(rec.output).to.contain(join(recording, 'router', this.options.recordedFile));
    const replayed = await runCheck(recording, { format: 'json' });
    expect(replayed.error).to.equal(undefined);
    const live = await this.verify();
    await this.announce('192.168.197.1/32', '192.168.201.12');
    await this.fibIs('the seed routes back in the FIB', SEED_TABLE);
    return {
      replay: { exitCode: replayed.exitCode, report: JSON.parse(replayed.output) as VerifyReport },
      live,
    };
  }
}

export const verdicts = (r: VerifyReport): string[][] => r.routes.map((x) => [x.prefix, x.verdict]);

/**
 * verify on the seed with the router in line: one session up, the three seed routes installed,
 * and every command the router's sshd ran matching `invocation` (the forced-command wrapper's form).
 */
export async function expectSeedInLine(h: VerifyHarness, sshd: Sshd, invocation: RegExp): Promise<void> {
  const { exitCode, report } = await h.verify();
  expect(report.sessions).to.deep.equal([
    { ...report.sessions[0], neighbor: '192.168.201.2', verdict: 'ok' },
  ]);
  expect(report.routes.map((r) => [r.prefix, r.codes, r.services.join(), r.verdict])).to.deep.equal([
    ['192.168.197.0/32', 'B>*', 'default/nginx', 'ok'],
    ['192.168.197.1/32', 'B>*', 'default/test-service', 'ok'],
    ['192.168.197.254/32', 'B>*', 'default/test-service-3', 'ok'],
  ]);
  expect(exitCode).to.equal(0);
  const lines = await sshd.invocations();
  expect(lines.length).to.be.greaterThan(0);
  for (const line of lines) expect(line).to.match(invocation);
}

/**
 * The lab BIRD's side of our speaker (gobgpd standing in at 192.168.201.2): `protocol bgp speaker`
 * with ADD-PATH receive, taking every route and sending none.
 */
export const BIRD_SPEAKER_PROTOCOL: readonly string[] = [
  'protocol bgp speaker {',
  '  local 192.168.201.1 as 64501;',
  '  neighbor 192.168.201.2 as 64500;',
  '  ipv4 { import all; export none; add paths rx; };',
  '}',
];

/** verify with the session down: `state` as the router words it, every seed route missing. */
export function expectSessionDown({ exitCode, report }: VerifyResult, state: string): void {
  expect(report.sessions.map((s) => [s.neighbor, s.state, s.verdict])).to.deep.equal([
    ['192.168.201.2', state, 'down'],
  ]);
  expect(verdicts(report)).to.deep.equal([
    ['192.168.197.0/32', 'missing'],
    ['192.168.197.1/32', 'missing'],
    ['192.168.197.254/32', 'missing'],
  ]);
  expect(exitCode).to.equal(1);
}

/** The drifts gobgpd alone brings about, the same on every router dialect. */
export function seedDriftTests(h: VerifyHarness): void {
  it('reports a withdrawn route as missing and a stray one in the pool as unexpected', async () => {
    await h.withDrift(
      {
        apply: async () => {
          await h.withdraw('192.168.197.1/32');
          await h.announce('192.168.197.7/32', '192.168.201.11');
        },
        fib: {
          '192.168.197.0/32': ['192.168.201.11'],
          '192.168.197.254/32': ['192.168.201.12'],
          '192.168.197.7/32': ['192.168.201.11'],
        },
        undo: async () => {
          await h.withdraw('192.168.197.7/32');
          await h.announce('192.168.197.1/32', '192.168.201.12');
        },
      },
      ({ exitCode, report }) => {
        expect(verdicts(report)).to.deep.equal([
          ['192.168.197.0/32', 'ok'],
          ['192.168.197.1/32', 'missing'],
          ['192.168.197.7/32', 'unexpected'],
          ['192.168.197.254/32', 'ok'],
        ]);
        expect(exitCode).to.equal(1);
      },
    );
  });

  it('reports a service routed to the wrong node as wrong-nexthop', async () => {
    const via = (nextHop: string) => () => h.announce('192.168.197.0/32', nextHop);
    await h.withDrift(
      {
        apply: via('192.168.201.12'),
        fib: { ...SEED_TABLE, '192.168.197.0/32': ['192.168.201.12'] },
        undo: via('192.168.201.11'),
      },
      ({ exitCode, report }) => {
        expect(verdicts(report)).to.deep.equal([
          ['192.168.197.0/32', 'wrong-nexthop'],
          ['192.168.197.1/32', 'ok'],
          ['192.168.197.254/32', 'ok'],
        ]);
        expect(report.routes[0]?.detail).to.equal(
          'unexpected next hop 192.168.201.12; missing 192.168.201.11',
        );
        expect(exitCode).to.equal(1);
      },
    );
  });

  it('record captures the real router over ssh so that check replays the same verdicts', async () => {
    const { replay, live } = await h.recordAndReplay();
    expect(verdicts(replay.report)).to.deep.equal(verdicts(live.report));
    expect(verdicts(live.report)).to.deep.include(['192.168.197.1/32', 'missing']);
    expect(replay.exitCode).to.equal(live.exitCode);
  });
}

/** Keeps .254 out of the FIB by the router's own means (`apply`/`undo`) and expects not-in-fib for it alone. */
export function expectNotInFib(
  h: VerifyHarness,
  keepOut: { apply: () => Promise<unknown>; undo: () => Promise<unknown> },
  more: (result: VerifyResult) => void = () => {},
): Promise<void> {
  return h.withDrift({ ...keepOut, fib: seedWithout('192.168.197.254/32') }, (result) => {
    expect(verdicts(result.report)).to.deep.equal([
      ['192.168.197.0/32', 'ok'],
      ['192.168.197.1/32', 'ok'],
      ['192.168.197.254/32', 'not-in-fib'],
    ]);
    more(result);
    expect(result.exitCode).to.equal(1);
  });
}
