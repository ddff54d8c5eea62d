import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { requireLab } from '../support/requirements.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from './frr.js';
import { createLab, type Lab } from './netns.js';
import { VtyshReplyFramer, VtyshSession, VtyshSessionError } from './vtysh-session.js';

const CAPTURED = readFileSync(
  new URL('../../fixtures/vtysh-session/session-stdout.txt', import.meta.url),
  'utf8',
);

interface Summary {
  ipv4Unicast: { as: number; peers: Record<string, { pfxRcd: number; state: string }> };
}

describe('VtyshReplyFramer on a captured vtysh session', () => {
  it('splits the stdout into one reply per command, without echo and prompt', () => {
    const replies = new VtyshReplyFramer().push(CAPTURED);
    expect(replies).to.have.length(3);
    const summary = JSON.parse(replies[0]!) as Summary;
    expect(summary.ipv4Unicast.peers['192.168.201.2']!.pfxRcd).to.equal(100000);
    expect(replies[1]).to.match(/^FRRouting 8\.4\.4 \(vm\) on Linux/);
    expect(replies[1]!.split('\n')).to.have.length(5);
    expect(replies[2]).to.equal('% Unknown command: show bgp nonsense\n');
  });

  it('gives the same replies however the pipe cut the stream into chunks', () => {
    const whole = new VtyshReplyFramer().push(CAPTURED);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: CAPTURED.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const at = [0, ...cuts.sort((a, b) => a - b), CAPTURED.length];
          const framer = new VtyshReplyFramer();
          const got: string[] = [];
          for (let i = 1; i < at.length; i++) got.push(...framer.push(CAPTURED.slice(at[i - 1], at[i])));
          expect(got).to.deep.equal(whole);
        },
      ),
    );
  });

  it('gives no reply before the banner and first prompt, and none for the banner', () => {
    const framer = new VtyshReplyFramer();
    const bannerEnd = CAPTURED.indexOf('vm# ') + 'vm# '.length;
    expect(framer.push(CAPTURED.slice(0, bannerEnd - 1))).to.deep.equal([]);
    expect(framer.ready).to.equal(false);
    expect(framer.push(CAPTURED.slice(bannerEnd - 1, bannerEnd))).to.deep.equal([]);
    expect(framer.ready).to.equal(true);
  });
});

describe('lab: VtyshSession against FRR @lab', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let frr: FrrRouter | undefined;
  let session: VtyshSession | undefined;

  before(async function () {
    requireLab(this, { root: true, commands: ['ip', 'vtysh', '/usr/lib/frr/bgpd', '/usr/lib/frr/zebra'] });
    lab = await createLab();
    frr = await startFrr(lab, {
      bgpLines: speakerNeighborLines(),
    });
    session = await VtyshSession.open(frr.vtyshPath);
  });

  after(async () => {
    await session?.close();
    await frr?.stop();
    await lab?.destroy();
  });

  it('answers commands sent back to back, each with its own reply, in order', async () => {
    const [summary, version, unknown] = await Promise.all([
      session!.json<Summary>('show bgp summary json'),
      session!.command('show version'),
      session!.command('show bgp nonsense'),
    ]);
    expect(summary.ipv4Unicast.as).to.equal(64501);
    expect(Object.keys(summary.ipv4Unicast.peers)).to.deep.equal(['192.168.201.2']);
    expect(version).to.match(/^FRRouting 8\.4/);
    expect(unknown).to.match(/Unknown command/);
    // The same reply as a separate vtysh process gives.
    expect(await session!.command('show running-config')).to.equal(await frr!.vtysh('show running-config'));
  });

  it('refuses a command spanning lines, which would put the replies out of step', async () => {
    let err: unknown;
    await session!.command('show version\nshow version').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(VtyshSessionError);
    expect(await session!.command('show bgp nonsense')).to.match(/Unknown command/);
  });

  it('rejects with a typed error once vtysh is gone', async () => {
    const other = await VtyshSession.open(frr!.vtyshPath);
    await other.close();
    let err: unknown;
    await other.command('show version').catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(VtyshSessionError);
  });
});
