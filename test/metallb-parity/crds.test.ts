/**
 * MetalLB parity: internal/config/config_test.go (metallb/metallb at 7938d3f8), the CRD cases a
 * migrating user meets, written out as the YAML objects MetalLB's Go test builds (same names,
 * addresses and values). Each must be accepted or refused as MetalLB's case expects (`want`
 * config, or none / `wantErr`). Deliberate differences name their docs/migrating-from-metallb.md
 * row and assert what we do.
 */
import { expect } from 'chai';
import { loadConfigDocuments } from '../../src/config/index.js';
import { verdict } from './verdict.js';

const object = (apiVersion: string, kind: string, name: string, spec: string): string =>
  [
    `apiVersion: metallb.io/${apiVersion}`,
    `kind: ${kind}`,
    `metadata: { name: ${name}, namespace: metallb-system }`,
    'spec:',
    ...spec
      .trim()
      .split('\n')
      .map((l) => `  ${l}`),
  ].join('\n');
const pool = (name: string, spec: string): string => object('v1beta1', 'IPAddressPool', name, spec);
const peer = (name: string, spec: string): string => object('v1beta2', 'BGPPeer', name, spec);
const adv = (name: string, spec: string): string => object('v1beta1', 'BGPAdvertisement', name, spec);
const community = (name: string, spec: string): string => object('v1beta1', 'Community', name, spec);

/** MetalLB's testPool: pool `testpool` with 1.2.3.0/24. */
const testPool = pool('testpool', 'addresses: [1.2.3.0/24]');

interface Case {
  /** MetalLB's TestParse (or TestServiceSelectors) desc. */
  desc: string;
  objects: string[];
  ok: boolean;
  /** Set when we deliberately decide otherwise: our verdict and the doc row. */
  differs?: { ok: boolean; doc: string };
}

const cases: Case[] = [
  {
    desc: 'ip address pool with duplicate namespace selection',
    objects: [
      pool(
        'pool1',
        'addresses: [10.20.0.0/16, 10.50.0.0/24]\navoidBuggyIPs: true\nautoAssign: false\nserviceAllocation: { priority: 1, namespaces: [test-ns1, test-ns1] }',
      ),
    ],
    ok: false,
  },
  {
    desc: 'ip address pool with duplicate namespace selectors',
    objects: [
      pool(
        'pool1',
        'addresses: [10.20.0.0/16, 10.50.0.0/24]\nserviceAllocation:\n  priority: 1\n  namespaceSelectors: [{ matchLabels: { foo: bar } }, { matchLabels: { foo: bar } }]',
      ),
    ],
    ok: false,
  },
  {
    desc: 'ip address pool with duplicate service selection',
    objects: [
      pool(
        'pool1',
        'addresses: [30.0.0.0/8]\nserviceAllocation:\n  priority: 2\n  serviceSelectors: [{ matchExpressions: [{ key: foo, operator: In, values: [bar, bar] }] }]',
      ),
    ],
    ok: false,
  },
  {
    desc: 'ip address pool with only priority',
    objects: [pool('pool1', 'addresses: [10.20.0.0/16]\nserviceAllocation: { priority: 1 }')],
    ok: true,
  },
  {
    desc: 'invalid ebgp-multihop',
    objects: [peer('peer1', 'myASN: 42\npeerASN: 42\npeerAddress: 1.2.3.4\nebgpMultiHop: true')],
    ok: false,
  },
  {
    desc: 'duplicate peers',
    objects: [
      peer('peer1', 'myASN: 42\npeerASN: 42\npeerAddress: 1.2.3.4'),
      peer('peer1', 'myASN: 42\npeerASN: 42\npeerAddress: 1.2.3.4'),
    ],
    ok: false,
  },
  {
    desc: 'duplicate ip address pools - in BGP adv',
    objects: [testPool, adv('testadv', 'ipAddressPools: [testpool, testpool]')],
    ok: false,
  },
  {
    desc: 'duplicate peers - in BGP adv',
    objects: [
      testPool,
      peer('peer1', 'myASN: 42\npeerASN: 42\npeerAddress: 1.2.3.4'),
      adv('testadv', 'ipAddressPools: [testpool]\npeers: [peer1, peer1]'),
    ],
    ok: false,
  },
  {
    desc: 'duplicate community literal - in BGP adv',
    objects: [
      testPool,
      adv('testadv', 'ipAddressPools: [testpool]\ncommunities: ["1234:2345", "1234:2345"]'),
    ],
    ok: false,
  },
  {
    desc: 'bad community ref (unknown ref) - in BGP adv',
    objects: [testPool, adv('testadv', 'ipAddressPools: [testpool]\ncommunities: [nope]')],
    ok: false,
  },
  {
    desc: 'duplicate communities definition (in 2 different crs)',
    objects: [
      community('community1', 'communities: [{ name: bar, value: "1234:5678" }]'),
      community('community2', 'communities: [{ name: bar, value: "1234:5678" }]'),
    ],
    ok: false,
  },
  {
    desc: 'duplicate communities definition (in the same cr)',
    objects: [
      community(
        'community',
        'communities: [{ name: bar, value: "1234:5678" }, { name: bar, value: "1234:5678" }]',
      ),
    ],
    ok: false,
  },
  {
    desc: 'duplicate pool definition',
    objects: [pool('pool1', 'addresses: [10.0.0.0/16]'), pool('pool1', 'addresses: [10.1.0.0/16]')],
    ok: false,
  },
  {
    desc: 'overlapping CIDRs',
    objects: [pool('pool1', 'addresses: [10.0.0.0/8]'), pool('pool2', 'addresses: [10.0.0.0/16]')],
    ok: false,
  },
  {
    desc: 'aggregation length by range',
    objects: [pool('pool1', 'addresses: [3.3.3.2-3.3.3.254]'), adv('adv', 'aggregationLength: 26')],
    ok: true,
  },
  {
    desc: 'aggregation length by range, too wide',
    objects: [pool('pool1', 'addresses: [3.3.3.2-3.3.3.254]'), adv('adv', 'aggregationLength: 24')],
    ok: false,
  },
  {
    desc: 'bad aggregation length (incompatible with CIDR)',
    objects: [pool('pool1', 'addresses: [10.20.30.40/24, 1.2.3.0/28]'), adv('adv', 'aggregationLength: 26')],
    ok: false,
  },
  {
    desc: 'use duplicate match labels in node selectors',
    objects: [
      pool('pool1', 'addresses: [10.20.0.0/16]'),
      adv(
        'adv1',
        'ipAddressPools: [pool1]\nnodeSelectors: [{ matchLabels: { second: "true" } }, { matchLabels: { second: "true" } }]',
      ),
    ],
    ok: false,
  },
  {
    desc: 'use duplicate match labels in ip pool selectors - in BGP adv',
    objects: [
      pool('pool1', 'addresses: [10.20.0.0/16]'),
      adv(
        'adv1',
        'ipAddressPoolSelectors: [{ matchLabels: { test: pool1 } }, { matchLabels: { test: pool1 } }]',
      ),
    ],
    ok: false,
  },
  {
    desc: 'different local pref - same peers & different nodes',
    objects: [
      pool('pool1', 'addresses: [10.20.30.40/24]'),
      adv('adv1', 'localPref: 100\nnodeSelectors: [{ matchLabels: { node: node1 } }]'),
      adv('adv2', 'localPref: 200\nnodeSelectors: [{ matchLabels: { node: node2 } }]'),
    ],
    ok: true,
  },
  {
    desc: 'different local pref - same peers and nodes',
    objects: [
      pool('pool1', 'addresses: [10.20.30.40/24]'),
      adv('adv1', 'localPref: 100'),
      adv('adv2', 'localPref: 200'),
    ],
    ok: false,
    differs: { ok: true, doc: 'localPref conflicts' },
  },
  {
    desc: 'Peer with non existing BFD Profile',
    objects: [peer('peer1', 'myASN: 42\npeerASN: 142\npeerAddress: 1.2.3.4\nbfdProfile: default')],
    ok: false,
    differs: { ok: true, doc: 'BFD profiles' },
  },
  {
    desc: 'BGP advertisement - serviceSelectors with non-default aggregationLength is mutually exclusive',
    objects: [
      pool('pool1', 'addresses: [1.2.3.0/24]'),
      adv('adv1', 'aggregationLength: 24\nserviceSelectors: [{ matchLabels: { app: nginx } }]'),
    ],
    ok: false,
  },
  {
    desc: 'BGP advertisement - serviceSelectors with default aggregationLengthV4 is allowed',
    objects: [
      pool('pool1', 'addresses: [1.2.3.0/24]'),
      adv('adv1', 'aggregationLength: 32\nserviceSelectors: [{ matchLabels: { app: nginx } }]'),
    ],
    ok: true,
  },
  {
    desc: 'duplicate service selectors',
    objects: [
      pool('pool1', 'addresses: [1.2.3.0/24]'),
      adv('adv1', 'serviceSelectors: [{ matchLabels: { app: nginx } }, { matchLabels: { app: nginx } }]'),
    ],
    ok: false,
  },
  {
    desc: 'peer with dynamic asn',
    objects: [peer('peer1', 'myASN: 42\ndynamicASN: external\npeerAddress: 1.2.3.4')],
    ok: true,
    differs: { ok: false, doc: 'dynamicASN, unnumbered peers' },
  },
  {
    desc: 'peer without asn or dynamic asn',
    objects: [peer('peer1', 'myASN: 42\npeerAddress: 1.2.3.4')],
    ok: false,
  },
];

describe('MetalLB parity: CRDs (internal/config/config_test.go)', () => {
  for (const c of cases) {
    it(c.differs ? `${c.desc} [differs: ${c.differs.doc}]` : c.desc, () => {
      const text = c.objects.join('\n---\n');
      const got = verdict(() => loadConfigDocuments([{ file: 'crs.yaml', text }]));
      const ok = c.differs ? c.differs.ok : c.ok;
      if (ok) expect(got).to.equal('accepted');
      else expect(got).to.match(/^refused: /);
    });
  }
});
