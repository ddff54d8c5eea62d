import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { access, cp, mkdtemp, readdir, readlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embeddedDefaultDir } from '../../../src/config/index.js';
import { buildOpen, createContext, encodeMessage } from '../../../src/bgp/wire/index.js';
import { killChild } from '../../lab/cleanup.js';
import { localRouterYaml, startFrr, speakerNeighborLines } from '../../lab/frr.js';
import { createLab, run } from '../../lab/netns.js';
import { frrTable } from '../../lab/route-tables.js';
import { labRunConfigYaml } from '../../lab/speaker-peer.js';
import { spawnTsxIn } from '../../lab/tsx-in-namespace.js';
import { requireLab } from '../../support/requirements.js';
import { waitFor } from '../../support/wait-for.js';
import { RunProcess } from './run-process.js';
import { runLabHooks } from './run-lab.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The value of the first `key` anywhere in a JSON document (FRR nests GR details per version). */
function findKey(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  if (key in value) return (value as Record<string, unknown>)[key];
  for (const v of Object.values(value)) {
    const hit = findKey(v, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe('lab: run shuts down on SIGTERM with a colliding router connection open, R bit from speaker.stateFile @lab', function () {
  this.timeout(300_000);
  let collider: ChildProcess | undefined;
  // Registered first, so it runs first: the collider lives in the router namespace.
  after(async () => killChild(collider));
  const t = runLabHooks();
  let configFile: string;
  let manifests: string;
  let stateFile: string;

  before(async function () {
    requireLab(this, {
      root: true,
      commands: ['ip', 'ss', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'],
    });
    t.lab = await createLab({ speakerAddresses: ['192.168.201.11/24', '192.168.201.12/24'] });
    t.frr = await startFrr(t.lab, {
      bgpLines: speakerNeighborLines({ neighbor: ['timers connect 1'], ecmp: true }),
    });
    t.dir = await mkdtemp(join(tmpdir(), 'crs-shutdown-'));
    manifests = join(t.dir, 'manifests');
    await cp(join(embeddedDefaultDir(), 'manifests'), manifests, { recursive: true });
    stateFile = join(t.dir, 'speaker.state');
    configFile = join(t.dir, 'crs.yaml');
    await writeFile(
      configFile,
      labRunConfigYaml(localRouterYaml(t.frr), [
        'speaker:',
        '  listenAddress: 192.168.201.2',
        `  stateFile: ${stateFile}`,
        'pools:',
        '  - name: default',
        '    addresses: [192.168.197.0/24]',
      ]),
    );
  });

  const start = (...extra: string[]) =>
    new RunProcess(t.lab!.speakerNs, ['run', '--config', configFile, '--manifests', manifests, ...extra]);

  /** FRR's view of our OPEN: whether it carried the graceful-restart R bit. */
  async function rBitSeenByFrr(): Promise<boolean> {
    const json = await t.frr!.vtyshJson<unknown>('show bgp neighbors 192.168.201.2 json');
    const bit = findKey(json, 'rBit');
    if (typeof bit !== 'boolean') throw new Error(`no rBit in FRR's neighbor JSON: ${JSON.stringify(json)}`);
    return bit;
  }

  async function announced(p: RunProcess): Promise<void> {
    await waitFor(
      'the seed routes on FRR',
      async () => Object.keys(await frrTable(t.frr!)).length === 3,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${p.tail()}`);
    });
  }

  /**
   * The TCP sockets process `pid` holds open, as `STATE local remote`: the inodes of its file
   * descriptors (/proc/<pid>/fd) matched with the namespace's sockets (`ss -e`).
   */
  async function tcpSocketsOf(pid: number): Promise<string[]> {
    const fds = await readdir(`/proc/${pid}/fd`);
    const inodes = new Set<string>();
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) inodes.add(m[1]!);
    }
    const lines = (await run('ss', ['-tane', '-N', t.lab!.speakerNs])).stdout.split('\n').slice(1);
    return lines
      .filter((l) => inodes.has(/ ino:(\d+)/.exec(l)?.[1] ?? ''))
      .map((l) => l.split(/\s+/))
      .map(([state, , , local, remote]) => `${state} ${local} ${remote}`);
  }

  it('first start: no R bit; the state file appears once routes went out', async () => {
    expect(await exists(stateFile)).to.equal(false);
    t.proc = start();
    await announced(t.proc);
    expect(await rBitSeenByFrr()).to.equal(false);
    await waitFor('speaker.stateFile to be written', () => exists(stateFile));
  });

  it('destroys a colliding connection the router never closes, then exits 0 on SIGTERM', async () => {
    // The router side of a second connection: it sends its OPEN and then neither reads nor closes,
    // which kept our half-closed socket (and with it shutdown) open for good.
    const open = encodeMessage(
      buildOpen({ asn: 64501, holdTime: 90, bgpId: '192.168.198.254', capabilities: [] }),
      createContext(),
    ).toString('hex');
    const script = `import { connect } from 'node:net';
const s = connect({ host: '192.168.201.2', port: 179, localAddress: '192.168.201.1' }, () => {
  s.pause();
  s.write(Buffer.from('${open}', 'hex'));
  process.stdout.write(s.localPort + '\\n');
});
s.on('error', (e) => { process.stderr.write(e.message); process.exit(1); });`;
    collider = spawnTsxIn(t.lab!.routerNs, ['--input-type=module', '-e', script], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    collider.stdout!.on('data', (c: Buffer) => (printed += c.toString()));
    const port = Number(
      await waitFor('the colliding connection', () => /^\d+\n/.test(printed) && printed.trim()),
    );
    const colliding = `192.168.201.1:${port}`;
    await waitFor('our end of the colliding connection to be closed', async () =>
      (await tcpSocketsOf(t.proc!.pid)).every((l) => !l.endsWith(colliding)),
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${(await tcpSocketsOf(t.proc!.pid)).join('\n')}\n${t.proc!.tail()}`);
    });
    expect(t.proc!.stderr).to.include('rejecting an extra incoming connection');
    // What the process still has open: our BGP listener, the metrics server and the session to
    // FRR, nothing else. The session is whichever connection won the collision (RFC 4271 §6.8):
    // ours to FRR's port 179, or FRR's to our listener.
    const sockets = await tcpSocketsOf(t.proc!.pid);
    const session = sockets.filter((l) => l.startsWith('ESTAB'));
    expect(session, sockets.join('\n')).to.have.length(1);
    expect(session[0]).to.match(
      /^ESTAB 192\.168\.201\.2:(179 192\.168\.201\.1:\d+|\d+ 192\.168\.201\.1:179)$/,
    );
    expect(sockets).to.have.members([
      'LISTEN 192.168.201.2:179 0.0.0.0:*',
      'LISTEN 127.0.0.1:9473 0.0.0.0:*',
      session[0],
    ]);

    t.proc!.signal('SIGTERM');
    const code = await t.proc!.exited;
    expect(code, t.proc!.tail()).to.equal(0);
    // keep-routes: the routes stay (graceful restart), and so does the marker.
    expect(Object.keys(await frrTable(t.frr!))).to.have.length(3);
    expect(await exists(stateFile)).to.equal(true);
  });

  it('a start after that sets the R bit; a shutdown that withdraws removes the state file', async () => {
    // Gone already, unless the test before failed short of its SIGTERM: it would hold the session.
    await t.proc?.kill();
    const next = start('--withdraw-on-exit');
    t.proc = next;
    await waitFor('the new session', () => next.stderr.includes('BGP session established'));
    await announced(next);
    expect(await rBitSeenByFrr()).to.equal(true);
    t.proc.signal('SIGTERM');
    expect(await t.proc.exited, t.proc.tail()).to.equal(0);
    expect(await exists(stateFile)).to.equal(false);
  });
});
