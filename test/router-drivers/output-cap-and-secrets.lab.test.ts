import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { HostKeyVerificationError, RouterOutputTooLargeError } from '../../src/router-drivers/errors.js';
import { createLocalTransport } from '../../src/router-drivers/transport-local.js';
import { createSshTransport } from '../../src/router-drivers/transport-ssh.js';
import type { RouterTransport } from '../../src/router-drivers/transport.js';
import { ExitCode } from '../../src/util/errors.js';
import { cli, ownConfigYaml } from '../cli/run-cli.js';
import { startFrr, type FrrRouter } from '../lab/frr.js';
import { createLab, type Lab } from '../lab/netns.js';
import { sshLogin, startSshd, type Sshd } from '../lab/sshd.js';
import { requireLab } from '../support/requirements.js';
import { waitFor } from '../support/wait-for.js';

const CAP = 1024 * 1024;
const SECRET = 'cap-test-s3cret';
/** A batch that carries a neighbor password: it must not leak into any message. */
const SECRET_BATCH = [
  'configure terminal',
  'router bgp 64501',
  `neighbor 192.0.2.9 password ${SECRET}`,
  'end',
];

/** What `run` fails with (undefined when it does not). */
function runError(t: RouterTransport, commands: string[]): Promise<unknown> {
  return t.run(commands).then(
    () => undefined,
    (e: unknown) => e,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('router output cap, passwords off command lines, host-key exit code @lab', function () {
  this.timeout(120_000);
  let dir: string;
  /** A "vtysh" that writes its pid where the test can find it and prints without end. */
  let flood: string;
  let floodPidFile: string;

  before(async function () {
    requireLab(this, { commands: ['ssh-keygen', '/usr/sbin/sshd', 'yes'] });
    dir = await mkdtemp(join(tmpdir(), 'crs-output-cap-'));
    floodPidFile = join(dir, 'flood.pid');
    flood = join(dir, 'flood-vtysh');
    await writeFile(
      flood,
      `#!/bin/sh\necho $$ > '${floodPidFile}'\nexec yes 'B>* 10.0.0.0/32 [20/0] via 192.0.2.1'\n`,
    );
    await chmod(flood, 0o755);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The flood's pid, once it has written it; and that the process is gone once the run was refused. */
  async function expectFloodEnded(): Promise<void> {
    const pid = Number((await readFile(floodPidFile, 'utf8')).trim());
    expect(pid).to.be.above(0);
    await waitFor('the flooding command to end', () => !alive(pid));
    await rm(floodPidFile);
  }

  function expectCapError(err: unknown, transport: string): void {
    expect(err).to.be.instanceOf(RouterOutputTooLargeError);
    const e = err as RouterOutputTooLargeError;
    expect(e.exitCode).to.equal(ExitCode.BadInput);
    expect(e.maxOutputBytes).to.equal(CAP);
    expect(e.message).to.contain(transport).and.contain(`router.maxOutputBytes (${CAP} bytes)`);
    expect(e.message).to.contain('neighbor 192.0.2.9 password <redacted>').and.not.contain(SECRET);
  }

  describe('over real OpenSSH', () => {
    let sshd: Sshd | undefined;
    before(async () => {
      sshd = await startSshd({ vtyshPath: flood });
    });
    after(async () => {
      await sshd?.stop();
    });

    it('a command printing past router.maxOutputBytes fails typed, naming command and cap; the channel is closed', async () => {
      const s = sshd as Sshd;
      const t = createSshTransport({
        ...sshLogin(s),
        vtyshPath: 'vtysh',
        connectTimeoutMs: 10_000,
        // Far beyond the test's own timeout: only the cap can end this run.
        commandTimeoutMs: 600_000,
        maxOutputBytes: CAP,
      });
      try {
        expectCapError(await runError(t, SECRET_BATCH), `ssh ${s.user}@${s.host}:${s.port}`);
        // Closing the channel is what ends the remote command: sshd hangs up on it.
        await expectFloodEnded();
      } finally {
        await t.close();
      }
    });

    it('a wrong pinned host-key fingerprint: the CLI exits 3 (router refused), nothing is run', async () => {
      const s = sshd as Sshd;
      const stranger = await s.makeStrangerKey('pin');
      const config = join(dir, 'crs.yaml');
      await writeFile(
        config,
        ownConfigYaml([
          'transport: ssh',
          `host: ${s.host}`,
          `port: ${s.port}`,
          `user: ${s.user}`,
          `privateKeyFile: ${s.userKeyFile}`,
          `hostKeyFingerprint: ${stranger.fingerprint}`,
        ]),
      );
      const seed = 'fixtures/seed';
      const before = (await s.invocations()).length;
      const r = await cli(
        'verify',
        '--config',
        config,
        '--config',
        join(seed, 'metallb-config.yaml'),
        '--manifests',
        join(seed, 'manifests'),
        '--log-level',
        'silent',
      );
      expect(r.code).to.equal(ExitCode.Unreachable);
      expect(r.stderr).to.contain('does NOT match').and.contain(stranger.fingerprint);
      expect(await s.invocations()).to.have.length(before);
      expect(new HostKeyVerificationError('h', 'f', 'mismatch', 'd').exitCode).to.equal(3);
    });
  });

  it('local: a vtysh printing past the cap is killed, with the same typed error', async () => {
    const t = createLocalTransport({ vtyshPath: flood, commandTimeoutMs: 600_000, maxOutputBytes: CAP });
    expectCapError(await runError(t, SECRET_BATCH), `local ${flood}`);
    await expectFloodEnded();
  });

  describe('local transport to real FRR 8.4.4: a neighbor password goes on stdin', () => {
    let lab: Lab | undefined;
    let frr: FrrRouter | undefined;
    /** Every command line of the processes the transport started, as /proc/PID/cmdline shows it. */
    let cmdlines: string;
    let recordingVtysh: string;

    before(async function () {
      requireLab(this, { root: true, commands: ['vtysh'] });
      lab = await createLab({ speakerAddresses: ['192.168.201.11/24'] });
      frr = await startFrr(lab, {});
      cmdlines = join(dir, 'cmdlines');
      // Each stage records its own /proc/PID/cmdline, then execs the next: the lab's vtysh
      // wrapper execs /usr/bin/vtysh with the same arguments, so nothing else can show them.
      recordingVtysh = join(dir, 'recording-vtysh');
      await writeFile(
        recordingVtysh,
        `#!/bin/sh\ntr '\\0' ' ' < /proc/$$/cmdline >> '${cmdlines}'\necho >> '${cmdlines}'\nexec '${frr.vtyshPath}' "$@"\n`,
      );
      await chmod(recordingVtysh, 0o755);
    });
    after(async () => {
      await frr?.stop();
      await lab?.destroy();
    });

    it('reaches the running config and is on no process command line', async () => {
      const f = frr as FrrRouter;
      const t = createLocalTransport({ vtyshPath: recordingVtysh, commandTimeoutMs: 20_000 });
      const batch = [
        'configure terminal',
        'router bgp 64501',
        'neighbor 192.168.201.11 remote-as 64500',
        `neighbor 192.168.201.11 password ${SECRET}`,
        'end',
      ];
      const outputs = await t.run(batch);
      expect(outputs).to.have.length(batch.length);
      expect(await f.vtysh('show running-config')).to.contain(`neighbor 192.168.201.11 password ${SECRET}`);
      const seen = await readFile(cmdlines, 'utf8');
      expect(seen).to.contain(recordingVtysh);
      expect(seen).to.not.contain(SECRET);
      // A batch without a password still goes as -E -c arguments.
      await t.run(['show bgp summary']);
      expect(await readFile(cmdlines, 'utf8')).to.contain('-E -c show bgp summary');
    });

    it('a refused command in a password batch is still reported as the refusal', async () => {
      const t = createLocalTransport({ vtyshPath: recordingVtysh, commandTimeoutMs: 20_000 });
      const err = await runError(t, [
        'configure terminal',
        'router bgp 65000',
        `neighbor 192.168.201.11 password ${SECRET}`,
        'end',
      ]);
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message)
        .to.contain('BGP is already running with AS 64501')
        .and.not.contain(SECRET);
    });
  });
});
