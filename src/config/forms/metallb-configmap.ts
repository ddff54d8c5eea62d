import { appendAll } from '../../util/arrays.js';
import * as z from 'zod';
import {
  emptyFragment,
  type AdvertisementDraft,
  type Fragment,
  type PeerDraft,
  type PoolDraft,
} from '../drafts.js';
import { childSite, type IssueCollector, type Site } from '../issues.js';
import {
  addressRange,
  aggregationLength,
  asn,
  duration,
  ipAddress,
  ipv4Address,
  legacyLabelSelector,
  parseAt,
  port,
  uint32,
} from '../schema-kit.js';
import { parseEmbeddedYaml, type SourceDocument } from '../yaml-source.js';
import { fieldSites, rangesAt } from './common.js';
import { once } from '../../util/once.js';

/**
 * The MetalLB legacy ConfigMap (MetalLB < 0.13): `data.config` holds a YAML string with `peers`,
 * `address-pools` and `bgp-communities`. Paths in messages are relative to that string, as the
 * user reads them there.
 */

const peerSchema = once(() =>
  z.strictObject({
    'peer-address': ipAddress(),
    'peer-asn': asn(),
    'my-asn': asn(),
    'peer-port': port().optional(),
    'hold-time': duration().optional(),
    'keepalive-time': duration().optional(),
    'router-id': ipv4Address().optional(),
    'source-address': ipAddress().optional(),
    password: z.string().optional(),
    'bfd-profile': z.string().optional(),
    'ebgp-multihop': z.boolean().optional(),
    'node-selectors': z.array(legacyLabelSelector()).optional(),
  }),
);

const advertisementSchema = once(() =>
  z.strictObject({
    'aggregation-length': aggregationLength(32).optional(),
    'aggregation-length-v6': aggregationLength(128).optional(),
    localpref: uint32('a local preference').optional(),
    communities: z.array(z.string()).optional(),
  }),
);

const poolSchema = once(() =>
  z.strictObject({
    name: z.string().min(1, { error: 'must not be empty' }),
    protocol: z.enum(['bgp', 'layer2']),
    addresses: z.array(addressRange()).min(1, { error: 'must list at least one CIDR or range' }),
    'auto-assign': z.boolean().optional(),
    'avoid-buggy-ips': z.boolean().optional(),
    // MetalLB v0.12 reads an empty list item (`-`) as an advertisement with every default.
    'bgp-advertisements': z.array(advertisementSchema().nullable()).optional(),
  }),
);

const legacyConfigSchema = once(() =>
  z
    .strictObject({
      peers: z.array(peerSchema()).optional(),
      'bgp-communities': z.record(z.string(), z.string()).optional(),
      'address-pools': z.array(poolSchema()).optional(),
    })
    .nullable(),
);

const configMapSchema = once(() =>
  z.strictObject({
    apiVersion: z.literal('v1'),
    kind: z.literal('ConfigMap'),
    metadata: z.looseObject({}).optional(),
    data: z.strictObject({ config: z.string() }),
  }),
);

/** A Kubernetes ConfigMap holding a MetalLB legacy config. */
export function fromConfigMap(doc: SourceDocument, issues: IssueCollector): Fragment {
  const root: Site = { doc, path: [] };
  const cm = parseAt(configMapSchema(), doc.value, root, issues);
  if (!cm) return emptyFragment();
  const inner = parseEmbeddedYaml(doc, ['data', 'config'], cm.data.config);
  const fragment = emptyFragment();
  for (const innerDoc of inner) {
    const part = fromLegacyConfig(innerDoc, issues);
    appendAll(fragment.peers, part.peers);
    appendAll(fragment.pools, part.pools);
    appendAll(fragment.aliases, part.aliases);
  }
  return fragment;
}

/** The legacy config itself: what `data.config` holds, also accepted as a bare file. */
export function fromLegacyConfig(doc: SourceDocument, issues: IssueCollector): Fragment {
  const root: Site = { doc, path: [] };
  const fragment = emptyFragment();
  const cfg = parseAt(legacyConfigSchema(), doc.value, root, issues);
  if (!cfg) return fragment;
  for (const [name, value] of Object.entries(cfg['bgp-communities'] ?? {})) {
    fragment.aliases.push({ site: childSite(root, 'bgp-communities', name), name, value });
  }
  (cfg.peers ?? []).forEach((p, i) => {
    fragment.peers.push(peerDraft(p, childSite(root, 'peers', i)));
  });
  (cfg['address-pools'] ?? []).forEach((p, i) => {
    const site = childSite(root, 'address-pools', i);
    if (p.protocol === 'layer2' && p['bgp-advertisements'] !== undefined) {
      issues.error(childSite(site, 'bgp-advertisements'), 'is only allowed in a pool with protocol bgp');
      return;
    }
    fragment.pools.push(poolDraft(p, site, issues));
  });
  return fragment;
}

function peerDraft(p: z.output<ReturnType<typeof peerSchema>>, site: Site): PeerDraft {
  return {
    site,
    fieldSite: fieldSites(site, {
      name: ['peer-address'],
      holdTime: ['hold-time'],
      keepaliveTime: ['keepalive-time'],
      password: ['password'],
      bfdProfile: ['bfd-profile'],
      ebgpMultiHop: ['ebgp-multihop'],
    }),
    name: `peer-${p['peer-address']}`,
    peerAddress: p['peer-address'],
    peerAsn: p['peer-asn'],
    myAsn: p['my-asn'],
    peerPort: p['peer-port'],
    holdTimeMs: p['hold-time'],
    keepaliveTimeMs: p['keepalive-time'],
    routerId: p['router-id'],
    sourceAddress: p['source-address'],
    password: p.password,
    ebgpMultiHop: p['ebgp-multihop'],
    // MetalLB's ConfigMap has no such key: each family goes only to peers of that family.
    dualStackAddressFamily: false,
    nodeSelectors: p['node-selectors'] ?? [],
    bfdProfile: p['bfd-profile'],
  };
}

type LegacyAdvertisement = z.output<ReturnType<typeof advertisementSchema>>;

/**
 * MetalLB v0.12 refuses two equal advertisements in one pool (validateDuplicateAdvertisements
 * compares them as written, defaults not filled in); both would announce the same routes.
 */
function checkDuplicateAdvertisements(
  ads: readonly LegacyAdvertisement[],
  site: Site,
  issues: IssueCollector,
): void {
  const written = ads.map((a) => JSON.stringify(Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1))));
  written.forEach((w, i) => {
    const first = written.indexOf(w);
    if (first < i) {
      issues.error(
        childSite(site, 'bgp-advertisements', i),
        `is equal to bgp-advertisements[${first}]`,
        true,
      );
    }
  });
}

function poolDraft(
  p: z.output<ReturnType<typeof poolSchema>>,
  site: Site,
  issues: IssueCollector,
): PoolDraft {
  const ads = (p['bgp-advertisements'] ?? []).map((a): LegacyAdvertisement => a ?? {});
  checkDuplicateAdvertisements(ads, site, issues);
  const advertisements = ads.map((a, i): AdvertisementDraft => {
    const advSite = childSite(site, 'bgp-advertisements', i);
    return {
      site: advSite,
      fieldSite: fieldSites(advSite, {
        name: [],
        aggregationLength: ['aggregation-length'],
        aggregationLengthV6: ['aggregation-length-v6'],
        ipAddressPools: [],
        peers: [],
      }),
      name: `${p.name}-${i}`,
      poolNames: [p.name],
      poolSelectors: [],
      aggregationLength: a['aggregation-length'],
      aggregationLengthV6: a['aggregation-length-v6'],
      localPref: a.localpref,
      communities: (a.communities ?? []).map((text, j) => ({
        site: childSite(advSite, 'communities', j),
        text,
      })),
      peers: [],
      nodeSelectors: [],
    };
  });
  return {
    site,
    fieldSite: fieldSites(site, { name: ['name'], addresses: ['addresses'] }),
    name: p.name,
    protocol: p.protocol,
    addresses: rangesAt(p.addresses, childSite(site, 'addresses'), issues),
    autoAssign: p['auto-assign'] ?? true,
    avoidBuggyIps: p['avoid-buggy-ips'] ?? false,
    labels: {},
    ownAdvertisements: advertisements,
  };
}
