import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RouterAccess } from '../../src/config/model.js';
import { createDriverOn, createRouterDriver } from '../../src/router-drivers/driver.js';
import type { RouterDriver } from '../../src/router-drivers/router-driver.js';
import {
  HostKeyVerificationError,
  RouterAuthenticationError,
  RouterUnreachableError,
} from '../../src/router-drivers/errors.js';
import { applyNeighborPlan } from '../../src/router-drivers/neighbor-apply.js';
import {
  planNeighborChanges,
  renderNeighborPlan,
  type NeighborPolicy,
} from '../../src/router-drivers/neighbor-plan.js';
import { parseBgpSummaryJson } from '../../src/router-drivers/parse-json.js';
import type { RouteEntry } from '../../src/router-drivers/records.js';
import { createLocalTransport } from '../../src/router-drivers/transport-local.js';
import { createSshTransport } from '../../src/router-drivers/transport-ssh.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../lab/frr.js';
import { startGobgpd, type Gobgpd } from '../lab/gobgpd.js';
import { createLab, type Lab } from '../lab/netns.js';
import { frrTable, kernelTable, sameRoutes } from '../lab/route-tables.js';
import { sshLogin, startSshd, type Sshd } from '../lab/sshd.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';
import { silentLog } from '../../src/util/log.js';

/** Routes without their ages, which move between two reads. */
const ageless = (routes: RouteEntry[]) =>
  routes
    .map((r) => ({ ...r, uptimeText: undefined, uptimeSec: undefined }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix));

describe('router-drivers over real sshd to real FRR 8.4 @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let gobgpd: Gobgpd | undefined;
  let sshd: Sshd | undefined;
  let driver: RouterDriver | undefined;
  let access: RouterAccess;

  before(async function () {
    requireLab(this, {
      root: true,
      commands: ['vtysh', 'ssh-keygen', 'ssh-agent', 'ssh-add', '/usr/sbin/sshd', 'gobgpd', 'gobgp'],
    });
    lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    frr = await startFrr(lab, {
      bgpLines: speakerNeighborLines({ ecmp: true }),
    });
    gobgpd = await startGobgpd(lab, { addPathSendMax: 8 });
    // One path per node: .0 via .11, .1 via .12, .2 via both (ADD-PATH ids 1 and 2).
    const announce = [
      ['192.168.197.0/32', 'nexthop', '192.168.201.11'],
      ['192.168.197.1/32', 'nexthop', '192.168.201.12'],
      ['192.168.197.2/32', 'identifier', '1', 'nexthop', '192.168.201.11'],
      ['192.168.197.2/32', 'identifier', '2', 'nexthop', '192.168.201.12'],
    ];
    for (const args of announce) await gobgpd.addRoute(args);
    // Every route installed (FRR's FIB flags and the kernel), not just the last: the tests read
    // the FIB flags of all three.
    const installed = {
      '192.168.197.0/32': ['192.168.201.11'],
      '192.168.197.1/32': ['192.168.201.12'],
      '192.168.197.2/32': ['192.168.201.11', '192.168.201.12'],
    };
    const f = frr;
    await waitFor(
      'FRR to install the three routes',
      async () => sameRoutes(await frrTable(f), installed) && sameRoutes(await kernelTable(lab!), installed),
    );
    sshd = await startSshd({ vtyshPath: frr.vtyshPath });
    access = {
      transport: 'ssh',
      ...sshLogin(sshd),
      useAgent: false,
      dialect: 'auto',
      vtyshPath: 'vtysh',
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 20_000,
      maxOutputBytes: 64 * 1024 * 1024,
    };
    driver = createRouterDriver(access, silentLog);
  });

  after(async () => {
    await driver?.close();
    await sshd?.stop();
    await gobgpd?.stop();
    await frr?.stop();
    await lab?.destroy();
  });

  it('detects FRR 8.4 and reads the summary FRR holds', async () => {
    const d = driver as RouterDriver;
    expect((await d.version()).version).to.equal('8.4.4');
    expect((await d.dialect()).name).to.equal('frr-json');
    const summary = await d.bgpSummary();
    const direct = parseBgpSummaryJson(await (frr as FrrRouter).vtysh('show bgp summary json'));
    expect(
      summary.map((s) => s.peers.map((p) => [p.address, p.remoteAs, p.state, p.prefixesReceived])),
    ).to.deep.equal(
      direct.map((s) => s.peers.map((p) => [p.address, p.remoteAs, p.state, p.prefixesReceived])),
    );
    expect(summary[0]?.peers[0]).to.deep.include({
      address: '192.168.201.2',
      remoteAs: 64500,
      state: 'Established',
      prefixesReceived: 4,
    });
  });

  it('reads the RIB with FIB flags, matching the kernel FIB; JSON and text dialects agree', async () => {
    const routes = await (driver as RouterDriver).bgpRoutes();
    expect(
      ageless(routes).map((r) => [
        r.prefix,
        r.selected,
        r.fib,
        r.nextHops.map((h) => [h.address, h.interface, h.fib]),
      ]),
    ).to.deep.equal([
      ['192.168.197.0/32', true, true, [['192.168.201.11', 'vr', true]]],
      ['192.168.197.1/32', true, true, [['192.168.201.12', 'vr', true]]],
      [
        '192.168.197.2/32',
        true,
        true,
        [
          ['192.168.201.11', 'vr', true],
          ['192.168.201.12', 'vr', true],
        ],
      ],
    ]);
    const kernel = await (frr as FrrRouter).kernelRoutes();
    expect(kernel).to.match(/192\.168\.197\.0 nhid \d+ via 192\.168\.201\.11 dev vr/);
    expect(kernel)
      .to.contain('nexthop via 192.168.201.11 dev vr')
      .and.contain('nexthop via 192.168.201.12 dev vr');
    const textDriver = createDriverOn(
      createSshTransport({
        host: access.host as string,
        port: access.port,
        user: access.user as string,
        privateKeyFile: access.privateKeyFile as string,
        knownHostsFile: access.knownHostsFile as string,
        vtyshPath: 'vtysh',
        connectTimeoutMs: 10_000,
        commandTimeoutMs: 20_000,
      }),
      silentLog,
      'quagga',
    );
    try {
      expect(ageless(await textDriver.bgpRoutes())).to.deep.equal(ageless(routes));
    } finally {
      await textDriver.close();
    }
  });

  it('reads neighbors (ADD-PATH) and the running BGP config', async () => {
    const [n] = await (driver as RouterDriver).neighbors();
    expect(n).to.deep.include({
      address: '192.168.201.2',
      remoteAs: 64500,
      localAs: 64501,
      state: 'Established',
      holdTimeSec: 90,
    });
    expect(n?.capabilities.addPath).to.deep.equal([
      {
        addressFamily: 'IPv4 Unicast',
        txAdvertised: false,
        txReceived: true,
        rxAdvertised: true,
        rxReceived: false,
      },
    ]);
    const running = await (driver as RouterDriver).runningBgpConfig();
    expect(running.bgp[0]?.asn).to.equal(64501);
    expect(running.bgp[0]?.neighbors.map((x) => [x.name, x.remoteAs])).to.deep.equal([
      ['192.168.201.2', 64500],
    ]);
    expect(running.bgp[0]?.addressFamilies[0]?.maximumPaths).to.equal(8);
  });

  it('adds and then removes a neighbor through the neighbor manager, verified, touching nothing else', async () => {
    const d = driver as RouterDriver;
    const policy: NeighborPolicy = {
      routerAs: 64501,
      descriptionMarker: 'crs-lab',
      neighbors: [{ address: '192.168.201.13', remoteAs: 64500 }],
      maximumPaths: 8,
    };
    const addPlan = planNeighborChanges(await d.runningBgpConfig(), policy);
    expect(renderNeighborPlan(addPlan)).to.equal(
      'router bgp 64501\n+ neighbor 192.168.201.13 remote-as 64500\n+ neighbor 192.168.201.13 description crs-lab\n',
    );
    expect(await applyNeighborPlan(d, addPlan, policy, { log: silentLog, writeMemory: true })).to.deep.equal({
      applied: 2,
      verified: true,
      wroteMemory: true,
    });
    const afterAdd = (await d.runningBgpConfig()).bgp[0];
    expect(afterAdd?.neighbors.find((x) => x.name === '192.168.201.13')).to.deep.include({
      remoteAs: 64500,
      description: 'crs-lab',
    });
    // `write memory` went through vtysh into the lab router's integrated config file.
    expect(await readFile(join((frr as FrrRouter).dir, 'frr.conf'), 'utf8')).to.contain(
      'neighbor 192.168.201.13 description crs-lab',
    );

    const removePolicy = { ...policy, neighbors: [] };
    const removePlan = planNeighborChanges(await d.runningBgpConfig(), removePolicy);
    expect(removePlan.steps).to.deep.equal([
      { op: 'remove', context: 'router', command: 'no neighbor 192.168.201.13' },
    ]);
    await applyNeighborPlan(d, removePlan, removePolicy, { log: silentLog });
    const afterRemove = (await d.runningBgpConfig()).bgp[0];
    expect(afterRemove?.neighbors.map((x) => x.name)).to.deep.equal(['192.168.201.2']);
    expect((await d.bgpSummary())[0]?.peers[0]?.state).to.equal('Established');
  });

  it('used one SSH connection for all of the above, one vtysh run per batch', async () => {
    const s = sshd as Sshd;
    // The main driver and the text-dialect driver: one connection each for all their commands.
    expect(s.log().match(/Accepted publickey/g)?.length).to.equal(2);
    const calls = await s.invocations();
    expect(calls[0]).to.equal(`'vtysh' '-E' '-c' 'show version'`);
    expect(calls).to.include(
      `'vtysh' '-E' '-c' 'configure terminal' '-c' 'router bgp 64501' '-c' 'neighbor 192.168.201.13 remote-as 64500' '-c' 'neighbor 192.168.201.13 description crs-lab' '-c' 'end'`,
    );
  });

  it('authenticates through an ssh-agent as well as with a key file', async () => {
    const s = sshd as Sshd;
    const sock = join(s.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      await waitFor('ssh-agent socket', () =>
        stat(sock).then(
          () => true,
          () => undefined,
        ),
      );
      await new Promise<void>((resolve, reject) => {
        const add = spawn('ssh-add', [s.userKeyFile], {
          stdio: 'ignore',
          env: { ...process.env, SSH_AUTH_SOCK: sock },
        });
        add.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`ssh-add exited ${String(code)}`)),
        );
      });
      const viaAgent = createDriverOn(
        createSshTransport({
          host: s.host,
          port: s.port,
          user: s.user,
          agentSocket: sock,
          knownHostsFile: s.knownHostsFile,
          vtyshPath: 'vtysh',
          connectTimeoutMs: 10_000,
          commandTimeoutMs: 20_000,
        }),
        silentLog,
      );
      try {
        expect((await viaAgent.version()).version).to.equal('8.4.4');
      } finally {
        await viaAgent.close();
      }
    } finally {
      const exited = new Promise((resolve) => agent.once('exit', resolve));
      agent.kill('SIGTERM');
      await exited;
    }
  });

  it('a vtysh that hangs on the router hits the command timeout', async () => {
    const s = sshd as Sshd;
    await writeFile(join(s.dir, 'bin', 'hanging-vtysh'), '#!/bin/sh\nexec sleep 5\n', { mode: 0o755 });
    const t = createSshTransport({
      ...sshLogin(s),
      vtyshPath: 'hanging-vtysh',
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 500,
    });
    try {
      const err = await t.run(['show version']).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RouterUnreachableError);
      expect((err as Error).message).to.contain('did not finish within 500 ms');
    } finally {
      await t.close();
    }
  });

  it('the local transport runs the same vtysh', async () => {
    const t = createLocalTransport({ vtyshPath: (frr as FrrRouter).vtyshPath, commandTimeoutMs: 20_000 });
    const [version, summary] = await t.run(['show version', 'show bgp summary json']);
    expect(version).to.match(/^FRRouting 8\.4\.4/);
    expect(parseBgpSummaryJson(summary as string)[0]?.peers[0]?.address).to.equal('192.168.201.2');
  });

  describe('refusals send no command', () => {
    async function expectNothingSent(
      fn: () => Promise<unknown>,
      errorType: new (...a: never[]) => Error,
    ): Promise<Error> {
      const s = sshd as Sshd;
      // Only `vtysh` runs count: under load sshd may start the hang test's `hanging-vtysh` after
      // that test's client gave up, which lands in the log during these tests.
      const vtyshRuns = async () => (await s.invocations()).filter((l) => l.startsWith(`'vtysh'`));
      const before = (await vtyshRuns()).length;
      const logBefore = s.log().length;
      let caught: unknown;
      try {
        await fn();
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(errorType);
      // sshd logs the closed connection a moment after the client gives up.
      await waitFor('sshd to log the closed connection', () =>
        /Connection (closed|reset)|Disconnected|disconnect/i.test(s.log().slice(logBefore)),
      );
      expect(await vtyshRuns()).to.have.length(before);
      expect(s.log().slice(logBefore)).not.to.contain('Accepted publickey');
      return caught as Error;
    }

    it('a wrong host key in known_hosts: mismatch, our key never offered', async () => {
      const s = sshd as Sshd;
      const stranger = await s.makeStrangerKey('host');
      const knownHosts = join(s.dir, 'known_hosts_wrong');
      await writeFile(knownHosts, `[127.0.0.1]:${s.port} ${stranger.publicKeyLine}\n`);
      const logBefore = s.log().length;
      const err = await expectNothingSent(
        () => createRouterDriver({ ...access, knownHostsFile: knownHosts }, silentLog).version(),
        HostKeyVerificationError,
      );
      expect((err as HostKeyVerificationError).reason).to.equal('mismatch');
      expect(err.message).to.contain(s.hostKeyFingerprint).and.contain('does NOT match');
      expect(s.log().slice(logBefore)).not.to.match(/publickey/i);
    });

    it('a wrong pinned fingerprint, and a host known_hosts does not list', async () => {
      const s = sshd as Sshd;
      const stranger = await s.makeStrangerKey('pin');
      const pinned = {
        ...access,
        knownHostsFile: undefined,
        hostKeyFingerprint: stranger.fingerprint,
      } as RouterAccess;
      const err = await expectNothingSent(
        () => createRouterDriver(pinned, silentLog).version(),
        HostKeyVerificationError,
      );
      expect(err.message).to.contain(stranger.fingerprint);
      const other = join(s.dir, 'known_hosts_other');
      await writeFile(other, `[127.0.0.1]:1 ${stranger.publicKeyLine}\n`);
      const unknown = await expectNothingSent(
        () => createRouterDriver({ ...access, knownHostsFile: other }, silentLog).version(),
        HostKeyVerificationError,
      );
      expect((unknown as HostKeyVerificationError).reason).to.equal('unknown');
      const right = createRouterDriver(
        { ...access, knownHostsFile: undefined, hostKeyFingerprint: s.hostKeyFingerprint } as RouterAccess,
        silentLog,
      );
      try {
        expect((await right.version()).family).to.equal('frr');
      } finally {
        await right.close();
      }
    });

    it('a user key the router does not accept', async () => {
      const s = sshd as Sshd;
      const stranger = await s.makeStrangerKey('user');
      const logBefore = s.log().length;
      const err = await expectNothingSent(
        () => createRouterDriver({ ...access, privateKeyFile: stranger.privateKeyFile }, silentLog).version(),
        RouterAuthenticationError,
      );
      expect(err.message).to.contain('refused our key');
      expect(s.log().slice(logBefore)).to.contain(stranger.fingerprint);
    });
  });
});
