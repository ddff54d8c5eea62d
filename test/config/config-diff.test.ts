import { expect } from 'chai';
import { diffConfig, isConfigUnchanged } from '../../src/config/config-diff.js';
import { advertisement, config, peer, pool, range } from '../sync/builders.js';
import { communitiesOf } from '../support/routes.js';

const base = () =>
  config(
    [pool('a', ['192.168.197.0/24'])],
    [peer('192.168.200.1', { name: 'r1' }), peer('192.168.200.2', { name: 'r2' })],
  );

describe('config diff (live reconfiguration of run)', () => {
  it('finds nothing between equal configs, even rebuilt ones', () => {
    const diff = diffConfig(base(), base());
    expect(isConfigUnchanged(diff)).to.equal(true);
    expect(diff.peersChanged).to.deep.equal([]);
  });

  it('a pool added or its range changed re-plans and touches no peer', () => {
    const added = base();
    added.pools.push(pool('b', ['192.168.198.0/24']));
    const d1 = diffConfig(base(), added);
    expect(d1).to.include({ poolsChanged: true, advertisementsChanged: false, replan: true });
    expect(d1.peersChanged).to.deep.equal([]);
    expect(d1.restartNeeded).to.deep.equal([]);

    const moved = base();
    moved.pools[0]!.addresses = [range('192.168.196.0/24')];
    expect(diffConfig(base(), moved)).to.include({ poolsChanged: true, replan: true });
  });

  it('communities of an advertisement are an advertisement change, not a pool change', () => {
    const after = base();
    after.pools[0]!.bgpAdvertisements = [advertisement({ communities: communitiesOf(['64512:100']) })];
    const before = base();
    before.pools[0]!.bgpAdvertisements = [advertisement()];
    expect(diffConfig(before, after)).to.include({
      poolsChanged: false,
      advertisementsChanged: true,
      replan: true,
    });
  });

  it('a peer added, removed, and one changed: only the changed one resets, with its fields named', () => {
    const after = base();
    after.peers = [
      peer('192.168.200.1', { name: 'r1', holdTimeSec: 30 }),
      peer('192.168.200.3', { name: 'r3' }),
    ];
    const diff = diffConfig(base(), after);
    expect(diff.peersAdded.map((p) => p.name)).to.deep.equal(['r3']);
    expect(diff.peersRemoved).to.deep.equal(['r2']);
    expect(diff.peersChanged).to.deep.equal([{ name: 'r1', fields: ['holdTimeSec'], resetSession: true }]);
    expect(diff.passwordChanged).to.deep.equal([]);
  });

  it('a new password (as read from the Secret) resets that peer only', () => {
    const before = base();
    before.peers[0]!.password = 'old';
    const after = base();
    after.peers[0]!.password = 'new';
    const diff = diffConfig(before, after);
    expect(diff.passwordChanged).to.deep.equal(['r1']);
    expect(diff.peersChanged).to.deep.equal([{ name: 'r1', fields: ['password'], resetSession: true }]);
  });

  it('path slots (sourceAddresses) are a session field; node selectors only re-plan', () => {
    const after = base();
    after.peers[0]!.sourceAddresses = ['192.168.201.11', '192.168.201.12'];
    after.peers[1]!.nodeSelectors = [{ matchLabels: { rack: 'a' }, matchExpressions: [] }];
    const diff = diffConfig(base(), after);
    expect(diff.peersChanged).to.deep.equal([
      { name: 'r1', fields: ['sourceAddresses'], resetSession: true },
      { name: 'r2', fields: ['nodeSelectors'], resetSession: false },
    ]);
    expect(diff.replan).to.equal(true);
  });

  it('the router, speaker and kubernetes sections and a new address family need a restart', () => {
    const after = base();
    after.speaker = { ...after.speaker, listenPort: 1790 };
    after.pools.push(pool('v6', ['2001:db8::/120']));
    expect(diffConfig(base(), after).restartNeeded).to.deep.equal(['speaker', 'address families']);
  });

  it('settings read on each use change without a re-plan', () => {
    const diff = diffConfig(base(), { ...base(), verifyIntervalSec: 5 });
    expect(diff).to.include({ replan: false, settingsChanged: true });
    expect(isConfigUnchanged(diff)).to.equal(false);
  });
});
