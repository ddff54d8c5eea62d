import { readFile } from 'node:fs/promises';
import type { Client, ConnectConfig } from 'ssh2';
import { DEFAULTS } from '../config/defaults.js';
import { BadInputError } from '../util/errors.js';
import { CappedOutput, commandsForMessage } from './capped-output.js';
import {
  HostKeyVerificationError,
  RouterAuthenticationError,
  RouterOutputTooLargeError,
  RouterUnreachableError,
} from './errors.js';
import {
  sshFingerprint,
  verifyAgainstFingerprint,
  verifyAgainstKnownHosts,
  type HostKeyVerdict,
} from './host-keys.js';
import type { RouterTransport } from './transport.js';
import { vtyshInvocation, type CliInvocation } from './cli-invocation.js';
import { shellCommandLine } from './vtysh-invocation.js';

async function readConfigFile(what: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new BadInputError(`cannot read the ${what} file ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export interface SshTransportOptions {
  host: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** ssh-agent socket; used when no private key file is given. */
  agentSocket?: string;
  knownHostsFile?: string;
  hostKeyFingerprint?: string;
  vtyshPath: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Most bytes (stdout and stderr together) one vtysh run may print: router.maxOutputBytes. */
  maxOutputBytes?: number;
  /** The CLI program's argument and output conventions; vtysh's unless told (BIRD: birdc). */
  invocation?: CliInvocation;
}

/**
 * vtysh over SSH. One connection serves every run (opened on first use, reopened if the router
 * closed it); each run is one exec channel with one vtysh invocation. The host key is checked
 * inside the key exchange, before authentication, so with a wrong or unknown key not even our
 * user key is offered, let alone a command.
 */
export function createSshTransport(opts: SshTransportOptions): RouterTransport {
  if ((opts.knownHostsFile === undefined) === (opts.hostKeyFingerprint === undefined)) {
    throw new BadInputError('ssh router access needs exactly one of knownHostsFile and hostKeyFingerprint');
  }
  if (opts.privateKeyFile === undefined && opts.agentSocket === undefined) {
    throw new BadInputError('ssh router access needs a private key file or an ssh-agent (SSH_AUTH_SOCK)');
  }
  const target = `${opts.user}@${opts.host}:${opts.port}`;
  const maxOutputBytes = opts.maxOutputBytes ?? DEFAULTS.maxOutputBytes;
  const cli = opts.invocation ?? vtyshInvocation;
  let connection: Promise<Client> | undefined;

  const connect = async (): Promise<Client> => {
    const knownHosts =
      opts.knownHostsFile === undefined
        ? undefined
        : (await readConfigFile('known_hosts', opts.knownHostsFile)).toString('utf8');
    const privateKey =
      opts.privateKeyFile === undefined
        ? undefined
        : await readConfigFile('private key', opts.privateKeyFile);
    // Loaded on the first connection: commands that read recordings (check) never pay for ssh2.
    const { Client: SshClient } = await import('ssh2');
    return new Promise<Client>((resolve, reject) => {
      const client = new SshClient();
      let verdict: { verdict: HostKeyVerdict; fingerprint: string } | undefined;
      let ready = false;
      const config: ConnectConfig = {
        host: opts.host,
        port: opts.port,
        username: opts.user,
        readyTimeout: opts.connectTimeoutMs,
        keepaliveInterval: 0,
        hostVerifier: (key: Buffer): boolean => {
          const v =
            knownHosts !== undefined
              ? verifyAgainstKnownHosts(knownHosts, opts.host, opts.port, key)
              : verifyAgainstFingerprint(opts.hostKeyFingerprint as string, key);
          verdict = { verdict: v, fingerprint: sshFingerprint(key) };
          return v.ok;
        },
      };
      if (privateKey !== undefined) config.privateKey = privateKey;
      else config.agent = opts.agentSocket as string;
      client.on('ready', () => {
        ready = true;
        resolve(client);
      });
      client.on('error', (err: Error & { level?: string }) => {
        connection = undefined;
        // After 'ready' a broken connection surfaces through the open channel's close (see exec)
        // and the next run() reconnects; only a failure to connect is this promise's to report.
        if (ready) return;
        if (verdict && !verdict.verdict.ok) {
          const v = verdict.verdict;
          reject(new HostKeyVerificationError(target, verdict.fingerprint, v.reason, v.detail));
        } else if (err.level === 'client-authentication') {
          reject(
            new RouterAuthenticationError(`ssh ${target}: the router refused our key (${err.message})`, {
              cause: err,
            }),
          );
        } else {
          reject(new RouterUnreachableError(`ssh ${target}: ${err.message}`, { cause: err }));
        }
      });
      client.on('close', () => {
        connection = undefined;
      });
      try {
        client.connect(config);
      } catch (err) {
        // ssh2 checks the key material synchronously, before any network traffic.
        reject(
          new BadInputError(
            `ssh ${target}: cannot use private key ${opts.privateKeyFile ?? '(agent)'}: ${(err as Error).message}`,
            { cause: err },
          ),
        );
      }
    });
  };

  /**
   * One exec channel. Output is held to opts.maxOutputBytes: past it the channel is closed and
   * nothing more is read, so a flooding router costs us the cap, not our memory.
   */
  const exec = (
    client: Client,
    commands: readonly string[],
  ): Promise<{ stdout: string; stderr: string; status: number | null }> =>
    new Promise((resolve, reject) => {
      client.exec(shellCommandLine(opts.vtyshPath, cli.args(commands)), (err, channel) => {
        if (err) {
          reject(
            new RouterUnreachableError(`ssh ${target}: cannot start vtysh: ${err.message}`, { cause: err }),
          );
          return;
        }
        const output = new CappedOutput(maxOutputBytes);
        let status: number | null = null;
        let exited = false;
        let settled = false;
        const fail = (error: Error): void => {
          settled = true;
          clearTimeout(timer);
          reject(error);
        };
        const timer = setTimeout(() => {
          channel.close();
          client.end();
          fail(
            new RouterUnreachableError(
              `ssh ${target}: vtysh did not finish within ${opts.commandTimeoutMs} ms`,
            ),
          );
        }, opts.commandTimeoutMs);
        const take = (stream: 'stdout' | 'stderr') => (d: Buffer) => {
          if (settled || output.add(stream, d)) return;
          channel.close();
          fail(new RouterOutputTooLargeError(`ssh ${target}`, commandsForMessage(commands), maxOutputBytes));
        };
        channel.on('data', take('stdout'));
        channel.stderr.on('data', take('stderr'));
        channel.on('exit', (code: number | null) => {
          exited = true;
          status = code;
        });
        channel.on('close', () => {
          if (settled) return;
          if (!exited) {
            fail(new RouterUnreachableError(`ssh ${target}: connection lost before vtysh finished`));
            return;
          }
          settled = true;
          clearTimeout(timer);
          resolve({ stdout: output.stdout, stderr: output.stderr, status });
        });
      });
    });

  return {
    description: `ssh ${target}`,
    run: async (commands) => {
      connection ??= connect();
      let client: Client;
      try {
        client = await connection;
      } catch (err) {
        connection = undefined;
        throw err;
      }
      const r = await exec(client, commands);
      return cli.split(commands, r.stdout, r.status, r.stderr);
    },
    close: async () => {
      const pending = connection;
      connection = undefined;
      // A connection that failed to open was already reported to the run() that opened it.
      if (pending) (await pending.catch(() => undefined))?.end();
    },
  };
}
