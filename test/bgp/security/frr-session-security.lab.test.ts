import { expect } from 'chai';
import type { DesiredRoute, SpeakerPeer } from '../../../src/bgp/index.js';
import { startFrr, type FrrRouter, speakerNeighborLines } from '../../lab/frr.js';
import { createLab, type Lab } from '../../lab/netns.js';
import { requireLab } from '../../support/requirements.js';
import { waitFor } from '../../support/wait-for.js';
import { SpeakerProcess } from '../lab/speaker-process.js';
import { labRouterPeer } from '../../lab/speaker-peer.js';
import { tcpExtCounter } from './support/tcp-counter.js';
import { nextHopsOf, routePrefixOf } from '../../support/routes.js';

const KEY = `crs-md5-${Math.random().toString(36).slice(2, 10)}`;
const ROUTE: DesiredRoute = {
  prefix: routePrefixOf('192.168.197.0/32'),
  nextHops: nextHopsOf(['192.168.201.2']),
  communities: [],
  largeCommunities: [],
};

const peer = (extra: Partial<SpeakerPeer>): SpeakerPeer =>
  labRouterPeer({ connectTimeSec: 3, sourceAddress: '192.168.201.2', ...extra });

async function frrPeerState(frr: FrrRouter): Promise<string | undefined> {
  const s = await frr.vtyshJson<{ ipv4Unicast?: { peers?: Record<string, { state?: string }> } }>(
    'show bgp summary json',
  );
  return s.ipv4Unicast?.peers?.['192.168.201.2']?.state;
}

/** Every byte our speaker process wrote (events and stderr), to check the key never appears. */
function speakerOutput(s: SpeakerProcess): string {
  return `${JSON.stringify(s.events)}\n${s.stderr}`;
}

/**
 * Runs our speaker (in the speaker namespace) with `p` for `ms` of attempts and returns its
 * state events; the FRR side is whatever the describe block configured.
 */
async function runSpeaker(lab: Lab, p: SpeakerPeer): Promise<SpeakerProcess> {
  return SpeakerProcess.start(lab.speakerNs, {
    routerId: '192.168.201.2',
    peers: [p],
    routes: { router: [ROUTE] },
  });
}

/** A TcpExt counter of the router namespace's kernel (/proc/net/netstat), e.g. TCPMD5Failure. */
async function routerTcpCounter(lab: Lab, name: string): Promise<number> {
  return tcpExtCounter((await lab.exec(lab.routerNs, 'cat', ['/proc/net/netstat'])).stdout, name);
}

interface ChildPeerStatus {
  state: string;
  stats: { establishedCount: number; lastStateReason?: string };
}

/**
 * The session does not come up: we wait until the speaker's status gives a failed attempt as
 * the reason of its current state (a connect attempt that timed out, a TCP error or an expired
 * timer), then check that neither side ever reached Established.
 */
async function expectNoSession(
  frr: FrrRouter,
  speaker: SpeakerProcess,
  reason: RegExp,
): Promise<ChildPeerStatus> {
  const status = await waitFor(
    'a failed attempt in the speaker status',
    async () => {
      const p = ((await speaker.status()).peers as ChildPeerStatus[])[0];
      return p && reason.test(p.stats.lastStateReason ?? '') ? p : undefined;
    },
    { timeoutMs: 120_000 },
  );
  expect(status.state).to.be.oneOf(['Idle', 'Connect', 'Active']);
  expect(status.stats.establishedCount).to.equal(0);
  expect(speaker.events.some((e) => e.event === 'established')).to.equal(false);
  expect(await frrPeerState(frr)).to.not.equal('Established');
  return status;
}

interface FrrLab {
  lab?: Lab;
  frr?: FrrRouter;
  speaker?: SpeakerProcess;
}

/**
 * The hooks of one describe: a lab whose FRR has `bgpLines`, and after each test our speaker
 * killed, having first checked, when `key` is given, that the speaker never printed it.
 */
function frrLab(opts: { lab?: { ipv6?: boolean }; bgpLines: string[]; key?: string }): FrrLab {
  const t: FrrLab = {};
  before(async function () {
    requireLab(this, { root: true, commands: ['vtysh', '/usr/lib/frr/bgpd'] });
    t.lab = await createLab(opts.lab);
    t.frr = await startFrr(t.lab, { bgpLines: opts.bgpLines });
  });
  afterEach(async () => {
    if (t.speaker && opts.key !== undefined)
      expect(speakerOutput(t.speaker).includes(opts.key), 'the key in speaker output').to.equal(false);
    await t.speaker?.kill();
    t.speaker = undefined;
  });
  after(async () => {
    await t.frr?.stop();
    await t.lab?.destroy();
  });
  return t;
}

describe('BGP session security against real FRR 8.4 @lab', function () {
  this.timeout(240_000);

  describe('TCP-MD5 (neighbor password)', function () {
    const t = frrLab({ bgpLines: speakerNeighborLines({ neighbor: [`password ${KEY}`] }), key: KEY });

    it('reaches Established with the right key, and FRR installs the route', async () => {
      t.speaker = await runSpeaker(t.lab!, peer({ password: KEY }));
      await t.speaker.waitEvent((e) => e.event === 'established', 60_000);
      await waitFor('FRR to show Established', async () => (await frrPeerState(t.frr!)) === 'Established');
      await waitFor('the route in FRR', async () =>
        (await t.frr!.vtysh('show ip route bgp')).includes('192.168.197.0/32'),
      );
    });

    it('does not come up with a wrong key; the state says it is still connecting', async () => {
      const before = await routerTcpCounter(t.lab!, 'TCPMD5Failure');
      t.speaker = await runSpeaker(t.lab!, peer({ password: `${KEY}-wrong` }));
      await expectNoSession(t.frr!, t.speaker, /connect retry timer expired/);
      // The router's kernel saw our signed SYNs and dropped them for a bad signature.
      expect(await routerTcpCounter(t.lab!, 'TCPMD5Failure')).to.be.greaterThan(before);
    });

    it('does not come up without a key', async () => {
      const before = await routerTcpCounter(t.lab!, 'TCPMD5NotFound');
      t.speaker = await runSpeaker(t.lab!, peer({}));
      await expectNoSession(t.frr!, t.speaker, /connect retry timer expired/);
      expect(await routerTcpCounter(t.lab!, 'TCPMD5NotFound')).to.be.greaterThan(before);
    });
  });

  describe('GTSM (neighbor ttl-security hops 1)', function () {
    const t = frrLab({ bgpLines: speakerNeighborLines({ neighbor: ['ttl-security hops 1'] }) });

    it('does not come up when we send the default TTL', async () => {
      const before = await routerTcpCounter(t.lab!, 'TCPMinTTLDrop');
      t.speaker = await runSpeaker(t.lab!, peer({}));
      // TCP itself comes up (FRR sets the minimum TTL on the accepted socket), then the router's
      // kernel drops every segment of ours below TTL 255: our OPEN never reaches bgpd.
      await waitFor(
        'the router kernel to drop our low-TTL segments',
        async () => (await routerTcpCounter(t.lab!, 'TCPMinTTLDrop')) > before,
      );
      const p = ((await t.speaker.status()).peers as ChildPeerStatus[])[0];
      expect(p?.state).to.not.equal('Established');
      expect(p?.stats.establishedCount).to.equal(0);
      expect(await frrPeerState(t.frr!)).to.not.equal('Established');
      const n = await t.frr!.vtyshJson<Record<string, { messageStats?: { opensRecv?: number } }>>(
        'show bgp neighbors 192.168.201.2 json',
      );
      expect(n['192.168.201.2']?.messageStats?.opensRecv ?? 0).to.equal(0);
    });

    it('reaches Established when we send TTL 255 (ttlSecurity)', async () => {
      t.speaker = await runSpeaker(t.lab!, peer({ ttlSecurity: true }));
      await t.speaker.waitEvent((e) => e.event === 'established', 60_000);
      await waitFor('FRR to show Established', async () => (await frrPeerState(t.frr!)) === 'Established');
    });
  });

  describe('IPv6 transport: TCP-MD5 and GTSM together (sockaddr_in6, IPV6_UNICAST_HOPS, IPV6_MINHOPCOUNT)', function () {
    const v6peer = (extra: Partial<SpeakerPeer>): SpeakerPeer =>
      peer({ peerAddress: 'fd00:201::1', sourceAddress: 'fd00:201::2', ...extra });
    const t = frrLab({
      lab: { ipv6: true },
      bgpLines: speakerNeighborLines({
        address: 'fd00:201::2',
        neighbor: [`password ${KEY}`, 'ttl-security hops 1'],
      }),
      key: KEY,
    });

    const frrState = async (): Promise<string | undefined> =>
      (await t.frr!.vtyshJson<Record<string, { bgpState?: string }>>('show bgp neighbors fd00:201::2 json'))[
        'fd00:201::2'
      ]?.bgpState;

    it('does not come up with the key but without GTSM', async () => {
      const before = await routerTcpCounter(t.lab!, 'TCPMinTTLDrop');
      t.speaker = await runSpeaker(t.lab!, v6peer({ password: KEY }));
      await waitFor(
        'the router kernel to drop our low hop-limit segments',
        async () => (await routerTcpCounter(t.lab!, 'TCPMinTTLDrop')) > before,
      );
      expect(t.speaker.events.some((e) => e.event === 'established')).to.equal(false);
      expect(await frrState()).to.not.equal('Established');
    });

    it('reaches Established with the key and hop limit 255', async () => {
      t.speaker = await runSpeaker(t.lab!, v6peer({ password: KEY, ttlSecurity: true }));
      await t.speaker.waitEvent((e) => e.event === 'established', 60_000);
      await waitFor('FRR to show Established', async () => (await frrState()) === 'Established');
    });
  });
});
