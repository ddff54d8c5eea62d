import { expect } from 'chai';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError, loadConfigDocuments } from '../../src/config/index.js';

/**
 * Bad input never crashes: whatever a user writes, loading either succeeds or throws a
 * ConfigError. Values are drawn from the keys each form knows plus junk, so the generator
 * reaches deep into the schemas instead of failing at the top.
 */

const scalar = fc.oneof(
  fc.constantFrom(
    '10.0.0.0/24',
    '10.0.0.1-10.0.0.9',
    '2001:db8::/120',
    '192.168.200.1',
    '90s',
    '1m',
    'no-export',
    'large:1:2:3',
    '64500:1',
    '',
  ),
  fc.integer({ min: -5, max: 70000 }),
  fc.constantFrom(0, 3, 32, 128, 4294967296, 1.5),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);

function objectOf(keys: string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const value: fc.Arbitrary<unknown> =
    depth <= 0
      ? scalar
      : fc.oneof(
          { weight: 3, arbitrary: scalar },
          { weight: 1, arbitrary: fc.array(fc.oneof(scalar, objectOf(keys, depth - 1)), { maxLength: 3 }) },
          { weight: 1, arbitrary: objectOf(keys, depth - 1) },
        );
  return fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 6 });
}

const LEGACY_KEYS = [
  'peers',
  'address-pools',
  'bgp-communities',
  'peer-address',
  'peer-asn',
  'my-asn',
  'hold-time',
  'keepalive-time',
  'name',
  'protocol',
  'addresses',
  'bgp-advertisements',
  'aggregation-length',
  'communities',
  'localpref',
  'node-selectors',
  'match-labels',
  'bfd-profile',
];
const CAMEL_KEYS = [
  'addresses',
  'peerAddress',
  'peerASN',
  'myASN',
  'holdTime',
  'keepaliveTime',
  'ipAddressPools',
  'aggregationLength',
  'aggregationLengthV6',
  'communities',
  'peers',
  'nodeSelectors',
  'matchLabels',
  'matchExpressions',
  'name',
  'value',
  'router',
  'host',
  'transport',
  'pools',
  'advertisements',
  'serviceAllocation',
  'passwordSecret',
];

const configMapText = objectOf(LEGACY_KEYS, 3).map((cfg) =>
  stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: 'metallb-system' },
    data: { config: stringify(cfg) },
  }),
);
const crdText = fc
  .tuple(
    fc.constantFrom('IPAddressPool', 'BGPPeer', 'BGPAdvertisement', 'Community', 'L2Advertisement'),
    objectOf(CAMEL_KEYS, 3),
  )
  .map(([kind, spec]) =>
    stringify({ apiVersion: 'metallb.io/v1beta1', kind, metadata: { name: 'x' }, spec }),
  );
const ownText = objectOf(CAMEL_KEYS, 3).map((body) =>
  stringify({ apiVersion: 'cluster-router-sync.io/v1alpha1', kind: 'ClusterRouterSyncConfig', ...body }),
);

describe('config: robustness', () => {
  it('never throws anything but ConfigError', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(configMapText, crdText, ownText), { minLength: 1, maxLength: 3 }),
        (texts) => {
          try {
            loadConfigDocuments([{ file: 'fuzz.yaml', text: texts.join('---\n') }]);
          } catch (err) {
            expect(err).to.be.instanceOf(ConfigError);
            for (const issue of (err as ConfigError).issues) {
              expect(issue.file).to.equal('fuzz.yaml');
              expect(issue.reason).to.be.a('string').and.not.equal('');
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but ConfigError for arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          loadConfigDocuments([{ file: 'fuzz.yaml', text }]);
        } catch (err) {
          expect(err).to.be.instanceOf(ConfigError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
