import { expect } from 'chai';
import {
  ConfigError,
  formatConfigWarning,
  isConfigObject,
  loadConfigDocuments,
} from '../../src/config/index.js';
import { configMap, crd, load, ownConfig } from './helpers.js';
import { communitiesOf, largeCommunitiesOf } from '../support/routes.js';

const PEER = `- peer-address: 192.168.200.1\n  peer-asn: 64501\n  my-asn: 64500\n`;
const POOL = crd('IPAddressPool', 'p', `addresses:\n- 10.0.0.0/24\n`);

function warningsOf(text: string): string[] {
  return load(text).warnings.map(formatConfigWarning);
}

describe('config: warnings', () => {
  it('reports unknown fields in the ConfigMap form and still loads', () => {
    const text = configMap(
      `peers:\n${PEER}  colour: blue\naddress-pools:\n- name: p\n  protocol: bgp\n  adresses: []\n  addresses:\n  - 10.0.0.0/24\n`,
    );
    const { config, warnings } = load(text);
    expect(warnings.map(formatConfigWarning)).to.deep.equal([
      'x.yaml:12: peers[0].colour: unknown field, ignored',
      'x.yaml:16: address-pools[0].adresses: unknown field, ignored',
    ]);
    expect(config.peers).to.have.length(1);
    expect(config.pools[0]?.name).to.equal('p');
  });

  it('reports unknown fields in CRDs and in our own form', () => {
    expect(
      warningsOf(POOL + `\n  autoassign: false\n---\n` + crd('BGPAdvertisement', 'a', '')),
    ).to.deep.equal(['x.yaml:9: spec.autoassign: unknown field, ignored']);
    expect(warningsOf(ownConfig(`verifyInterval: 5\nrouter:\n  host: r1\n  hostname: r1\n`))).to.deep.equal([
      'x.yaml:3: verifyInterval: unknown field, ignored',
      'x.yaml:6: router.hostname: unknown field, ignored',
    ]);
  });

  it('accepts bfd-profile with a warning', () => {
    expect(warningsOf(configMap(`peers:\n${PEER}  bfd-profile: fast\n`))).to.deep.equal([
      'x.yaml:12: peers[0].bfd-profile: BFD is not supported yet: the session runs without BFD',
    ]);
  });

  it('accepts L2Advertisement and layer2 pools with a warning; they are not announced', () => {
    const { config, warnings } = load(
      POOL + '\n---\n' + crd('L2Advertisement', 'l2', `ipAddressPools:\n- p\ninterfaces:\n- eth0\n`),
    );
    expect(config.pools[0]?.protocol).to.equal('layer2');
    expect(config.pools[0]?.bgpAdvertisements).to.deep.equal([]);
    expect(warnings.map(formatConfigWarning)).to.deep.equal([
      'x.yaml:1: pool "p" is layer2, which is not supported: its addresses are allocated but not announced',
      'x.yaml:10: L2Advertisement accepted but layer2 is not supported: its pools are not announced',
    ]);
    const legacy = load(
      configMap(`address-pools:\n- name: l2\n  protocol: layer2\n  addresses:\n  - 10.0.0.0/24\n`),
    );
    expect(legacy.config.pools[0]?.protocol).to.equal('layer2');
    expect(legacy.warnings).to.have.length(1);
  });

  it('marks a CRD pool no advertisement selects as not announced', () => {
    const { config, warnings } = load(POOL);
    expect(config.pools[0]?.protocol).to.equal('none');
    expect(warnings.map(formatConfigWarning)).to.deep.equal([
      'x.yaml:1: no BGPAdvertisement selects pool "p": its addresses are allocated but not announced',
    ]);
  });

  it('warns about host bits, ignored documents and unused metallb.io kinds', () => {
    const text =
      crd('IPAddressPool', 'p', `addresses:\n- 10.0.0.1/24\n`) +
      '\n---\n' +
      crd('BGPAdvertisement', 'a', '') +
      '\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n' +
      crd('BFDProfile', 'fast', 'receiveInterval: 300\n');
    expect(warningsOf(text)).to.deep.equal([
      'x.yaml:7: spec.addresses[0]: "10.0.0.1/24" has host bits set; the pool uses 10.0.0.0/24',
      'x.yaml:17: document 3 is a Service, ignored',
      'x.yaml:22: kind BFDProfile is not used by cluster-router-sync, ignored',
    ]);
  });
});

describe('config: MetalLB semantics', () => {
  function peerWith(timers: string) {
    return load(configMap(`peers:\n${PEER}${timers}`)).config.peers[0];
  }

  it('derives the missing timer as MetalLB does', () => {
    expect(peerWith('')).to.include({ holdTimeSec: 90, keepaliveTimeSec: 30 });
    expect(peerWith('  hold-time: 9s\n')).to.include({ holdTimeSec: 9, keepaliveTimeSec: 3 });
    expect(peerWith('  hold-time: 10s\n')).to.include({ holdTimeSec: 10, keepaliveTimeSec: 3 });
    expect(peerWith('  keepalive-time: 1m\n')).to.include({ holdTimeSec: 180, keepaliveTimeSec: 60 });
    expect(peerWith('  hold-time: "0"\n')).to.include({ holdTimeSec: 0, keepaliveTimeSec: 0 });
    expect(peerWith('  hold-time: 1m30s\n  keepalive-time: 1m30s\n')).to.include({
      holdTimeSec: 90,
      keepaliveTimeSec: 90,
    });
  });

  it('resolves communities through ConfigMap aliases and Community objects', () => {
    const legacy = load(
      configMap(
        `bgp-communities:\n  frontend: 64500:100\n  big: large:1:2:3\naddress-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements:\n  - localpref: 50\n    communities: [frontend, big, no-export, 64500:100]\n`,
      ),
    );
    expect(legacy.config.pools[0]?.bgpAdvertisements).to.deep.equal([
      {
        name: 'p-0',
        aggregationLength: 32,
        aggregationLengthV6: 128,
        localPref: 50,
        communities: communitiesOf(['64500:100', '65535:65281']),
        largeCommunities: largeCommunitiesOf(['1:2:3']),
        peers: [],
        nodeSelectors: [],
      },
    ]);
    const crds = load(
      crd('Community', 'c', `communities:\n- name: frontend\n  value: 64500:100\n`) +
        '\n---\n' +
        POOL +
        '\n---\n' +
        crd('BGPAdvertisement', 'a', `communities: [frontend]\n`),
    );
    expect(crds.config.pools[0]?.bgpAdvertisements[0]?.communities).to.deep.equal(
      communitiesOf(['64500:100']),
    );
  });

  it('selects pools by name or label, and every pool when neither is given', () => {
    const text = [
      crd('IPAddressPool', 'a', `addresses: [10.0.0.0/24]`),
      crd('IPAddressPool', 'b', `addresses: [10.0.1.0/24]`).replace(
        '  name: b',
        '  name: b\n  labels:\n    tier: edge',
      ),
      crd('IPAddressPool', 'c', `addresses: [10.0.2.0/24]`),
      crd('BGPAdvertisement', 'by-name', `ipAddressPools: [a]`),
      crd(
        'BGPAdvertisement',
        'by-label',
        `ipAddressPoolSelectors:\n- matchExpressions:\n  - key: tier\n    operator: In\n    values: [edge]`,
      ),
      crd('BGPAdvertisement', 'all', `localPref: 10`),
    ].join('\n---\n');
    const { config } = load(text);
    const names = Object.fromEntries(
      config.pools.map((p) => [p.name, p.bgpAdvertisements.map((a) => a.name)]),
    );
    expect(names).to.deep.equal({ a: ['by-name', 'all'], b: ['by-label', 'all'], c: ['all'] });
  });

  it('reports every problem of a load at once, across files', () => {
    let error: unknown;
    try {
      loadConfigDocuments([
        { file: 'a.yaml', text: configMap(`peers:\n- peer-address: nope\n  peer-asn: 0\n  my-asn: 64500\n`) },
        { file: 'b.yaml', text: crd('IPAddressPool', 'p', `addresses: [10.0.0.0/8, 10.1.0.0/16]`) },
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as ConfigError).message).to.equal(
      [
        'a.yaml:9: peers[0].peer-address: "nope" is not an IP address',
        'a.yaml:10: peers[0].peer-asn: 0 is out of range: an AS number is 1..4294967295',
        'b.yaml:6: spec.addresses[1]: "10.1.0.0/16" overlaps "10.0.0.0/8" of the same pool',
      ].join('\n'),
    );
  });

  it('tells config documents apart by content', () => {
    const configMap = (namespace: string, config: string) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace },
      data: { config },
    });
    const cases: Array<[unknown, boolean]> = [
      [{ apiVersion: 'cluster-router-sync.io/v1alpha1', kind: 'ClusterRouterSyncConfig' }, true],
      [{ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' }, true],
      [{ apiVersion: 'metallb.io/v1beta2', kind: 'BGPPeer' }, true],
      // In metallb-system any ConfigMap is MetalLB's; elsewhere only one whose config has its keys.
      [configMap('metallb-system', ''), true],
      [configMap('x', 'peers: []'), true],
      [configMap('x', 'port: 8080'), false],
      [{ apiVersion: 'v1', kind: 'Service' }, false],
      [{ peers: [] }, true],
      [null, false],
      ['peers', false],
    ];
    for (const [doc, want] of cases) expect(isConfigObject(doc), JSON.stringify(doc)).to.equal(want);
  });
});
