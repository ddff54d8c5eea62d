import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterUnreachableError, VtyshExitStatusError } from '../../src/router-drivers/errors.js';
import { createLocalTransport } from '../../src/router-drivers/transport-local.js';
import type { RouterTransport } from '../../src/router-drivers/transport.js';
import { createSshTransport, type SshTransportOptions } from '../../src/router-drivers/transport-ssh.js';
import { BadInputError } from '../../src/util/errors.js';

/** What `show version` over `t` fails with (undefined when it does not fail). */
function showVersionError(t: RouterTransport): Promise<unknown> {
  return t.run(['show version']).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** An ssh transport to loopback as root with short timeouts; the rest (port, keys, host-key pin) as given. */
function sshTransport(
  access: Pick<SshTransportOptions, 'port' | 'privateKeyFile' | 'hostKeyFingerprint' | 'knownHostsFile'>,
): RouterTransport {
  return createSshTransport({
    host: '127.0.0.1',
    user: 'root',
    vtyshPath: 'vtysh',
    connectTimeoutMs: 300,
    commandTimeoutMs: 1000,
    ...access,
  });
}

describe('router-drivers: transport failures become typed errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crs-transport-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('local: a vtysh that never answers hits the command timeout', async () => {
    const slow = join(dir, 'slow-vtysh');
    await writeFile(slow, '#!/bin/sh\nexec sleep 30\n');
    await chmod(slow, 0o755);
    const t = createLocalTransport({ vtyshPath: slow, commandTimeoutMs: 300 });
    const err = await showVersionError(t);
    expect(err).to.be.instanceOf(RouterUnreachableError);
    expect((err as Error).message).to.contain('did not finish within 300 ms');
  });

  it('local: a missing vtysh, and one that fails without a message', async () => {
    const missing = await showVersionError(
      createLocalTransport({ vtyshPath: join(dir, 'nope'), commandTimeoutMs: 5000 }),
    );
    expect(missing).to.be.instanceOf(RouterUnreachableError);
    const failing = join(dir, 'failing-vtysh');
    await writeFile(failing, '#!/bin/sh\necho "Exiting: failed to connect to any daemons." >&2\nexit 1\n');
    await chmod(failing, 0o755);
    const err = await showVersionError(createLocalTransport({ vtyshPath: failing, commandTimeoutMs: 5000 }));
    expect(err).to.be.instanceOf(VtyshExitStatusError);
    expect((err as Error).message).to.contain('failed to connect to any daemons');
  });

  it('ssh: a server that accepts TCP but never speaks SSH hits the connect timeout', async () => {
    const sockets: Socket[] = [];
    const server: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const keyFile = join(dir, 'rsa-key');
    await writeFile(
      keyFile,
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }),
    );
    try {
      const t = sshTransport({
        port,
        privateKeyFile: keyFile,
        hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      });
      const err = await showVersionError(t);
      expect(err).to.be.instanceOf(RouterUnreachableError);
      expect((err as Error).message).to.match(/ssh root@127\.0\.0\.1:\d+: .*(?:time|handshake)/i);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ssh: a private key file ssh2 cannot use is a BadInputError naming the file', async () => {
    const keyFile = join(dir, 'garbage-key');
    await writeFile(keyFile, 'this is not a key');
    const t = sshTransport({
      port: 9,
      privateKeyFile: keyFile,
      hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    });
    const err = await showVersionError(t);
    expect(err).to.be.instanceOf(BadInputError);
    expect((err as Error).message).to.contain(keyFile);
  });

  it('ssh: a known_hosts file that cannot be read is a BadInputError naming it', async () => {
    const t = sshTransport({
      port: 9,
      privateKeyFile: join(dir, 'rsa-key'),
      knownHostsFile: join(dir, 'no-such-known_hosts'),
    });
    const err = await showVersionError(t);
    expect(err).to.be.instanceOf(BadInputError);
    expect((err as Error).message)
      .to.contain('known_hosts file')
      .and.contain('no-such-known_hosts');
  });

  it('ssh: refuses to be built without a host-key pin or without a user key', () => {
    const base = {
      host: '127.0.0.1',
      port: 22,
      user: 'root',
      vtyshPath: 'vtysh',
      connectTimeoutMs: 1,
      commandTimeoutMs: 1,
    };
    expect(() => createSshTransport({ ...base, privateKeyFile: '/k' })).to.throw(
      BadInputError,
      'exactly one of knownHostsFile and hostKeyFingerprint',
    );
    expect(() =>
      createSshTransport({
        ...base,
        privateKeyFile: '/k',
        knownHostsFile: '/a',
        hostKeyFingerprint: 'SHA256:x',
      }),
    ).to.throw(BadInputError);
    expect(() => createSshTransport({ ...base, knownHostsFile: '/a' })).to.throw(
      BadInputError,
      'private key file or an ssh-agent',
    );
  });
});
