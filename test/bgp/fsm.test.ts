import { expect } from 'chai';
import { collisionLoser, resolveCollision } from '../../src/bgp/collision.js';
import * as fsm from '../../src/bgp/fsm/index.js';
import { sessionOpen } from '../../src/bgp/session-config.js';
import {
  BgpWireError,
  buildOpen,
  CeaseSubcode,
  ErrorCode,
  FsmErrorSubcode,
  HeaderErrorSubcode,
  OpenErrorSubcode,
  UpdateErrorSubcode,
  type BgpMessage,
  type OpenMessage,
} from '../../src/bgp/wire/index.js';
import { testSessionConfig } from './support/session-config.js';

const config = testSessionConfig();
const ctx: fsm.FsmContext = { ...config, localOpen: () => sessionOpen(config, false) };
const KEEPALIVE: BgpMessage = { type: 'keepalive' };

function peerOpen(over: { asn?: number; holdTime?: number; bgpId?: string } = {}): OpenMessage {
  return buildOpen({
    asn: over.asn ?? 64501,
    holdTime: over.holdTime ?? 90,
    bgpId: over.bgpId ?? '192.168.201.1',
    capabilities: [{ kind: 'four-octet-as', asn: over.asn ?? 64501 }],
  });
}

/** The NOTIFICATION code/subcode a transition sends, or undefined. */
function sent(t: fsm.Transition): [number, number] | undefined {
  return t.next === 'Idle' && t.notification ? [t.notification.code, t.notification.subcode] : undefined;
}

describe('BGP FSM handlers: one per state, each returning the next state and why (RFC 4271 §8.2.2)', () => {
  it('Idle dials the peer in active mode and waits for it in passive mode', () => {
    expect(fsm.idle('active')).to.equal('Connect');
    expect(fsm.idle('passive')).to.equal('Active');
  });

  it('Connect sends OPEN once TCP is up and gives the attempt up when the ConnectRetryTimer expires', () => {
    expect(fsm.connect('tcp-connected').next).to.equal('OpenSent');
    expect(fsm.connect('connect-retry-expired')).to.deep.equal({
      next: 'Idle',
      reason: 'connect retry timer expired',
    });
  });

  it('OpenSent accepts an acceptable OPEN with its negotiation', () => {
    const t = fsm.onMessage('OpenSent', peerOpen(), ctx);
    expect(t.next).to.equal('OpenConfirm');
    if (t.next !== 'OpenConfirm') return;
    expect(t.negotiated.peerAsn).to.equal(64501);
    expect(t.negotiated.holdTimeSec).to.equal(90);
    expect(t.reason).to.equal('OPEN received from AS 64501, id 192.168.201.1');
  });

  it('OpenSent refuses an OPEN with the OPEN Message Error subcode RFC 4271 §6.2 names', () => {
    expect(sent(fsm.onMessage('OpenSent', peerOpen({ asn: 64999 }), ctx))).to.deep.equal([
      ErrorCode.OpenMessage,
      OpenErrorSubcode.BadPeerAs,
    ]);
    const ibgp = { ...ctx, peerAsn: 64500 };
    expect(
      sent(fsm.onMessage('OpenSent', peerOpen({ asn: 64500, bgpId: config.routerId }), ibgp)),
    ).to.deep.equal([ErrorCode.OpenMessage, OpenErrorSubcode.BadBgpIdentifier]);
    expect(sent(fsm.onMessage('OpenSent', peerOpen({ holdTime: 2 }), ctx))).to.deep.equal([
      ErrorCode.OpenMessage,
      OpenErrorSubcode.UnacceptableHoldTime,
    ]);
  });

  it('answers a message unexpected in its state with the RFC 6608 subcode of that state', () => {
    expect(sent(fsm.onMessage('OpenSent', KEEPALIVE, ctx))).to.deep.equal([
      ErrorCode.FsmError,
      FsmErrorSubcode.UnexpectedMessageInOpenSent,
    ]);
    expect(sent(fsm.onMessage('OpenConfirm', peerOpen(), ctx))).to.deep.equal([
      ErrorCode.FsmError,
      FsmErrorSubcode.UnexpectedMessageInOpenConfirm,
    ]);
    expect(sent(fsm.onMessage('Established', peerOpen(), ctx))).to.deep.equal([
      ErrorCode.FsmError,
      FsmErrorSubcode.UnexpectedMessageInEstablished,
    ]);
    expect(fsm.unexpectedMessage('OpenConfirm', 'UPDATE').reason).to.equal(
      'unexpected UPDATE in OpenConfirm',
    );
  });

  it('OpenConfirm reaches Established on KEEPALIVE; Established stays on KEEPALIVE and ROUTE-REFRESH', () => {
    expect(fsm.onMessage('OpenConfirm', KEEPALIVE, ctx).next).to.equal('Established');
    expect(fsm.onMessage('Established', KEEPALIVE, ctx).next).to.equal('Established');
    const refresh: BgpMessage = { type: 'route-refresh', afi: 1, safi: 1, subtype: 0 };
    expect(fsm.onMessage('Established', refresh, ctx).next).to.equal('Established');
  });

  it('a NOTIFICATION received ends the connection in every state without one sent back', () => {
    const n: BgpMessage = {
      type: 'notification',
      code: ErrorCode.Cease,
      subcode: CeaseSubcode.AdministrativeShutdown,
      data: new Uint8Array(0),
      shutdownCommunication: 'bye',
    };
    for (const state of ['Connect', 'OpenSent', 'OpenConfirm', 'Established'] as const) {
      const t = fsm.onMessage(state, n, ctx);
      expect(t).to.deep.equal({ next: 'Idle', reason: 'NOTIFICATION received 6/2: bye' });
    }
  });

  it('the hold timer sends Hold Timer Expired', () => {
    expect(sent(fsm.holdTimerExpired())).to.deep.equal([ErrorCode.HoldTimerExpired, 0]);
  });

  it('an Established session survives a malformed UPDATE RFC 7606 lets it survive, no other state does', () => {
    const err = new BgpWireError('update-invalid-origin', 'ORIGIN 7').withAction('treat-as-withdraw');
    expect(fsm.malformedMessage('Established', err).next).to.equal('Established');
    expect(sent(fsm.malformedMessage('OpenConfirm', err))).to.deep.equal([
      ErrorCode.UpdateMessage,
      UpdateErrorSubcode.InvalidOriginAttribute,
    ]);
    expect(sent(fsm.malformedMessage('Established', new BgpWireError('header-marker', 'x')))).to.deep.equal([
      ErrorCode.MessageHeader,
      HeaderErrorSubcode.ConnectionNotSynchronized,
    ]);
  });

  it('ManualStop: Administrative Shutdown with the message, Peer De-configured, or nothing to keep our routes', () => {
    const stop = fsm.manualStop({ message: 'maintenance' });
    expect(stop.notify('Established')).to.include({
      code: ErrorCode.Cease,
      subcode: CeaseSubcode.AdministrativeShutdown,
    });
    expect(stop.notify('Established')?.shutdownCommunication).to.equal('maintenance');
    expect(stop.notify('Connect')).to.equal(undefined);
    expect(fsm.manualStop({ deconfigured: true }).notify('OpenSent')?.subcode).to.equal(
      CeaseSubcode.PeerDeconfigured,
    );
    expect(fsm.manualStop({ keepRoutes: true }).notify('Established')).to.equal(undefined);
  });
});

describe('BGP connection collision (RFC 4271 §6.8)', () => {
  const ids = (local: string, remote: string) => ({ local, remote });

  it('keeps the connection initiated by the side with the higher BGP identifier', () => {
    expect(resolveCollision('incoming', { state: 'OpenConfirm' }, ids('10.0.0.2', '10.0.0.1'))).to.include({
      close: 'new',
      keep: 'outgoing',
    });
    expect(resolveCollision('incoming', { state: 'OpenConfirm' }, ids('10.0.0.1', '10.0.0.2'))).to.include({
      close: 'other',
      keep: 'incoming',
    });
  });

  it('compares identifiers as numbers, not strings', () => {
    expect(resolveCollision('outgoing', { state: 'OpenConfirm' }, ids('10.0.0.10', '10.0.0.9'))).to.include({
      keep: 'outgoing',
      close: 'other',
    });
  });

  it('closes the new connection when the other one is Established', () => {
    expect(
      resolveCollision('outgoing', { state: 'Established' }, ids('10.0.0.2', '10.0.0.1')).close,
    ).to.equal('new');
  });

  it('finds no collision while the other connection has not got the peer OPEN', () => {
    const a = { direction: 'outgoing' as const, state: 'OpenSent' as const };
    const b = { direction: 'incoming' as const, state: 'OpenSent' as const };
    expect(
      collisionLoser<{ direction: 'outgoing' | 'incoming'; state: fsm.ConnState }>(
        b,
        [a, b],
        ids('1.1.1.1', '2.2.2.2'),
      ),
    ).to.equal(undefined);
  });
});
