import { expect } from 'chai';
import {
  BgpSpeaker,
  DuplicatePeerError,
  InvalidPeerConfigError,
  InvalidRouteError,
  SpeakerStoppedError,
  UnknownPeerError,
  type SpeakerPeer,
} from '../../src/bgp/index.js';
import { FakeConnection } from './support/fake-peer.js';
import { labRouterPeer } from '../lab/speaker-peer.js';

const PEER: SpeakerPeer = labRouterPeer({ connectTimeSec: 120 });

describe('BgpSpeaker facade', () => {
  let speaker: BgpSpeaker;
  const conns: FakeConnection[] = [];
  beforeEach(() => {
    speaker = new BgpSpeaker({
      routerId: '192.168.201.2',
      connector: () => {
        const c = new FakeConnection();
        conns.push(c);
        return c;
      },
    });
  });
  afterEach(async () => speaker.stop());

  it('rejects bad peer configuration with the field named', () => {
    expect(() => speaker.addPeer({ ...PEER, peerAddress: 'router.example' })).to.throw(
      InvalidPeerConfigError,
      /peer router: peerAddress: 'router.example' is not an IP address/,
    );
    expect(() => speaker.addPeer({ ...PEER, peerAsn: 0 })).to.throw(InvalidPeerConfigError, /peerAsn/);
    expect(() => speaker.addPeer({ ...PEER, holdTimeSec: 2 })).to.throw(
      InvalidPeerConfigError,
      /holdTimeSec/,
    );
    expect(() => speaker.addPeer({ ...PEER, routerId: '::1' })).to.throw(InvalidPeerConfigError, /routerId/);
  });

  it('knows its peers by name', async () => {
    speaker.addPeer(PEER);
    expect(() => speaker.addPeer(PEER)).to.throw(DuplicatePeerError);
    expect(() => speaker.setRoutes('nope', [])).to.throw(UnknownPeerError);
    expect(speaker.peers().map((p) => [p.name, p.state])).to.deep.equal([['router', 'Connect']]);
    await speaker.removePeer('router');
    expect(speaker.peers()).to.deep.equal([]);
  });

  it('validates routes when they are set, even before the session is up', () => {
    speaker.addPeer(PEER);
    expect(() =>
      speaker.setRoutes('router', [
        { prefix: '192.168.197.0/24', nextHops: ['192.168.201.11'], communities: [], largeCommunities: [] },
        { prefix: '192.168.197.0/24', nextHops: ['192.168.201.12'], communities: [], largeCommunities: [] },
      ]),
    ).to.throw(InvalidRouteError, /listed twice/);
  });

  it('refuses to be used after stop', async () => {
    await speaker.stop();
    expect(() => speaker.addPeer(PEER)).to.throw(SpeakerStoppedError);
  });
});
