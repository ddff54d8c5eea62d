import { expect } from 'chai';
import { ConfigError, formatConfigIssue } from '../../src/config/index.js';
import { configMap, crd, load, ownConfig } from './helpers.js';

/** A valid ConfigMap peer, for rows that only add one bad key to it. */
const PEER = `- peer-address: 192.168.200.1\n  peer-asn: 64501\n  my-asn: 64500\n`;

interface InvalidCase {
  name: string;
  text: string;
  /** Field path of the first issue, as the user writes it. */
  path: string;
  /** The first issue, formatted as the CLI prints it. */
  message: string;
}

const CASES: InvalidCase[] = [
  {
    name: 'a prefix length over 32',
    text: configMap(
      `address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  - 10.0.0.0/33\n`,
    ),
    path: 'address-pools[0].addresses[1]',
    message: 'x.yaml:13: address-pools[0].addresses[1]: "10.0.0.0/33" is not a CIDR or an address range',
  },
  {
    name: 'a range whose start is after its end',
    text: configMap(`address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.9-10.0.0.1\n`),
    path: 'address-pools[0].addresses[0]',
    message:
      'x.yaml:12: address-pools[0].addresses[0]: "10.0.0.9-10.0.0.1" is not a valid range: the start address is after the end address',
  },
  {
    name: 'a range mixing IPv4 and IPv6',
    text: configMap(`address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.1-2001:db8::1\n`),
    path: 'address-pools[0].addresses[0]',
    message:
      'x.yaml:12: address-pools[0].addresses[0]: "10.0.0.1-2001:db8::1" mixes IPv4 and IPv6 in one range',
  },
  {
    name: 'a single address instead of a CIDR (CRD)',
    text: crd('IPAddressPool', 'p', `addresses:\n- 10.0.0.1\n`),
    path: 'spec.addresses[0]',
    message:
      'x.yaml:7: spec.addresses[0]: "10.0.0.1" is not a CIDR or an address range (for a single address write 10.0.0.1/32)',
  },
  {
    name: 'two pools sharing addresses',
    text: configMap(
      `address-pools:\n- name: a\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n- name: b\n  protocol: bgp\n  addresses:\n  - 10.0.0.128/25\n`,
    ),
    path: 'address-pools[1].addresses[0]',
    message:
      'x.yaml:16: address-pools[1].addresses[0]: "10.0.0.128/25" overlaps "10.0.0.0/24" of pool "a" (x.yaml:12): pools "a" and "b" must not share addresses',
  },
  {
    name: 'AS number 0',
    text: configMap(`peers:\n- peer-address: 192.168.200.1\n  peer-asn: 0\n  my-asn: 64500\n`),
    path: 'peers[0].peer-asn',
    message: 'x.yaml:10: peers[0].peer-asn: 0 is out of range: an AS number is 1..4294967295',
  },
  {
    name: 'an AS number over 32 bits (CRD)',
    text: crd(
      'BGPPeer',
      'p',
      `peerAddress: 192.168.200.1\npeerASN: 64501\nmyASN: 4294967296\n`,
      'metallb.io/v1beta2',
    ),
    path: 'spec.myASN',
    message: 'x.yaml:8: spec.myASN: 4294967296 is out of range: an AS number is 1..4294967295',
  },
  {
    name: 'a peer address that is not an IP',
    text: configMap(`peers:\n- peer-address: 192.168.200.300\n  peer-asn: 64501\n  my-asn: 64500\n`),
    path: 'peers[0].peer-address',
    message: 'x.yaml:9: peers[0].peer-address: "192.168.200.300" is not an IP address',
  },
  {
    name: 'an unknown router dialect',
    text: ownConfig(`router:\n  host: r1\n  dialect: cisco\n`),
    path: 'router.dialect',
    message: 'x.yaml:5: router.dialect: "cisco" must be one of: auto, quagga, frr, bird',
  },
  {
    name: 'manageNeighbors with a BIRD router (its neighbors are an include file neighbors --apply writes)',
    text: ownConfig(`router:\n  transport: local\n  dialect: bird\nmanageNeighbors: true\n`),
    path: 'manageNeighbors',
    message:
      'x.yaml:6: manageNeighbors: true cannot be used with router.dialect bird: BIRD neighbors are an include file written by `neighbors --apply` (docs/openwrt.md), not by run',
  },
  {
    name: 'an unknown router transport',
    text: ownConfig(`router:\n  host: r1\n  transport: telnet\n`),
    path: 'router.transport',
    message: 'x.yaml:5: router.transport: "telnet" must be one of: ssh, local, recorded',
  },
  {
    name: 'a duplicate pool name',
    text: configMap(
      `address-pools:\n- name: a\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n- name: a\n  protocol: bgp\n  addresses:\n  - 10.0.1.0/24\n`,
    ),
    path: 'address-pools[1].name',
    message: 'x.yaml:13: address-pools[1].name: "a" duplicates the pool name "a" already used at x.yaml:9',
  },
  {
    name: 'a duplicate peer name (own form)',
    text: ownConfig(
      `peers:\n- name: r\n  peerAddress: 10.0.0.1\n  peerASN: 1\n  myASN: 2\n- name: r\n  peerAddress: 10.0.0.2\n  peerASN: 1\n  myASN: 2\n`,
    ),
    path: 'peers[1].name',
    message: 'x.yaml:8: peers[1].name: "r" duplicates the peer name "r" already used at x.yaml:4',
  },
  {
    name: 'a hold time of 2s',
    text: configMap(`peers:\n${PEER}  hold-time: 2s\n`),
    path: 'peers[0].hold-time',
    message:
      'x.yaml:12: peers[0].hold-time: "2s" is too short: a hold time is 0 (no keepalives) or at least 3s',
  },
  {
    name: 'a keepalive longer than the hold time',
    text: configMap(`peers:\n${PEER}  hold-time: 30s\n  keepalive-time: 40s\n`),
    path: 'peers[0].keepalive-time',
    message: 'x.yaml:13: peers[0].keepalive-time: "40s" is longer than the hold time (30s)',
  },
  {
    name: 'a community value over 65535',
    text: configMap(
      `address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements:\n  - communities:\n    - 65536:1\n`,
    ),
    path: 'address-pools[0].bgp-advertisements[0].communities[0]',
    message:
      'x.yaml:15: address-pools[0].bgp-advertisements[0].communities[0]: "65536:1" is not a valid community: want ASN:VALUE, each 0..65535',
  },
  {
    name: 'an unknown community alias (CRD)',
    text:
      crd('BGPAdvertisement', 'a', `communities:\n- frontend\n`) +
      '\n---\n' +
      crd('IPAddressPool', 'p', `addresses:\n- 10.0.0.0/24\n`),
    path: 'spec.communities[0]',
    message: 'x.yaml:7: spec.communities[0]: "frontend" is neither a community nor a known community alias',
  },
  {
    name: 'a negative localpref',
    text: configMap(
      `address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements:\n  - localpref: -1\n`,
    ),
    path: 'address-pools[0].bgp-advertisements[0].localpref',
    message:
      'x.yaml:14: address-pools[0].bgp-advertisements[0].localpref: -1 is out of range: a local preference is 0..4294967295',
  },
  {
    name: 'an aggregation length over 32',
    text: configMap(
      `address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements:\n  - aggregation-length: 33\n`,
    ),
    path: 'address-pools[0].bgp-advertisements[0].aggregation-length',
    message:
      'x.yaml:14: address-pools[0].bgp-advertisements[0].aggregation-length: 33 is out of range: an aggregation length is 0..32',
  },
  {
    name: 'an IPv6 aggregation length over 128 (CRD)',
    text: crd('BGPAdvertisement', 'a', `aggregationLengthV6: 129\n`),
    path: 'spec.aggregationLengthV6',
    message: 'x.yaml:6: spec.aggregationLengthV6: 129 is out of range: an aggregation length is 0..128',
  },
  {
    name: "an aggregation length shorter than the pool's CIDR",
    text: configMap(
      `address-pools:\n- name: p\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements:\n  - aggregation-length: 16\n`,
    ),
    path: 'address-pools[0].bgp-advertisements[0].aggregation-length',
    message:
      'x.yaml:14: address-pools[0].bgp-advertisements[0].aggregation-length: 16 is shorter than /24, the widest block of "10.0.0.0/24" in pool "p": an aggregate may not be wider than the widest CIDR of each pool entry',
  },
  {
    name: 'ssh transport without a host',
    text: ownConfig(`router:\n  user: crs\n`),
    path: 'router.host',
    message: 'x.yaml:4: router.host: is required when transport is ssh',
  },
  {
    name: 'both knownHostsFile and hostKeyFingerprint',
    text: ownConfig(
      `router:\n  host: r1\n  knownHostsFile: /k\n  hostKeyFingerprint: SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n`,
    ),
    path: 'router.hostKeyFingerprint',
    message:
      'x.yaml:6: router.hostKeyFingerprint: "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU" cannot be used together with knownHostsFile: pin the host key one way only',
  },
  {
    name: 'a fingerprint that is not SHA256:<base64>',
    text: ownConfig(`router:\n  host: r1\n  hostKeyFingerprint: MD5:aa:bb\n`),
    path: 'router.hostKeyFingerprint',
    message:
      'x.yaml:5: router.hostKeyFingerprint: "MD5:aa:bb" is not a host key fingerprint: want "SHA256:" and 43 base64 characters',
  },
  {
    name: 'a file with no config document',
    text: `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n`,
    path: '',
    message:
      'x.yaml: has no config document: want a ClusterRouterSyncConfig, a MetalLB ConfigMap or metallb.io objects (IPAddressPool, BGPPeer, ...)',
  },
  {
    name: 'a YAML syntax error',
    text: `apiVersion: v1\nkind: ConfigMap\ndata:\n  config: [\n`,
    path: '',
    message:
      'x.yaml:5: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    name: 'a YAML syntax error inside data.config',
    text: configMap(`peers:\n- peer-address: [\n`),
    path: 'data.config',
    message:
      'x.yaml:10: data.config: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
  },
  {
    name: 'a non-breaking space',
    text: `apiVersion: v1\nkind: ConfigMap\nmetadata:\u00a0\n`,
    path: '',
    message:
      'x.yaml:3: a non-breaking space (U+00A0) was found at column 10; YAML needs plain spaces for indentation and separators. This usually comes from copying YAML from a web page: replace every non-breaking space with a normal space.',
  },
  {
    name: 'a missing peer-asn',
    text: configMap(`peers:\n- peer-address: 192.168.200.1\n  my-asn: 64500\n`),
    path: 'peers[0].peer-asn',
    message: 'x.yaml:9: peers[0].peer-asn: is required',
  },
  {
    name: 'a hold time that is not a duration (CRD)',
    text: crd(
      'BGPPeer',
      'p',
      `peerAddress: 192.168.200.1\npeerASN: 64501\nmyASN: 64500\nholdTime: 90 seconds\n`,
    ),
    path: 'spec.holdTime',
    message: 'x.yaml:9: spec.holdTime: "90 seconds" is not a duration (want e.g. "90s", "1m30s" or 90)',
  },
  {
    name: 'an unknown pool protocol',
    text: configMap(`address-pools:\n- name: p\n  protocol: ospf\n  addresses:\n  - 10.0.0.0/24\n`),
    path: 'address-pools[0].protocol',
    message: 'x.yaml:10: address-pools[0].protocol: "ospf" must be one of: bgp, layer2',
  },
  {
    name: 'an alias whose value is not a community',
    text: configMap(`bgp-communities:\n  frontend: 1:2:3\n`),
    path: 'bgp-communities.frontend',
    message:
      'x.yaml:9: bgp-communities.frontend: "1:2:3" is not a valid community: want ASN:VALUE (each 0..65535) or large:A:B:C (each 0..4294967295)',
  },
  {
    name: 'an SSH port over 65535',
    text: ownConfig(`router:\n  host: r1\n  port: 70000\n`),
    path: 'router.port',
    message: 'x.yaml:5: router.port: 70000 is out of range: a port is 1..65535',
  },
  {
    name: 'an unsupported metallb.io version',
    text: crd('IPAddressPool', 'p', `addresses:\n- 10.0.0.0/24\n`, 'metallb.io/v1alpha1'),
    path: 'apiVersion',
    message:
      'x.yaml:1: apiVersion: "metallb.io/v1alpha1" must be one of: metallb.io/v1beta1, metallb.io/v1beta2',
  },
  {
    name: 'both password and passwordSecret',
    text: crd(
      'BGPPeer',
      'p',
      `peerAddress: 192.168.200.1\npeerASN: 64501\nmyASN: 64500\npassword: x\npasswordSecret:\n  name: s\n`,
    ),
    path: 'spec.password',
    message:
      'x.yaml:9: spec.password: cannot be used together with passwordSecret: give the password one way only',
  },
  {
    name: 'an IPv6 router-id',
    text: configMap(`peers:\n${PEER}  router-id: 2001:db8::1\n`),
    path: 'peers[0].router-id',
    message: 'x.yaml:12: peers[0].router-id: "2001:db8::1" is not an IPv4 address',
  },
  {
    name: 'recorded transport without recordedDir',
    text: ownConfig(`router:\n  transport: recorded\n`),
    path: 'router.recordedDir',
    message: 'x.yaml:4: router.recordedDir: is required when transport is recorded',
  },
  {
    name: 'a whole-config setting given in two documents',
    text: ownConfig(`verifyIntervalSec: 10\n`) + '\n---\n' + ownConfig(`verifyIntervalSec: 20\n`),
    path: 'verifyIntervalSec',
    message: 'x.yaml:8: verifyIntervalSec: is already set at x.yaml:3; set it in one document only',
  },
  {
    name: 'peers that is not a list',
    text: configMap(`peers: 192.168.200.1\n`),
    path: 'peers',
    message: 'x.yaml:8: peers: "192.168.200.1" must be a list',
  },
  {
    name: 'a hold time that is not whole seconds',
    text: configMap(`peers:\n${PEER}  hold-time: 4.5s\n`),
    path: 'peers[0].hold-time',
    message:
      'x.yaml:12: peers[0].hold-time: "4.5s" is not a whole number of seconds: BGP timers count in seconds',
  },
  {
    name: 'bgp-advertisements in a layer2 pool',
    text: configMap(
      `address-pools:\n- name: p\n  protocol: layer2\n  addresses:\n  - 10.0.0.0/24\n  bgp-advertisements: []\n`,
    ),
    path: 'address-pools[0].bgp-advertisements',
    message: 'x.yaml:13: address-pools[0].bgp-advertisements: is only allowed in a pool with protocol bgp',
  },
  {
    name: 'a large community part over 32 bits',
    text: crd('BGPAdvertisement', 'a', `communities:\n- large:1:2:4294967296\n`),
    path: 'spec.communities[0]',
    message:
      'x.yaml:7: spec.communities[0]: "large:1:2:4294967296" is not a valid large community: want large:A:B:C, each 0..4294967295',
  },
  {
    name: 'a duplicate YAML key',
    text: configMap(`peers:\n${PEER}  peer-asn: 64502\n`),
    path: 'data.config',
    message: 'x.yaml:12: data.config: is not valid YAML: Map keys must be unique',
  },
  {
    name: 'manifests together with kubeconfig',
    text: ownConfig(`kubernetes:\n  kubeconfig: /k\n  manifests: ./m\n`),
    path: 'kubernetes.manifests',
    message:
      'x.yaml:5: kubernetes.manifests: "./m" cannot be used together with kubeconfig or inCluster: read manifests or a cluster, not both',
  },
  {
    name: 'a graceful-restart time over 4095',
    text: ownConfig(`speaker:\n  gracefulRestartTimeSec: 5000\n`),
    path: 'speaker.gracefulRestartTimeSec',
    message:
      'x.yaml:4: speaker.gracefulRestartTimeSec: 5000 is out of range: the graceful-restart time is 0..4095 seconds',
  },
  {
    name: 'a verify interval of 0',
    text: ownConfig(`verifyIntervalSec: 0\n`),
    path: 'verifyIntervalSec',
    message: 'x.yaml:3: verifyIntervalSec: 0 must be at least 1 second',
  },
  {
    name: 'an alias defined twice with different values',
    text:
      configMap(`bgp-communities:\n  frontend: 64500:1\n`) +
      '\n---\n' +
      crd('Community', 'c', `communities:\n- name: frontend\n  value: 64500:2\n`),
    path: 'spec.communities[0].value',
    message:
      'x.yaml:19: spec.communities[0].value: "64500:2" redefines the community alias "frontend" (64500:1 at x.yaml:9)',
  },
  {
    name: 'a keepalive that makes the hold time over 65535s',
    text: crd(
      'BGPPeer',
      'p',
      `peerAddress: 192.168.200.1\npeerASN: 64501\nmyASN: 64500\nkeepaliveTime: 7h\n`,
    ),
    path: 'spec.keepaliveTime',
    message: 'x.yaml:9: spec.keepaliveTime: "7h" gives a hold time over 65535s, the most BGP can carry',
  },
  {
    name: 'an own config with another apiVersion',
    text: `apiVersion: cluster-router-sync.io/v1\nkind: ClusterRouterSyncConfig\n`,
    path: 'apiVersion',
    message: 'x.yaml:1: apiVersion: "cluster-router-sync.io/v1" must be cluster-router-sync.io/v1alpha1',
  },
  {
    name: 'an unknown selector operator',
    text: configMap(
      `peers:\n${PEER}  node-selectors:\n  - match-expressions:\n    - key: rack\n      operator: Has\n`,
    ),
    path: 'peers[0].node-selectors[0].match-expressions[0].operator',
    message:
      'x.yaml:15: peers[0].node-selectors[0].match-expressions[0].operator: "Has" must be one of: In, NotIn, Exists, DoesNotExist',
  },
  {
    name: 'a negative duration',
    text: ownConfig(
      `peers:\n- name: r\n  peerAddress: 10.0.0.1\n  peerASN: 1\n  myASN: 2\n  connectTime: -5s\n`,
    ),
    path: 'peers[0].connectTime',
    message: 'x.yaml:8: peers[0].connectTime: "-5s" is not a duration (want e.g. "90s", "1m30s" or 90)',
  },
];

describe('config: invalid configs are rejected with located messages', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).to.be.at.least(30);
  });

  for (const c of CASES) {
    it(c.name, () => {
      let error: unknown;
      try {
        load(c.text);
      } catch (err) {
        error = err;
      }
      expect(error, 'expected a ConfigError').to.be.instanceOf(ConfigError);
      const issue = (error as ConfigError).issues[0];
      expect(issue?.file).to.equal('x.yaml');
      expect(issue?.path).to.equal(c.path);
      expect(formatConfigIssue(issue as NonNullable<typeof issue>)).to.equal(c.message);
      expect((error as ConfigError).message.split('\n')[0]).to.equal(c.message);
      expect((error as ConfigError).exitCode).to.equal(2);
    });
  }
});
