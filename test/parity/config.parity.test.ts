/**
 * MetalLB's configuration rules a migrating user meets: BGP timers as internal/config parseTimers
 * validates and derives them, BGPPeer connectTime, and the legacy ConfigMap keys MetalLB < 0.13
 * accepted (keepalive-time, bfd-profile, aggregation-length-v6, node-selectors with match-labels
 * and match-expressions).
 */
import { expect } from 'chai';
import { ConfigError, loadConfigDocuments } from '../../src/config/index.js';
import type { Config } from '../../src/config/model.js';

const bgpPeer = (timers: string): string =>
  [
    'apiVersion: metallb.io/v1beta2',
    'kind: BGPPeer',
    'metadata: { name: core, namespace: metallb-system }',
    'spec:',
    '  peerAddress: 192.168.201.1',
    '  peerASN: 64501',
    '  myASN: 64500',
    ...timers
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `  ${l}`),
  ].join('\n');

function loadPeer(timers: string): Config['peers'][number] {
  const { config } = loadConfigDocuments([{ file: 'peer.yaml', text: bgpPeer(timers) }]);
  return config.peers[0] as Config['peers'][number];
}

function refusal(timers: string): string {
  try {
    loadPeer(timers);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return 'accepted';
}

interface TimerRow {
  rule: string;
  timers: string;
  /** [hold, keepalive] in seconds, or words of the refusal. */
  expect: [number, number] | { refused: string };
}

const timerRows: TimerRow[] = [
  { rule: 'both given: taken as they are', timers: 'holdTime: 9s\nkeepaliveTime: 3s', expect: [9, 3] },
  { rule: 'only holdTime: keepalive is a third of it', timers: 'holdTime: 90s', expect: [90, 30] },
  { rule: 'only keepaliveTime: hold is three times it', timers: 'keepaliveTime: 20s', expect: [60, 20] },
  {
    rule: 'holdTime 0 is allowed (no keepalives)',
    timers: 'holdTime: 0s\nkeepaliveTime: 0s',
    expect: [0, 0],
  },
  { rule: 'holdTime exactly 3s is allowed', timers: 'holdTime: 3s', expect: [3, 1] },
  {
    rule: 'holdTime between 0 and 3s is refused',
    timers: 'holdTime: 2s',
    expect: { refused: 'at least 3s' },
  },
  {
    rule: 'keepaliveTime longer than holdTime is refused',
    timers: 'holdTime: 9s\nkeepaliveTime: 10s',
    expect: { refused: 'longer than the hold time' },
  },
];

describe('parity with MetalLB: BGP timers (parseTimers)', () => {
  for (const row of timerRows) {
    it(`MetalLB timer rule: ${row.rule}`, () => {
      if (Array.isArray(row.expect)) {
        const p = loadPeer(row.timers);
        expect([p.holdTimeSec, p.keepaliveTimeSec]).to.deep.equal(row.expect);
      } else {
        expect(refusal(row.timers)).to.include(row.expect.refused);
      }
    });
  }

  it('MetalLB BGPPeer connectTime: the session connect retry time', () => {
    expect(loadPeer('connectTime: 5s').connectTimeSec).to.equal(5);
  });
});

const legacy = (body: string): string =>
  [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: { name: config, namespace: metallb-system }',
    'data:',
    '  config: |',
    ...body.split('\n').map((l) => `    ${l}`),
  ].join('\n');

describe('parity with MetalLB: legacy ConfigMap keys', () => {
  const text = legacy(
    [
      'peers:',
      '- peer-address: 192.168.201.1',
      '  peer-asn: 64501',
      '  my-asn: 64500',
      '  keepalive-time: 10s',
      '  bfd-profile: fast',
      '  node-selectors:',
      '  - match-labels:',
      '      rack: r1',
      '    match-expressions:',
      '    - key: role',
      '      operator: NotIn',
      '      values: [control]',
      'address-pools:',
      '- name: dual',
      '  protocol: bgp',
      '  addresses: [10.0.0.0/24, "2001:db8::/64"]',
      '  bgp-advertisements:',
      '  - aggregation-length: 32',
      '    aggregation-length-v6: 120',
    ].join('\n'),
  );

  it('MetalLB legacy keys: keepalive-time derives the hold time, node-selectors keep match-labels and match-expressions', () => {
    const { config } = loadConfigDocuments([{ file: 'cm.yaml', text }]);
    const p = config.peers[0];
    expect([p?.holdTimeSec, p?.keepaliveTimeSec]).to.deep.equal([30, 10]);
    expect(p?.nodeSelectors).to.deep.equal([
      {
        matchLabels: { rack: 'r1' },
        matchExpressions: [{ key: 'role', operator: 'NotIn', values: ['control'] }],
      },
    ]);
  });

  it('MetalLB legacy keys: aggregation-length-v6 reaches the advertisement', () => {
    const { config } = loadConfigDocuments([{ file: 'cm.yaml', text }]);
    expect(
      config.pools[0]?.bgpAdvertisements.map((a) => [a.aggregationLength, a.aggregationLengthV6]),
    ).to.deep.equal([[32, 120]]);
  });

  it('MetalLB legacy keys: bfd-profile is accepted and reported as not supported yet', () => {
    const { config, warnings } = loadConfigDocuments([{ file: 'cm.yaml', text }]);
    expect(config.peers[0]?.bfdProfile).to.equal('fast');
    expect(warnings.map((w) => w.message)).to.include(
      'BFD is not supported yet: the session runs without BFD',
    );
  });
});
