import { expect } from 'chai';
import { ConfigError, formatConfigIssue, loadConfigDocuments } from '../../src/config/index.js';
import { seedPeerAndPool } from '../support/metallb-config.js';
import { configMap, load, ownConfig } from './helpers.js';

function issueOf(docs: { file: string; text: string }[]): string {
  try {
    loadConfigDocuments(docs);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).exitCode).to.equal(2);
    return (err as ConfigError).issues.map(formatConfigIssue).join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('config: announceOnly', () => {
  it('is off unless set, and set only by a true in our own form', () => {
    expect(load(ownConfig('peers: []\n')).config.announceOnly).to.equal(undefined);
    expect(load(ownConfig('announceOnly: false\n')).config.announceOnly).to.equal(undefined);
    expect(load(ownConfig('announceOnly: true\n')).config.announceOnly).to.equal(true);
  });

  it('goes with MetalLB’s peers and pools from another file', () => {
    const { config } = loadConfigDocuments([
      { file: 'crs.yaml', text: ownConfig('announceOnly: true\n') },
      {
        file: 'metallb.yaml',
        text: configMap(seedPeerAndPool('default', ['192.168.197.0/24'])),
      },
    ]);
    expect(config.announceOnly).to.equal(true);
    expect(config.router).to.equal(undefined);
    expect(config.peers.map((p) => p.peerAddress)).to.deep.equal(['192.168.200.1']);
  });

  it('refuses a router: section beside it, even from another file, naming where announceOnly is', () => {
    expect(
      issueOf([
        { file: 'router.yaml', text: ownConfig('router:\n  host: 192.168.200.1\n') },
        { file: 'crs.yaml', text: ownConfig('announceOnly: true\n') },
      ]),
    ).to.equal(
      'crs.yaml:3: announceOnly: true cannot be used with a router: section: announce-only never reads the router; remove one of them',
    );
  });

  it('refuses manageNeighbors: true beside it', () => {
    expect(
      issueOf([{ file: 'x.yaml', text: ownConfig('announceOnly: true\nmanageNeighbors: true\n') }]),
    ).to.equal(
      'x.yaml:3: announceOnly: true cannot be used with manageNeighbors: true: announce-only never changes the router',
    );
  });

  it('must be a boolean', () => {
    expect(issueOf([{ file: 'x.yaml', text: ownConfig('announceOnly: "yes"\n') }])).to.match(
      /^x\.yaml:3: announceOnly: "yes" must be /,
    );
  });
});
