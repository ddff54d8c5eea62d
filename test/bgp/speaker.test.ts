import { expect } from 'chai';
import sinon from 'sinon';
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
import { nextHopsOf, routePrefixOf } from '../support/routes.js';

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
        {
          prefix: routePrefixOf('192.168.197.0/24'),
          nextHops: nextHopsOf(['192.168.201.11']),
          communities: [],
          largeCommunities: [],
        },
        {
          prefix: routePrefixOf('192.168.197.0/24'),
          nextHops: nextHopsOf(['192.168.201.12']),
          communities: [],
          largeCommunities: [],
        },
      ]),
    ).to.throw(InvalidRouteError, /listed twice/);
  });

  describe('sessions held until the first table (holdSessionsUntilTableMs)', () => {
    let clock: sinon.SinonFakeTimers;
    let held: BgpSpeaker;
    let dialled: number;
    beforeEach(() => {
      clock = sinon.useFakeTimers();
      dialled = 0;
      held = new BgpSpeaker({
        routerId: '192.168.201.2',
        awaitInitialTable: true,
        holdSessionsUntilTableMs: 30_000,
        connector: () => {
          dialled++;
          return new FakeConnection();
        },
      });
      held.addPeer(PEER);
    });
    afterEach(async () => {
      await held.stop();
      clock.restore();
    });

    it('does not start its sessions before the table, then starts them with it', async () => {
      await clock.tickAsync(10_000);
      expect(dialled).to.equal(0);
      expect(held.peers().map((p) => p.state)).to.deep.equal(['Idle']);
      held.setRoutes('router', []);
      held.initialTableComplete();
      await clock.tickAsync(0);
      expect(dialled).to.equal(1);
      expect(held.peers().map((p) => p.state)).to.deep.equal(['Connect']);
    });

    it('starts anyway once the wait is over, without the table', async () => {
      await clock.tickAsync(29_999);
      expect(dialled).to.equal(0);
      await clock.tickAsync(1);
      expect(dialled).to.equal(1);
    });
  });

  it('refuses to be used after stop', async () => {
    await speaker.stop();
    expect(() => speaker.addPeer(PEER)).to.throw(SpeakerStoppedError);
  });
});
