import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InvalidPeerConfigError } from '../../../src/bgp/errors.js';
import {
  openSecurableListener,
  securedConnector,
  secureListenerForPeer,
  socketSecurityFor,
  type SocketSecurity,
} from '../../../src/bgp/socket-options.js';
import { encodeSockaddr, encodeTcpMd5sig } from '../../../src/bgp/socket-options/structs.js';
import { waitFor } from '../../support/wait-for.js';
import { tcpCounter } from './support/tcp-counter.js';

const KEY = 'loopback-md5-key';
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').trim();

describe('bgp socket options: struct layouts', () => {
  it('encodes struct tcp_md5sig byte for byte as C does (gcc fixture)', () => {
    expect(encodeTcpMd5sig('192.168.201.1', 6, Buffer.from('abc')).toString('hex')).to.equal(
      fixture('tcp_md5sig-x86_64.hex'),
    );
  });

  it('encodes sockaddr_in and sockaddr_in6 (family host order, port network order)', () => {
    expect(encodeSockaddr('192.168.201.1', 179, 4).toString('hex')).to.equal(
      '0200' + '00b3' + 'c0a8c901' + '00'.repeat(8),
    );
    expect(encodeSockaddr('fd00:201::1', 179, 6).toString('hex')).to.equal(
      '0a00' + '00b3' + '00000000' + 'fd000201000000000000000000000001' + '00000000',
    );
    expect(() => encodeSockaddr('fd00::1', 0, 4)).to.throw(TypeError);
    expect(() => encodeTcpMd5sig('192.0.2.1', 4, Buffer.alloc(81))).to.throw(RangeError);
  });
});

describe('bgp socket options: what a peer asks for', () => {
  const base = { name: 'router' };
  it('nothing, or an empty password (MetalLB: none), needs no FFI', () => {
    expect(socketSecurityFor(base)).to.equal(undefined);
    expect(socketSecurityFor({ ...base, password: '' })).to.equal(undefined);
    expect(socketSecurityFor({ ...base, password: KEY, ttlSecurity: true })).to.deep.equal({
      password: KEY,
      ebgpMultiHop: false,
      ttlSecurity: true,
    });
  });

  it('refuses a passwordSecret nobody resolved (no silent unsigned session)', () => {
    expect(() => socketSecurityFor({ ...base, passwordSecret: { name: 'bgp-auth' } })).to.throw(
      InvalidPeerConfigError,
      /peer router: passwordSecret: Secret 'bgp-auth' was not resolved/,
    );
    expect(
      socketSecurityFor({ ...base, password: KEY, passwordSecret: { name: 'bgp-auth' } }),
    ).to.deep.include({
      password: KEY,
    });
  });

  it('refuses GTSM with multihop and an over-long key, without echoing the key', () => {
    expect(() => socketSecurityFor({ ...base, ebgpMultiHop: true, ttlSecurity: true })).to.throw(
      InvalidPeerConfigError,
      /ttlSecurity/,
    );
    const long = 'k'.repeat(81);
    expect(() => socketSecurityFor({ ...base, password: long }))
      .to.throw(InvalidPeerConfigError, /peer router: password: longer than 80 bytes/)
      .with.property('message')
      .that.does.not.include(long);
  });
});

describe('bgp socket options: where the host cannot', () => {
  const cases: Array<[string, 'darwin' | 'no-koffi', RegExp]> = [
    ['off Linux', 'darwin', /FFI unavailable: needs Linux socket options, this is darwin$/],
    [
      'without the optional dependency koffi',
      'no-koffi',
      /FFI unavailable: the optional dependency koffi is not installed \(npm install koffi\); TCP-MD5 passwords, ebgp-multihop and ttl-security need it$/,
    ],
  ];
  for (const [where, host, reason] of cases) {
    it(`${where}: adding a password peer throws SocketOptionError naming peer, option and reason; a connect attempt fails with it`, async function () {
      this.timeout(60_000);
      const child = fileURLToPath(new URL('./support/no-ffi-child.ts', import.meta.url));
      const run = promisify(execFile)(process.execPath, ['--import', 'tsx', child, host, KEY]);
      const { stdout, stderr } = await run;
      const out = JSON.parse(stdout) as Record<string, Record<string, string>>;
      expect(out.addPeer).to.deep.include({
        name: 'SocketOptionError',
        peer: 'router',
        option: 'password',
        cause: 'FfiUnavailableError',
      });
      expect(out.addPeer?.message).to.match(/^peer router: cannot apply password to the BGP socket: /);
      expect(out.addPeer?.message).to.match(reason);
      expect(out.connect).to.deep.include({ name: 'SocketOptionError', option: 'ttlSecurity' });
      expect(out.connect?.message).to.match(reason);
      expect((stdout + stderr).includes(KEY), 'the key in the child output').to.equal(false);
    });
  }
});

describe('bgp socket options on loopback sockets (Linux)', function () {
  this.timeout(60_000);
  let server: Server | undefined;
  let port = 0;
  const open: Socket[] = [];

  async function listen(security: SocketSecurity): Promise<void> {
    const listener = openSecurableListener('127.0.0.1', 0);
    secureListenerForPeer(listener, 'client', '127.0.0.1', security);
    server = createServer((s) => s.end('hello'));
    await new Promise<void>((resolve) => server!.listen({ fd: listener.fd }, resolve));
    port = (server.address() as { port: number }).port;
  }

  /** 'hello' once connected, or the error; undefined while neither happened. */
  function attempt(security: SocketSecurity): () => string | undefined {
    let result: string | undefined;
    const s = securedConnector('server', security)({ host: '127.0.0.1', port }) as Socket;
    open.push(s);
    s.on('data', (d: Buffer) => (result = d.toString()));
    s.on('error', (e: Error) => (result = `error ${e.message}`));
    return () => result;
  }

  beforeEach(function () {
    if (process.platform !== 'linux') this.skip();
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  it('the same key on both ends connects; a wrong or missing key is dropped by the kernel', async () => {
    await listen({ password: KEY, ebgpMultiHop: false, ttlSecurity: false });
    const right = attempt({ password: KEY, ebgpMultiHop: false, ttlSecurity: false });
    expect(await waitFor('the signed connection', right)).to.equal('hello');

    const failures = tcpCounter('TCPMD5Failure');
    const wrong = attempt({ password: `${KEY}-x`, ebgpMultiHop: false, ttlSecurity: false });
    await waitFor('a bad-signature drop', () => tcpCounter('TCPMD5Failure') > failures);
    const notFound = tcpCounter('TCPMD5NotFound');
    const missing = attempt({ ebgpMultiHop: false, ttlSecurity: false });
    await waitFor('an unsigned-segment drop', () => tcpCounter('TCPMD5NotFound') > notFound);
    expect([wrong(), missing()]).to.deep.equal([undefined, undefined]);
  });

  it('GTSM: our minimum TTL drops a SYN-ACK below 255; a listener sending 255 gets through', async () => {
    await listen({ ebgpMultiHop: false, ttlSecurity: false });
    const drops = tcpCounter('TCPMinTTLDrop');
    const low = attempt({ ebgpMultiHop: false, ttlSecurity: true });
    await waitFor('a min-TTL drop', () => tcpCounter('TCPMinTTLDrop') > drops);
    expect(low()).to.equal(undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    await listen({ ebgpMultiHop: false, ttlSecurity: true });
    expect(
      await waitFor('the GTSM connection', attempt({ ebgpMultiHop: false, ttlSecurity: true })),
    ).to.equal('hello');
  });
});
