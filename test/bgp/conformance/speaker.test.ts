import { expect } from 'chai';
import type { NotificationMessage, UpdateMessage } from '../../../src/bgp/wire/index.js';
import { waitFor } from '../../support/wait-for.js';
import type { RawPeer } from '../support/raw-peer.js';
import { useRawPeerCollector } from '../support/raw-peer-collector.js';
import { loadVectors } from './vectors.js';

const PEER = 'dynamic-127.0.0.1';

const UPDATE: UpdateMessage = {
  type: 'update',
  withdrawn: [],
  nlri: [{ family: 4, addr: Uint8Array.from([192, 168, 197, 0]), len: 32 }],
  attributes: { origin: 0, asPath: [{ type: 2, asns: [64500] }], nextHop: '192.168.201.11' },
};

const notification = async (p: RawPeer): Promise<string> => {
  const n = (await p.waitFor((m) => m.type === 'notification')) as NotificationMessage;
  return `${n.code}/${n.subcode}`;
};

describe('conformance clauses end to end: a raw peer over TCP and the real speaker', () => {
  const collector = useRawPeerCollector();

  const open = (myAs: number, caps: { kind: 'four-octet-as'; asn: number }[]) =>
    ({
      type: 'open',
      version: 4,
      myAs,
      holdTime: 90,
      bgpId: '192.168.201.2',
      capabilities: caps,
      extendedParameters: false,
    }) as const;

  it('refuses AS 0 in My Autonomous System with 2/2 (RFC 7607 §2)', async () => {
    const p = await collector.connect();
    p.send(open(0, []));
    expect(await notification(p)).to.equal('2/2');
    await p.waitClosed();
  });

  it('refuses AS 0 in the 4-octet AS capability with 2/2 (RFC 7607 §2)', async () => {
    const p = await collector.connect();
    p.send(open(23456, [{ kind: 'four-octet-as', asn: 0 }]));
    expect(await notification(p)).to.equal('2/2');
    await p.waitClosed();
  });

  it('answers a malformed UPDATE vector in OpenConfirm with 5/2, not its UPDATE error (RFC 6608)', async () => {
    const v = loadVectors().find((x) => x.id === 'gobgp:Test_Validate_invalid_origin (5)');
    expect(v, 'the vector').to.not.equal(undefined);
    const p = await collector.connect();
    p.send(open(64500, [{ kind: 'four-octet-as', asn: 64500 }]));
    await p.waitFor((m) => m.type === 'open');
    p.sendBytes(Buffer.from(v?.hex ?? '', 'hex'));
    expect(await notification(p)).to.equal('5/2');
    await p.waitClosed();
  });

  it('withdraws a route whose AS_PATH has a confederation segment from this external peer, keeps the session (RFC 5065 §5)', async () => {
    const p = await collector.connect();
    await p.establish(64500, '192.168.201.2');
    p.send(UPDATE);
    await waitFor('the route at the collector', () => collector.speaker.receivedRoutes(PEER).length === 1);
    const confed = {
      ...UPDATE.attributes,
      asPath: [{ type: 3, asns: [65001] }, ...(UPDATE.attributes.asPath ?? [])],
    };
    p.send({ ...UPDATE, attributes: confed });
    await waitFor('the route withdrawn', () => collector.speaker.receivedRoutes(PEER).length === 0);
    p.send(UPDATE);
    await waitFor(
      'the route back on the same session',
      () => collector.speaker.receivedRoutes(PEER).length === 1,
    );
    expect(p.received.filter((m) => m.type === 'notification')).to.deep.equal([]);
  });

  it('drops LOCAL_PREF sent by an external peer and keeps the route (RFC 7606 §7.5)', async () => {
    const p = await collector.connect();
    await p.establish(64500, '192.168.201.2');
    p.send({ ...UPDATE, attributes: { ...UPDATE.attributes, localPref: 300 } });
    await waitFor('the route at the collector', () => collector.speaker.receivedRoutes(PEER).length === 1);
    expect(collector.speaker.receivedRoutes(PEER)[0]).to.not.have.property('localPref');
    expect(p.received.filter((m) => m.type === 'notification')).to.deep.equal([]);
  });
});
