import { expect } from 'chai';
import type sinon from 'sinon';
import { silentLog } from '../../../src/util/log.js';
import { PeerSession } from '../../../src/bgp/session.js';
import {
  buildOpen,
  checkHeader,
  MAX_MESSAGE_SIZE,
  MessageType,
  type NotificationMessage,
} from '../../../src/bgp/wire/index.js';
import { fakeClock, fakeConnector, type FakeConnection } from '../support/fake-peer.js';
import { testSessionConfig } from '../support/session-config.js';
import { loadVectors } from './vectors.js';

/** The vectors that are one UPDATE with a sound header, whatever their body. */
function updateVectors(): { id: string; bytes: Buffer }[] {
  const out: { id: string; bytes: Buffer }[] = [];
  for (const v of loadVectors()) {
    const bytes = Buffer.from(v.hex, 'hex');
    if (v.stream || bytes.length < 19) continue;
    try {
      const { length, type } = checkHeader(bytes, 0, MAX_MESSAGE_SIZE);
      if (type === MessageType.Update && length === bytes.length) out.push({ id: v.id, bytes });
    } catch {
      // A header error is answered before any state check (RFC 4271 §6.1): not this test's case.
      continue;
    }
  }
  return out;
}

describe('an UPDATE before Established is an FSM error whatever its content (RFC 4271 §8.2.2, RFC 6608)', () => {
  let fake: sinon.SinonFakeTimers | undefined;
  afterEach(() => fake?.restore());

  /** A session whose connection has sent its OPEN (OpenSent), and the connection. */
  function openSent(): { session: PeerSession; conn: FakeConnection } {
    const fc = fakeClock();
    fake = fc.fake;
    const net = fakeConnector(fc.clock);
    const session = new PeerSession(testSessionConfig({ addPath: { send: false, receive: false } }), {
      clock: fc.clock,
      connector: net.connector,
      logger: silentLog,
      random: () => 0.5,
    });
    session.start();
    const conn = net.connections[0] as FakeConnection;
    conn.connected();
    return { session, conn };
  }

  const notifications = (c: FakeConnection): string[] =>
    c
      .messages()
      .filter((m): m is NotificationMessage => m.type === 'notification')
      .map((n) => `${n.code}/${n.subcode}`);

  const vectors = updateVectors();

  it('finds the UPDATE vectors', () => {
    expect(vectors.length).to.be.greaterThan(250);
  });

  it('every UPDATE vector in OpenSent: 5/1 and the session closes', () => {
    for (const { id, bytes } of vectors) {
      const { session, conn } = openSent();
      expect(session.state, id).to.equal('OpenSent');
      conn.sendBytes(bytes);
      expect(notifications(conn), id).to.deep.equal(['5/1']);
      expect(session.state, id).to.equal('Idle');
      fake?.restore();
    }
  });

  it('every UPDATE vector in OpenConfirm: 5/2 and the session closes', () => {
    for (const { id, bytes } of vectors) {
      const { session, conn } = openSent();
      const caps = [{ kind: 'four-octet-as' as const, asn: 64501 }];
      conn.send(buildOpen({ asn: 64501, holdTime: 90, bgpId: '192.168.198.254', capabilities: caps }));
      expect(session.state, id).to.equal('OpenConfirm');
      conn.sendBytes(bytes);
      expect(notifications(conn), id).to.deep.equal(['5/2']);
      expect(session.state, id).to.equal('Idle');
      fake?.restore();
    }
  });
});
