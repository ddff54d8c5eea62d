import { expect } from 'chai';
import type sinon from 'sinon';
import {
  PeerSession,
  type EstablishedEvent,
  type SessionConfig,
  type StateChangeEvent,
} from '../../src/bgp/session.js';
import { silentLog } from '../../src/util/log.js';
import {
  buildOpen,
  createContext,
  encodeMessage,
  type BgpMessage,
  type Capability,
  type NotificationMessage,
  type OpenMessage,
  type UpdateMessage,
} from '../../src/bgp/wire/index.js';
import { fakeClock, fakeConnector, FakeConnection } from './support/fake-peer.js';
import { testSessionConfig } from './support/session-config.js';
import { CLOSE_GRACE_MS } from '../../src/bgp/session.js';
import { communitiesOf, nextHopsOf, routePrefixOf } from '../support/routes.js';

const PEER_CAPS: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 1 },
  { kind: 'route-refresh' },
  { kind: 'enhanced-route-refresh' },
  { kind: 'four-octet-as', asn: 64501 },
  { kind: 'extended-message' },
  { kind: 'add-path', families: [{ afi: 1, safi: 1, send: false, receive: true }] },
  { kind: 'graceful-restart', restarting: false, notification: false, restartTime: 120, families: [] },
];

function peerOpen(over: Partial<OpenMessage> = {}, caps: Capability[] = PEER_CAPS): OpenMessage {
  return { ...buildOpen({ asn: 64501, holdTime: 9, bgpId: '192.168.198.254', capabilities: caps }), ...over };
}

const KEEPALIVE: BgpMessage = { type: 'keepalive' };

describe('PeerSession FSM (fake timers, in-memory transport)', () => {
  let fake: sinon.SinonFakeTimers;
  let session: PeerSession;
  let conns: FakeConnection[];
  let connectTimes: number[];
  let states: StateChangeEvent[];

  // random() = 0.5 makes the jitter factor exactly 1, so back-off delays are predictable.
  function make(over: Partial<SessionConfig> = {}, random: () => number = () => 0.5): PeerSession {
    const fc = fakeClock();
    fake = fc.fake;
    const net = fakeConnector(fc.clock);
    conns = net.connections;
    connectTimes = net.times;
    states = [];
    session = new PeerSession(testSessionConfig(over), {
      clock: fc.clock,
      connector: net.connector,
      logger: silentLog,
      random,
    });
    session.on('state', (s) => states.push(s));
    return session;
  }

  /** The peer refuses `n` connect attempts in turn; returns the wait before each next attempt. */
  function refuse(n: number): number[] {
    const closedAt: number[] = [];
    for (let i = 0; i < n; i++) {
      conns[conns.length - 1]!.peerCloses();
      closedAt.push(fake.now);
      fake.next();
    }
    return connectTimes.slice(1).map((t, i) => t - closedAt[i]!);
  }

  afterEach(() => fake?.restore());

  /** Drives the outgoing connection to Established; returns it with the peer's decoding context. */
  function establish(open: OpenMessage = peerOpen()): FakeConnection {
    session.start();
    const c = conns[conns.length - 1]!;
    c.connected();
    c.send(open);
    c.send(KEEPALIVE);
    c.ctx = createContext({
      fourOctetAs: true,
      extendedMessage: true,
      addPath: { receive: { ipv4: true, ipv6: false }, send: { ipv4: false, ipv6: false } },
    });
    return c;
  }

  const notifications = (c: FakeConnection) =>
    c
      .messages()
      .filter((m): m is NotificationMessage => m.type === 'notification')
      .map((n) => `${n.code}/${n.subcode}`);

  it('walks Idle -> Connect -> OpenSent -> OpenConfirm -> Established, each change with a reason', () => {
    make();
    const c = establish();
    expect(states.map((s) => `${s.from}->${s.to}`)).to.deep.equal([
      'Idle->Connect',
      'Connect->OpenSent',
      'OpenSent->OpenConfirm',
      'OpenConfirm->Established',
    ]);
    expect(states.every((s) => s.reason.length > 0)).to.equal(true);
    const [open, keepalive, eor] = c.messages();
    expect(keepalive).to.deep.equal({ type: 'keepalive' });
    // End-of-RIB for IPv4 follows the (empty) initial table.
    expect(eor).to.deep.include({ type: 'update', withdrawn: [], nlri: [] });
    const caps = (open as OpenMessage).capabilities;
    expect(caps).to.deep.include({
      kind: 'graceful-restart',
      restarting: false,
      notification: false,
      restartTime: 120,
      families: [{ afi: 1, safi: 1, forwarding: true }],
    });
    expect(caps).to.deep.include({
      kind: 'add-path',
      families: [{ afi: 1, safi: 1, send: true, receive: false }],
    });
    expect(session.negotiated?.holdTimeSec).to.equal(9);
    expect(session.negotiated?.addPathSend.has(4)).to.equal(true);
  });

  it('sends KEEPALIVEs every third of the hold time and sends NOTIFICATION 4/0 when the hold timer expires', () => {
    make();
    const c = establish();
    c.newMessages();
    fake.tick(3000);
    expect(c.newMessages()).to.deep.equal([{ type: 'keepalive' }]);
    // Peer keepalives keep the session up past the 9 s hold time...
    for (let i = 0; i < 4; i++) {
      fake.tick(3000);
      c.send(KEEPALIVE);
    }
    expect(session.state).to.equal('Established');
    // ...silence does not.
    fake.tick(9000);
    expect(notifications(c)).to.deep.equal(['4/0']);
    expect(c.ended).to.equal(true);
    expect(session.state).to.equal('Idle');
    expect(states[states.length - 1]!.reason).to.match(/hold timer expired; retry in 1000 ms/);
    fake.tick(1000);
    expect(conns).to.have.length(2);
    expect(session.state).to.equal('Connect');
  });

  it('backs off exponentially (capped) while the peer refuses connections, and resets once Established', () => {
    make();
    session.start();
    expect(refuse(6)).to.deep.equal([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(states.map((s) => s.to).slice(0, 3)).to.deep.equal(['Connect', 'Active', 'Connect']);
    const c = conns[conns.length - 1]!;
    c.connected();
    c.send(peerOpen());
    c.send(KEEPALIVE);
    expect(session.state).to.equal('Established');
    c.peerCloses();
    const before = conns.length;
    fake.tick(1000);
    expect(conns.length).to.equal(before + 1);
  });

  it('jitters the back-off within the configured bounds', () => {
    let r = 0;
    const randoms = [0, 0.999, 0.3];
    const s = make(
      {
        name: 'j',
        addPath: { send: false, receive: false },
        gracefulRestart: undefined,
        backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.25 },
      },
      () => randoms[r++ % 3]!,
    );
    s.start();
    expect(refuse(3)).to.deep.equal([750, 2499, 3600]);
  });

  it('retries the connect attempt when the connect-retry timer expires', () => {
    make({ connectRetrySec: 5 });
    session.start();
    fake.tick(5000);
    expect(conns).to.have.length(2);
    expect(conns[0]!.destroyed).to.equal(true);
    expect(session.state).to.equal('Connect');
  });

  for (const [ours, theirs, keep] of [
    ['192.168.201.2', '192.168.198.254', 'outgoing'],
    ['10.0.0.1', '192.168.198.254', 'incoming'],
  ] as const) {
    it(`resolves a connection collision by BGP identifier (local ${ours}, remote ${theirs}: keeps ${keep})`, () => {
      make({ routerId: ours });
      session.start();
      const outgoing = conns[0]!;
      outgoing.connected();
      const incoming = new FakeConnection();
      session.acceptIncoming(incoming);
      expect(session.state).to.equal('OpenSent');
      const open = peerOpen({ bgpId: theirs });
      outgoing.send(open);
      expect(session.state).to.equal('OpenConfirm');
      incoming.send(open);
      const [winner, loser] = keep === 'outgoing' ? [outgoing, incoming] : [incoming, outgoing];
      expect(notifications(loser)).to.deep.equal(['6/7']);
      expect(loser.isClosed).to.equal(true);
      expect(notifications(winner)).to.deep.equal([]);
      if (keep === 'incoming')
        expect(winner.messages().map((m) => m.type)).to.deep.equal(['open', 'keepalive']);
      winner.send(KEEPALIVE);
      expect(session.state).to.equal('Established');
    });
  }

  it('closes a new incoming connection that collides with an Established session (Cease 6/7)', () => {
    make();
    const c = establish();
    const late = new FakeConnection();
    session.acceptIncoming(late);
    expect(notifications(late)).to.deep.equal(['6/7']);
    expect(session.state).to.equal('Established');
    expect(c.isClosed).to.equal(false);
  });

  it('destroys a colliding connection whose peer never closes it, and stop() does not wait for it', async () => {
    make();
    establish();
    const late = new FakeConnection();
    late.peerKeepsOpen = true;
    session.acceptIncoming(late);
    expect(notifications(late)).to.deep.equal(['6/7']);
    expect(late.ended).to.equal(true);
    expect(late.isClosed).to.equal(false);
    // A reset on a socket we are done with is logged, not thrown (an unhandled 'error' ends the process).
    expect(() => late.emit('error', new Error('read ECONNRESET'))).not.to.throw();
    fake.tick(CLOSE_GRACE_MS);
    expect(late.destroyed).to.equal(true);

    const again = new FakeConnection();
    again.peerKeepsOpen = true;
    session.acceptIncoming(again);
    const stopped = session.stop({ keepRoutes: true });
    fake.tick(CLOSE_GRACE_MS);
    await stopped;
    expect(again.destroyed).to.equal(true);
    expect(conns.every((x) => x.isClosed)).to.equal(true);
  });

  it('closes without NOTIFICATION on a keep-routes stop, so the router keeps our routes as stale', async () => {
    make();
    const c = establish();
    await session.stop({ keepRoutes: true });
    expect(notifications(c)).to.deep.equal([]);
    expect(c.destroyed).to.equal(true);
    expect(session.state).to.equal('Idle');
  });

  it('abort() destroys every connection at once and says what was open', () => {
    make();
    const c = establish();
    const late = new FakeConnection();
    late.peerKeepsOpen = true;
    session.acceptIncoming(late);
    expect(session.abort()).to.deep.equal([
      'router: outgoing connection in Established',
      'router: a connection that got our NOTIFICATION and was not closed',
    ]);
    expect(c.destroyed && late.destroyed).to.equal(true);
    expect(notifications(c)).to.deep.equal([]);
  });

  describe('End-of-RIB waits for the initial table (RFC 4724 §4.1)', () => {
    const table = [
      {
        prefix: routePrefixOf('192.168.197.0/32'),
        nextHops: nextHopsOf(['192.168.201.11']),
        communities: [],
        largeCommunities: [],
      },
      {
        prefix: routePrefixOf('192.168.197.2/32'),
        nextHops: nextHopsOf(['192.168.201.11', '192.168.201.12']),
        communities: [],
        largeCommunities: [],
      },
    ];
    const kinds = (msgs: BgpMessage[]) =>
      msgs.map((m) =>
        m.type !== 'update'
          ? m.type
          : m.nlri.length + m.withdrawn.length === 0
            ? 'eor'
            : `update ${m.nlri.map((p) => `${p.addr.join('.')}/${p.len}#${p.pathId}`).join(' ')}`,
      );

    it('an Established session sends neither table nor End-of-RIB until the table is declared complete', () => {
      make({ awaitInitialTable: true });
      const c = establish();
      expect(kinds(c.newMessages())).to.deep.equal(['open', 'keepalive']);
      session.setDesiredRoutes(table.slice(0, 1));
      fake.tick(1000);
      // A route refresh now would be answered with an empty table, and the router would purge.
      c.send({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 });
      session.setDesiredRoutes(table);
      fake.tick(1000);
      expect(c.newMessages()).to.deep.equal([]);
      session.initialTableComplete();
      expect(kinds(c.newMessages())).to.deep.equal([
        'update 192.168.197.0/32#1 192.168.197.2/32#1',
        'update 192.168.197.2/32#2',
        'eor',
      ]);
      session.setDesiredRoutes(table.slice(0, 1));
      fake.tick(10);
      expect(kinds(c.newMessages())).to.deep.equal(['update ']);
    });

    it('a table set before the session is up goes out (prepared) with End-of-RIB once complete', () => {
      make({ awaitInitialTable: true });
      session.start();
      session.setDesiredRoutes(table);
      session.initialTableComplete();
      const c = conns[0]!;
      c.connected();
      c.send(peerOpen());
      c.send(KEEPALIVE);
      c.ctx = createContext({
        fourOctetAs: true,
        extendedMessage: true,
        addPath: { receive: { ipv4: true, ipv6: false }, send: { ipv4: false, ipv6: false } },
      });
      expect(kinds(c.messages())).to.deep.equal([
        'open',
        'keepalive',
        'update 192.168.197.0/32#1 192.168.197.2/32#1',
        'update 192.168.197.2/32#2',
        'eor',
      ]);
    });

    it('a table set before the session is up but not declared complete waits too', () => {
      make({ awaitInitialTable: true });
      session.start();
      session.setDesiredRoutes(table.slice(0, 1));
      const c = establish();
      expect(kinds(c.newMessages())).to.deep.equal(['open', 'keepalive']);
      session.initialTableComplete();
      expect(kinds(c.newMessages())).to.deep.equal(['update 192.168.197.0/32#1', 'eor']);
    });
  });

  describe('timers that hold up re-establishing stay below the restart time', () => {
    // Restart time 8 s: every such timer is at most 2 s (a quarter).
    const gr = { restartTimeSec: 8, restarted: true };

    it('gives up on a peer that accepted TCP and never sends its OPEN (4/0), and dials again', () => {
      make({ gracefulRestart: gr });
      session.start();
      conns[0]!.connected();
      fake.tick(1999);
      expect(notifications(conns[0]!)).to.deep.equal([]);
      fake.tick(1);
      expect(notifications(conns[0]!)).to.deep.equal(['4/0']);
      fake.tick(1000);
      expect(conns).to.have.length(2);
    });

    it('bounds the OpenConfirm wait, the connect attempt and the back-off', () => {
      make({
        gracefulRestart: gr,
        connectRetrySec: 30,
        backoff: { initialMs: 5000, maxMs: 60_000, jitter: 0 },
      });
      session.start();
      fake.tick(2000);
      expect(conns[0]!.destroyed).to.equal(true);
      expect(conns).to.have.length(2);
      const waits: number[] = [];
      for (let i = 0; i < 3; i++) {
        conns[conns.length - 1]!.peerCloses();
        const at = fake.now;
        fake.next();
        waits.push(fake.now - at);
      }
      expect(waits).to.deep.equal([2000, 2000, 2000]);
      const c = conns[conns.length - 1]!;
      c.connected();
      c.send(peerOpen({ holdTime: 180 }));
      fake.tick(2000);
      expect(notifications(c)).to.deep.equal(['4/0']);
    });

    it('keeps the negotiated hold time once Established', () => {
      make({ gracefulRestart: gr });
      const c = establish(peerOpen({ holdTime: 30 }));
      fake.tick(20_000);
      expect(session.state).to.equal('Established');
      expect(notifications(c)).to.deep.equal([]);
    });
  });

  it('rejects a peer with the wrong AS (2/2) and an unexpected UPDATE in OpenSent (5/1)', () => {
    make();
    session.start();
    conns[0]!.connected();
    conns[0]!.send(
      peerOpen({}, [
        ...PEER_CAPS.filter((c) => c.kind !== 'four-octet-as'),
        { kind: 'four-octet-as', asn: 65000 },
      ]),
    );
    expect(notifications(conns[0]!)).to.deep.equal(['2/2']);
    expect(session.state).to.equal('Idle');
    fake.tick(1000);
    conns[1]!.connected();
    conns[1]!.send({ type: 'update', withdrawn: [], nlri: [], attributes: {} });
    expect(notifications(conns[1]!)).to.deep.equal(['5/1']);
  });

  it("answers malformed bytes with the codec's NOTIFICATION and reconnects after the back-off", () => {
    make();
    const c = establish();
    const bad = Buffer.alloc(19, 0xff);
    bad[15] = 0; // marker not all ones
    c.sendBytes(bad);
    expect(notifications(c)).to.deep.equal(['1/1']);
    expect(session.state).to.equal('Idle');
    fake.tick(1000);
    expect(session.state).to.equal('Connect');
    const c2 = establish();
    expect(session.state).to.equal('Established');
    expect(c2).to.not.equal(c);
  });

  it('keeps the session on an RFC 7606 treat-as-withdraw UPDATE error', () => {
    make();
    const c = establish();
    const warnings: string[] = [];
    session.on('warning', (w) => warnings.push(w.message));
    // ORIGIN with an invalid value (7): RFC 7606 §7.1 says treat-as-withdraw.
    const update: UpdateMessage = {
      type: 'update',
      withdrawn: [],
      nlri: [],
      attributes: { origin: 0, asPath: [{ type: 2, asns: [64501] }], nextHop: '192.168.201.1' },
    };
    const bytes = encodeMessage(update, c.ctx);
    const originAt = bytes.indexOf(Buffer.from([0x40, 0x01, 0x01, 0x00]));
    bytes[originAt + 3] = 7;
    c.sendBytes(bytes);
    expect(session.state).to.equal('Established');
    expect(notifications(c)).to.deep.equal([]);
    expect(warnings.join()).to.match(/treat-as-withdraw/);
  });

  it('announces desired routes after the batching window, grouped, and withdraws what left', () => {
    make();
    const c = establish();
    c.newMessages();
    const r = (prefix: string, nextHops: string[]) => ({
      prefix: routePrefixOf(prefix),
      nextHops: nextHopsOf(nextHops),
      communities: [],
      largeCommunities: [],
    });
    session.setDesiredRoutes([r('192.168.197.0/32', ['192.168.201.11'])]);
    session.setDesiredRoutes([
      r('192.168.197.0/32', ['192.168.201.11']),
      r('192.168.197.2/32', ['192.168.201.11', '192.168.201.12']),
    ]);
    expect(c.newMessages()).to.deep.equal([]);
    fake.tick(10);
    const updates = c.newMessages() as UpdateMessage[];
    expect(updates.map((u) => [u.attributes.nextHop, u.nlri.map((p) => p.pathId)])).to.deep.equal([
      ['192.168.201.11', [1, 1]],
      ['192.168.201.12', [2]],
    ]);
    session.setDesiredRoutes([r('192.168.197.0/32', ['192.168.201.11'])]);
    fake.tick(10);
    const [withdraw] = c.newMessages() as UpdateMessage[];
    expect(withdraw!.withdrawn.map((p) => p.pathId)).to.deep.equal([1, 2]);
    expect(session.stats.pathsAdvertised).to.equal(1);
  });

  it('answers ROUTE-REFRESH with BoRR, the whole table and EoRR (enhanced route refresh)', () => {
    make();
    const c = establish();
    session.setDesiredRoutes([
      {
        prefix: routePrefixOf('192.168.197.0/32'),
        nextHops: nextHopsOf(['192.168.201.11']),
        communities: communitiesOf(['64500:7']),
        largeCommunities: [],
      },
    ]);
    fake.tick(10);
    c.newMessages();
    c.send({ type: 'route-refresh', afi: 1, safi: 1, subtype: 0 });
    const msgs = c.newMessages();
    expect(msgs.map((m) => (m.type === 'route-refresh' ? `rr${m.subtype}` : m.type))).to.deep.equal([
      'rr1',
      'update',
      'rr2',
    ]);
    expect((msgs[1] as UpdateMessage).attributes.communities).to.deep.equal([64500 * 65536 + 7]);
  });

  it('sets the graceful-restart R bit only after a restart, clears it after the first session, and stops with Cease 6/2 and a message', async () => {
    make({ gracefulRestart: { restartTimeSec: 120, restarted: true } });
    const c = establish();
    const first = (c.messages()[0] as OpenMessage).capabilities.find((x) => x.kind === 'graceful-restart');
    expect(first).to.deep.include({ restarting: true });
    c.peerCloses();
    fake.tick(1000);
    const c2 = establish();
    const gr = (c2.messages()[0] as OpenMessage).capabilities.find((x) => x.kind === 'graceful-restart');
    expect(gr).to.deep.include({ restarting: false });
    await session.stop({ message: 'bye' });
    const last = c2.messages().pop() as NotificationMessage;
    expect(last).to.deep.include({ code: 6, subcode: 2, shutdownCommunication: 'bye' });
    expect(session.state).to.equal('Idle');
    fake.tick(60_000);
    expect(conns).to.have.length(2);
  });

  it('towards a peer without ADD-PATH (Quagga) sends one hash-chosen next hop and reports no ECMP', () => {
    make();
    const established: EstablishedEvent[] = [];
    session.on('established', (e) => established.push(e));
    const quagga = PEER_CAPS.filter((c) => c.kind !== 'add-path' && c.kind !== 'extended-message');
    const c = establish(peerOpen({}, quagga));
    c.ctx = createContext({ fourOctetAs: true });
    expect(established[0]!.ecmp).to.deep.equal({ 4: false });
    c.newMessages();
    const hops = nextHopsOf(['192.168.201.11', '192.168.201.12']);
    session.setDesiredRoutes(
      Array.from({ length: 40 }, (_, i) => ({
        prefix: routePrefixOf(`192.168.197.${i}/32`),
        nextHops: hops,
        communities: [],
        largeCommunities: [],
      })),
    );
    fake.tick(10);
    const updates = c.newMessages() as UpdateMessage[];
    const perHop = new Map<string, number>();
    for (const u of updates)
      perHop.set(u.attributes.nextHop!, (perHop.get(u.attributes.nextHop!) ?? 0) + u.nlri.length);
    expect([...perHop.values()].reduce((a, b) => a + b, 0)).to.equal(40);
    expect(perHop.size).to.equal(2);
    expect(updates.flatMap((u) => u.nlri).every((p) => p.pathId === undefined)).to.equal(true);
  });

  it('sends Cease/Peer De-configured (6/3) when the peer is removed', async () => {
    make();
    const c = establish();
    await session.stop({ deconfigured: true });
    expect(notifications(c)).to.deep.equal(['6/3']);
  });

  it('waits for the peer in Active when passive, and never dials out', () => {
    make({ mode: 'passive' });
    session.start();
    expect(session.state).to.equal('Active');
    fake.tick(120_000);
    expect(conns).to.have.length(0);
    const inc = new FakeConnection();
    session.acceptIncoming(inc);
    inc.send(peerOpen());
    inc.send(KEEPALIVE);
    expect(session.state).to.equal('Established');
  });
});
