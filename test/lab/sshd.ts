import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../support/wait-for.js';
import { run } from './netns.js';

export interface Sshd {
  host: '127.0.0.1';
  port: number;
  user: string;
  dir: string;
  /** Private key that sshd accepts. */
  userKeyFile: string;
  /** A known_hosts file with this sshd's real host key under `[127.0.0.1]:port`. */
  knownHostsFile: string;
  /** `SHA256:...` of the real host key, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** Makes a fresh key pair in the temp dir (not authorised, not the host key) for negative tests. */
  makeStrangerKey(
    name: string,
  ): Promise<{ privateKeyFile: string; publicKeyLine: string; fingerprint: string }>;
  /** Every command line the ForceCommand received, in order: proof of what reached the router. */
  invocations(): Promise<string[]>;
  /** sshd's own log (LogLevel VERBOSE) so far. */
  log(): string;
  stop(): Promise<void>;
}

async function keygen(file: string): Promise<{ publicKeyLine: string; fingerprint: string }> {
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'crs-lab', '-f', file]);
  const publicKeyLine = (await readFile(`${file}.pub`, 'utf8')).trim();
  const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`])).stdout.split(
    ' ',
  )[1] as string;
  return { publicKeyLine, fingerprint };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** The forced command a router installs: deploy/router/vtysh-only.sh (docs/openwrt.md). */
const VTYSH_ONLY = fileURLToPath(new URL('../../deploy/router/vtysh-only.sh', import.meta.url));
/** Its BIRD counterpart: deploy/router/birdc-only.sh. */
const BIRDC_ONLY = fileURLToPath(new URL('../../deploy/router/birdc-only.sh', import.meta.url));

/**
 * A real OpenSSH server on 127.0.0.1 and a random high port, for one test run: its own host key,
 * one authorised user key, root login by key only, and a ForceCommand that appends the client's
 * command line to `invocations.log` and then runs it with `vtysh` on PATH resolving to the given
 * wrapper (the lab FRR's vtysh). With `vtyshOnly` the line goes to deploy/router/vtysh-only.sh
 * instead, as on a router set up by docs/openwrt.md; with `birdcOnly` to deploy/router/birdc-only.sh
 * with `vtyshPath` as the birdc it runs. Nothing in /etc/ssh is read or changed.
 */
export async function startSshd(opts: {
  vtyshPath: string;
  vtyshOnly?: boolean;
  birdcOnly?: boolean;
}): Promise<Sshd> {
  const dir = await mkdtemp(join(tmpdir(), 'crs-sshd-'));
  const user = userInfo().username;
  // sshd's privilege separation directory; Debian creates it from its service unit only.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  const host = await keygen(hostKey);
  const userKeyFile = join(dir, 'user_ed25519');
  const userKey = await keygen(userKeyFile);
  await writeFile(join(dir, 'authorized_keys'), `${userKey.publicKeyLine}\n`, { mode: 0o600 });
  await mkdir(join(dir, 'bin'));
  await symlink(opts.vtyshPath, join(dir, 'bin', 'vtysh'));
  const invocationsLog = join(dir, 'invocations.log');
  const force = join(dir, 'force-command.sh');
  await writeFile(
    force,
    [
      '#!/bin/sh',
      `printf '%s\\n' "$SSH_ORIGINAL_COMMAND" >> '${invocationsLog}'`,
      `PATH='${join(dir, 'bin')}':/usr/sbin:/usr/bin:/sbin:/bin`,
      'export PATH',
      ...(opts.vtyshOnly
        ? [`VTYSH='${opts.vtyshPath}' exec /bin/sh '${VTYSH_ONLY}'`]
        : opts.birdcOnly
          ? [`BIRDC='${opts.vtyshPath}' exec /bin/sh '${BIRDC_ONLY}'`]
          : ['exec /bin/sh -c "$SSH_ORIGINAL_COMMAND"']),
      '',
    ].join('\n'),
  );
  await chmod(force, 0o755);

  let child: ChildProcess | undefined;
  let logText = '';
  let port = 0;
  const stop = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const c = child;
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let attempt = 0; attempt < 5 && port === 0; attempt += 1) {
      const candidate = randomInt(20000, 60000);
      const conf = join(dir, 'sshd_config');
      await writeFile(
        conf,
        [
          `Port ${candidate}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${hostKey}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          `AllowUsers ${user}`,
          'PermitRootLogin prohibit-password',
          'PubkeyAuthentication yes',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'StrictModes no',
          'PermitUserEnvironment no',
          'AllowTcpForwarding no',
          'X11Forwarding no',
          'LogLevel VERBOSE',
          // bash sources ~/.bashrc for a command run by sshd; the host user's (a pyenv init on
          // some machines costs seconds) is no part of a router, so the session's HOME is ours.
          `SetEnv HOME=${dir}`,
          `ForceCommand ${force}`,
          '',
        ].join('\n'),
      );
      const c = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr?.on('data', (d: Buffer) => {
        logText += d.toString('utf8');
      });
      const up = await waitFor('sshd to listen or exit', async () => {
        if (c.exitCode !== null) return 'exited';
        return (await portOpen(candidate)) ? 'listening' : undefined;
      });
      if (up === 'listening') port = candidate;
    }
    if (port === 0) throw new Error(`sshd did not start: ${logText}`);
    const knownHostsFile = join(dir, 'known_hosts');
    await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${host.publicKeyLine}\n`);
    return {
      host: '127.0.0.1',
      port,
      user,
      dir,
      userKeyFile,
      knownHostsFile,
      hostKeyFingerprint: host.fingerprint,
      makeStrangerKey: async (name) => {
        const file = join(dir, `stranger_${name}`);
        const k = await keygen(file);
        return { privateKeyFile: file, ...k };
      },
      invocations: async () => {
        const text = await readFile(invocationsLog, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return '';
          throw err;
        });
        return text.split('\n').filter((l) => l !== '');
      },
      log: () => logText,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The `router:` lines of our config file (indented under it) that reach FRR through this sshd. */
export function sshRouterYaml(sshd: Sshd): string[] {
  return ['  transport: ssh', ...Object.entries(sshLogin(sshd)).map(([key, value]) => `  ${key}: ${value}`)];
}

/** Where and as whom to log in to `sshd`, named as the SSH transport's options and config keys. */
export function sshLogin(sshd: Sshd): {
  host: string;
  port: number;
  user: string;
  privateKeyFile: string;
  knownHostsFile: string;
} {
  return {
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    privateKeyFile: sshd.userKeyFile,
    knownHostsFile: sshd.knownHostsFile,
  };
}
