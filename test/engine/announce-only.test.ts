import { expect } from 'chai';
import sinon from 'sinon';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { startHealthServer } from '../../src/observability/health-server.js';
import { Metrics } from '../../src/observability/metrics.js';
import { SyncEngine } from '../../src/app/engine/engine.js';
import { ANNOUNCE_ONLY_NOTE, NoRouterAccessError, runSync } from '../../src/app/engine/run-sync.js';
import { BadInputError } from '../../src/util/errors.js';
import { FakeAnnouncer, FakeSource, config, fakePlanner, lbService, snapshot } from './fakes.js';

const PEER = 'peer-192.168.200.1';

describe('announce-only: the engine without a verifier', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('announces every plan, is ready once synced and peered, and never verifies', async () => {
    const cfg = config({ verifyIntervalSec: 1 });
    const source = new FakeSource();
    const announcer = new FakeAnnouncer(cfg.peers, true);
    const metrics = new Metrics();
    const verified: string[] = [];
    const engine = new SyncEngine<string>({
      config: cfg,
      source,
      planner: (snap) => fakePlanner(cfg, snap),
      announcer,
      metrics,
      logger: silentLogger(),
      reporter: (_v, reason) => verified.push(reason),
      settleMs: 1000,
    });
    engine.on((e) => verified.push(e.type));
    await engine.start();
    source.emit(snapshot([lbService('a', '192.168.197.1')]), true);
    await clock.tickAsync(0);
    source.emit(snapshot([lbService('a', '192.168.197.1'), lbService('b', '192.168.197.2')]), true);
    // Long past the settle time and many verification intervals.
    await clock.tickAsync(60_000);
    expect(announcer.calls).to.deep.equal([
      `set ${PEER} 192.168.197.1/32`,
      `set ${PEER} 192.168.197.1/32,192.168.197.2/32`,
    ]);
    expect(engine.readiness()).to.deep.equal([]);
    expect(verified).to.deep.equal(['planned', 'planned']);
    expect(await metrics.text()).not.to.match(/^crs_verifications_total\{/m);
    await engine.stop('keep-routes');
  });
});

describe('announce-only: /readyz says so', () => {
  it('adds the note to the ready and the not-ready answer', async () => {
    let reasons = ['initial sync not done'];
    const server = await startHealthServer({
      address: '127.0.0.1:0',
      metrics: new Metrics(),
      readiness: () => reasons,
      readyzNote: ANNOUNCE_ONLY_NOTE,
    });
    try {
      const notReady = await fetch(`http://${server.address}/readyz`);
      expect(notReady.status).to.equal(503);
      expect(await notReady.text()).to.equal(`not ready:\n- initial sync not done\n${ANNOUNCE_ONLY_NOTE}\n`);
      reasons = [];
      const ready = await fetch(`http://${server.address}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.text()).to.equal(`ready\n${ANNOUNCE_ONLY_NOTE}\n`);
    } finally {
      await server.close();
    }
  });
});

describe('announce-only: run refuses what it cannot do', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-announce-only-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function runWith(body: string, once: boolean): Promise<{ error: unknown; log: string }> {
    const file = join(dir, 'crs.yaml');
    await writeFile(
      file,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\n${body}`,
    );
    const destination = new PassThrough();
    let log = '';
    destination.on('data', (c: Buffer) => (log += c.toString()));
    const error = await runSync({
      configFiles: [file],
      manifestsPath: join(dir, 'none'),
      once,
      logger: createLogger({ destination, format: 'json' }),
      write: () => undefined,
    }).then(
      () => undefined,
      (err: unknown) => err,
    );
    return { error, log };
  }

  it('without a router: section and without announceOnly it names both ways out', async () => {
    const { error } = await runWith('peers: []\n', false);
    expect(error).to.be.instanceOf(NoRouterAccessError);
    expect((error as Error).message).to.include('announceOnly: true');
  });

  it('--once in announce-only: nothing is verified, so there is no report to print (exit 2, before anything starts)', async () => {
    const { error, log } = await runWith('announceOnly: true\n', true);
    expect(error).to.be.instanceOf(BadInputError);
    expect((error as Error).message).to.include('--once');
    expect(log).to.equal('');
  });
});
