import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../../src/app/check/run-check.js';
import { runRecord } from '../../src/app/check/run-record.js';
import { runVerify } from '../../src/app/check/run-verify.js';
import type { RouterAccess } from '../../src/config/model.js';
import {
  createRecordedTransport,
  createRouterDriver,
  type RouterTransport,
} from '../../src/router-drivers/index.js';
import { ownConfigYaml } from '../cli/run-cli.js';
import { silentLog } from '../../src/util/log.js';

const fixtures = new URL('../../fixtures/check/', import.meta.url).pathname;

function recordedTransport(access: { recordedDir?: string }): RouterTransport {
  return createRecordedTransport(access.recordedDir as string);
}

describe('runVerify and runRecord (live sources, recorded router)', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'crs-live-'));
  });
  afterEach(() => {
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A config file pointing the router at a fixture's recording. */
  function routerConfig(fixture: string, dialect: 'auto' | 'frr' | 'quagga'): string {
    const file = join(tmp, 'crs.yaml');
    writeFileSync(
      file,
      ownConfigYaml([
        'transport: recorded',
        `recordedDir: ${join(fixtures, fixture, 'router')}`,
        `dialect: ${dialect}`,
      ]),
    );
    return file;
  }

  function sources(fixture: string, dialect: 'auto' | 'frr' | 'quagga') {
    return {
      configFiles: [routerConfig(fixture, dialect), join(fixtures, fixture, 'metallb-config.yaml')],
      manifestsPath: join(fixtures, fixture, 'manifests'),
    };
  }

  const openDriver = (access: RouterAccess) => createRouterDriver(access, silentLog);

  for (const [fixture, dialect, exitCode] of [
    ['in-sync-frr-json', 'auto', 0],
    ['ecmp-incomplete-frr-json', 'frr', 1],
    ['route-missing-quagga', 'quagga', 1],
  ] as const) {
    it(`verify gives the same report as check for ${fixture} (dialect ${dialect})`, async () => {
      const live = await runVerify(sources(fixture, dialect), openDriver, { format: 'text' });
      const offline = await runCheck(join(fixtures, fixture), { format: 'text' });
      expect(live.error).to.equal(undefined);
      expect(live.exitCode).to.equal(exitCode);
      expect(live.output).to.equal(offline.output);
    });
  }

  it("verify finds the manifests through the config's kubernetes section when no flag names them", async () => {
    const fixture = 'in-sync-frr-json';
    const config = routerConfig(fixture, 'auto');
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}kubernetes:\n  manifests: ${join(fixtures, fixture, 'manifests')}\n`,
    );
    const r = await runVerify(
      { configFiles: [config, join(fixtures, fixture, 'metallb-config.yaml')] },
      openDriver,
      {
        format: 'text',
      },
    );
    expect(r.error).to.equal(undefined);
    expect(r.output).to.equal((await runCheck(join(fixtures, fixture), { format: 'text' })).output);
  });

  it('verify exits 3 when the router cannot be reached', async () => {
    const config = join(tmp, 'unreachable.yaml');
    writeFileSync(
      config,
      'apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: local\n  vtyshPath: /nonexistent/vtysh\n',
    );
    const fixture = join(fixtures, 'in-sync-frr-json');
    const r = await runVerify(
      {
        configFiles: [config, join(fixture, 'metallb-config.yaml')],
        manifestsPath: join(fixture, 'manifests'),
      },
      openDriver,
      { format: 'text' },
    );
    expect(r.exitCode).to.equal(3);
    expect(r.output).to.equal('');
    expect(r.error).to.contain('/nonexistent/vtysh');
  });

  it('verify without a router section is bad input', async () => {
    const r = await runVerify(
      {
        configFiles: [join(fixtures, 'in-sync-frr-json', 'metallb-config.yaml')],
        manifestsPath: join(fixtures, 'in-sync-frr-json', 'manifests'),
      },
      openDriver,
      { format: 'text' },
    );
    expect(r.exitCode).to.equal(2);
    expect(r.error).to.contain('no router: section');
  });

  for (const [fixture, dialect] of [
    ['in-sync-frr-json', 'auto'],
    ['session-down-quagga', 'quagga'],
  ] as const) {
    it(`record then check replays ${fixture} exactly`, async () => {
      const dir = join(tmp, 'recording');
      const rec = await runRecord(sources(fixture, dialect), recordedTransport, dir, silentLog);
      expect(rec.error).to.equal(undefined);
      expect(rec.exitCode).to.equal(0);
      const replay = await runCheck(dir, { format: 'json' });
      const original = await runCheck(join(fixtures, fixture), { format: 'json' });
      expect(replay.error).to.equal(undefined);
      expect(replay.output).to.equal(original.output);
      expect(replay.exitCode).to.equal(original.exitCode);
    });
  }

  it('record writes the files the live driver reads, in its dialect', async () => {
    const dir = join(tmp, 'recording');
    await runRecord(sources('route-missing-quagga', 'quagga'), recordedTransport, dir, silentLog);
    expect(readdirSync(join(dir, 'router')).sort()).to.deep.equal([
      'show_ip_bgp_neighbors.txt',
      'show_ip_bgp_summary.txt',
      'show_ip_route_bgp.txt',
      'show_running-config.txt',
      'show_version.txt',
    ]);
  });

  it('record redacts passwords from the running config and from config files', async () => {
    const routerDir = join(tmp, 'router-src');
    const fixtureRouter = join(fixtures, 'in-sync-frr-json', 'router');
    mkdirSync(routerDir);
    cpSync(fixtureRouter, routerDir, { recursive: true });
    const running = join(routerDir, 'show_running-config.txt');
    writeFileSync(
      running,
      readFileSync(running, 'utf8').replace(
        ' neighbor 192.168.201.12 remote-as 64500\n',
        ' neighbor 192.168.201.12 remote-as 64500\n neighbor 192.168.201.12 password s3cr3t-router\n',
      ),
    );
    const metallb = join(tmp, 'metallb.yaml');
    writeFileSync(
      metallb,
      readFileSync(join(fixtures, 'in-sync-frr-json', 'metallb-config.yaml'), 'utf8').replace(
        'my-asn: 64500',
        'my-asn: 64500\n      password: s3cr3t-config',
      ),
    );
    const config = join(tmp, 'crs.yaml');
    writeFileSync(
      config,
      `apiVersion: cluster-router-sync.io/v1alpha1\nkind: ClusterRouterSyncConfig\nrouter:\n  transport: recorded\n  recordedDir: ${routerDir}\n`,
    );
    const dir = join(tmp, 'recording');
    const rec = await runRecord(
      { configFiles: [config, metallb], manifestsPath: join(fixtures, 'in-sync-frr-json', 'manifests') },
      recordedTransport,
      dir,
      silentLog,
    );
    expect(rec.error).to.equal(undefined);
    const everything = [
      ...readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => join(dir, f)),
      ...readdirSync(join(dir, 'router')).map((f) => join(dir, 'router', f)),
    ]
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(everything).to.not.contain('s3cr3t');
    expect(everything).to.contain('neighbor 192.168.201.12 password <redacted>');
    expect(everything).to.contain("password: '<redacted>'");
    const replay = await runCheck(dir, { format: 'text' });
    expect(replay.exitCode).to.equal(0);
  });

  it('record refuses a router output it cannot parse and writes no router files', async () => {
    const broken: RouterTransport = {
      description: 'broken',
      run: async (commands) =>
        commands.map((c) => (c === 'show version' ? 'FRRouting 8.4.4 (cr1) on Linux.\n' : 'garbage\n')),
      close: async () => {},
    };
    const dir = join(tmp, 'recording');
    const r = await runRecord(sources('in-sync-frr-json', 'auto'), () => broken, dir, silentLog);
    expect(r.exitCode).to.equal(2);
    expect(() => readdirSync(join(dir, 'router'))).to.throw();
  });
});
