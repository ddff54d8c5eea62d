/**
 * The cases of MetalLB v0.12.1's internal/config/config_test.go TestParse (the legacy ConfigMap
 * parser, metallb/metallb tag v0.12.1), one row per case, in MetalLB's order: `raw` is the
 * `data.config` text exactly as MetalLB's case gives it, `ok` whether MetalLB accepts it (its case
 * has a `want` config) or refuses it (no `want`).
 */
export interface LegacyCase {
  desc: string;
  raw: string;
  ok: boolean;
}

export const TestParse: LegacyCase[] = [
  { desc: 'empty config', ok: true, raw: '' },
  { desc: 'invalid yaml', ok: false, raw: 'foo:<>$@$2r24j90' },
  {
    desc: 'config using all features',
    ok: true,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 142\n  peer-address: 1.2.3.4\n  peer-port: 1179\n  hold-time: 180s\n  router-id: 10.20.30.40\n  source-address: 10.20.30.40\n  ebgp-multihop: true\n- my-asn: 100\n  peer-asn: 200\n  peer-address: 2.3.4.5\n  ebgp-multihop: false\n  node-selectors:\n  - match-labels:\n      foo: bar\n    match-expressions:\n      - {key: bar, operator: In, values: [quux]}\nbgp-communities:\n  bar: 64512:1234\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.20.0.0/16\n  - 10.50.0.0/24\n  avoid-buggy-ips: true\n  auto-assign: false\n  bgp-advertisements:\n  - aggregation-length: 32\n    localpref: 100\n    communities: ["bar", "1234:2345"]\n  - aggregation-length: 24\n    aggregation-length-v6: 64\n- name: pool2\n  protocol: bgp\n  addresses:\n  - 30.0.0.0/8\n- name: pool3\n  protocol: layer2\n  addresses:\n  - 40.0.0.0/25\n  - 40.0.0.150-40.0.0.200\n  - 40.0.0.210 - 40.0.0.240\n  - 40.0.0.250 - 40.0.0.250\n- name: pool4\n  protocol: layer2\n  addresses:\n  - 2001:db8::/64\n',
  },
  { desc: 'peer-only', ok: true, raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n' },
  {
    desc: 'invalid peer-address',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.400\n',
  },
  { desc: 'invalid my-asn', ok: false, raw: '\npeers:\n- peer-asn: 42\n  peer-address: 1.2.3.4\n' },
  { desc: 'invalid peer-asn', ok: false, raw: '\npeers:\n- my-asn: 42\n  peer-address: 1.2.3.4\n' },
  {
    desc: 'invalid ebgp-multihop',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  ebgp-multihop: true\n',
  },
  {
    desc: 'invalid hold time (wrong format)',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  hold-time: foo\n',
  },
  {
    desc: 'invalid hold time (too short)',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  hold-time: 1s\n',
  },
  {
    desc: 'invalid router ID',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  router-id: oh god how do I BGP\n',
  },
  {
    desc: 'empty node selector (select everything)',
    ok: true,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n',
  },
  {
    desc: 'invalid label node selector shape',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  node-selectors:\n  - match-labels:\n      foo:\n        bar: baz\n',
  },
  {
    desc: 'invalid expression node selector (missing key)',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  node-selectors:\n  - match-expressions:\n    - operator: In\n      values: [foo, bar]\n',
  },
  {
    desc: 'invalid expression node selector (missing operator)',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  node-selectors:\n  - match-expressions:\n    - key: foo\n      values: [foo, bar]\n',
  },
  {
    desc: 'invalid expression node selector (invalid operator)',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  node-selectors:\n  - match-expressions:\n    - key: foo\n      operator: Surrounds\n      values: [foo, bar]\n',
  },
  {
    desc: 'invalid router ID',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  router-id: oh god how do I BGP\n',
  },
  {
    desc: 'duplicate peers',
    ok: false,
    raw: '\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n',
  },
  { desc: 'no pool name', ok: false, raw: '\naddress-pools:\n-\n' },
  {
    desc: 'address pool with no addresses',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n',
  },
  { desc: 'address pool with no protocol', ok: false, raw: '\naddress-pools:\n- name: pool1\n' },
  {
    desc: 'address pool with unknown protocol',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: babel\n',
  },
  {
    desc: 'invalid pool CIDR',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 100.200.300.400/24\n',
  },
  {
    desc: 'invalid pool CIDR prefix length',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 1.2.3.0/33\n',
  },
  {
    desc: 'invalid pool CIDR, first address of the range is after the second',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 1.2.3.10-1.2.3.1\n',
  },
  {
    desc: 'simple advertisement',
    ok: true,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses: ["1.2.3.0/24"]\n  bgp-advertisements:\n  -\n',
  },
  {
    desc: 'advertisement with default BGP settings',
    ok: true,
    raw: '\naddress-pools:\n- name: pool1\n  addresses: ["1.2.3.0/24"]\n  protocol: bgp\n',
  },
  {
    desc: 'bad aggregation length (too long)',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - aggregation-length: 33\n',
  },
  {
    desc: 'bad aggregation length (incompatible with CIDR)',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.20.30.40/24\n  - 1.2.3.0/28\n  bgp-advertisements:\n  - aggregation-length: 26\n',
  },
  {
    desc: 'aggregation length by range',
    ok: true,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 3.3.3.2-3.3.3.254\n  bgp-advertisements:\n  - aggregation-length: 26\n',
  },
  {
    desc: 'aggregation length by range, too wide',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 3.3.3.2-3.3.3.254\n  bgp-advertisements:\n  - aggregation-length: 24\n',
  },
  {
    desc: 'bad community literal (wrong format)',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["1234"]\n',
  },
  {
    desc: "bad community literal (asn part doesn't fit)",
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["99999999:1"]\n',
  },
  {
    desc: "bad community literal (community# part doesn't fit)",
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["1:99999999"]\n',
  },
  {
    desc: 'bad community ref (unknown ref)',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["flarb"]\n',
  },
  {
    desc: "bad community ref (ref asn doesn't fit)",
    ok: false,
    raw: '\nbgp-communities:\n  flarb: 99999999:1\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["flarb"]\n',
  },
  {
    desc: "bad community ref (ref community# doesn't fit)",
    ok: false,
    raw: '\nbgp-communities:\n  flarb: 1:99999999\naddress-pools:\n- name: pool1\n  protocol: bgp\n  bgp-advertisements:\n  - communities: ["flarb"]\n',
  },
  {
    desc: 'duplicate pool definition',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n- name: pool1\n  protocol: bgp\n- name: pool2\n  protocol: bgp\n',
  },
  {
    desc: 'duplicate CIDRs',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/8\n- name: pool2\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/8\n',
  },
  {
    desc: 'overlapping CIDRs',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/8\n- name: pool2\n  protocol: bgp\n  addresses:\n  - 10.0.0.0/16\n',
  },
  {
    desc: 'BGP advertisements in layer2 pool',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: layer2\n  addresses:\n  - 10.0.0.0/16\n  bgp-advertisements:\n  - communities: ["flarb"]\n',
  },
  {
    desc: 'Session with default BFD Profile',
    ok: true,
    raw: '\naddress-pools:\n- name: pool1\n  addresses: ["1.2.3.0/24"]\n  protocol: bgp\nbfd-profiles:\n- name: default\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  bfd-profile: default\n',
  },
  {
    desc: 'Peer with non existing BFD Profile',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  addresses: ["1.2.3.0/24"]\n  protocol: bgp\nbfd-profiles:\n- name: default\npeers:\n- my-asn: 42\n  peer-asn: 42\n  peer-address: 1.2.3.4\n  bfd-profile: zzz\n',
  },
  {
    desc: 'Multiple BFD Profiles with the same name',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  addresses: ["1.2.3.0/24"]\n  protocol: bgp\nbfd-profiles:\n- name: default\n- name: foo\n- name: foo\n',
  },
  {
    desc: 'Session with nondefault BFD Profile',
    ok: true,
    raw: '\naddress-pools:\n- name: pool1\n  addresses: ["1.2.3.0/24"]\n  protocol: bgp\nbfd-profiles:\n- name: nondefault\n  receive-interval: 50\n  transmit-interval: 51\n  detect-multiplier: 52\n  echo-interval: 54\n  echo-mode: true\n  passive-mode: true\n  minimum-ttl: 55\n',
  },
  {
    desc: 'BFD Profile with too low receive interval',
    ok: false,
    raw: '\nbfd-profiles:\n- name: default\n  receive-interval: 2\n',
  },
  {
    desc: 'BFD Profile with too high range receive interval',
    ok: false,
    raw: '\nbfd-profiles:\n- name: default\n  receive-interval: 90000\n',
  },
  {
    desc: 'Duplicate bgp advertisment definition',
    ok: false,
    raw: '\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.20.0.0/16\n  bgp-advertisements:\n  - aggregation-length: 26\n  - aggregation-length: 26\n',
  },
  {
    desc: 'Duplicate communities definition',
    ok: false,
    raw: '\nbgp-communities:\n  bar: 64512:1234\naddress-pools:\n- name: pool1\n  protocol: bgp\n  addresses:\n  - 10.20.0.0/16\n  bgp-advertisements:\n  - communities: ["bar", "bar"]\n',
  },
];
