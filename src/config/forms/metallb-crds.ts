import * as z from 'zod';
import { compact } from '../compact.js';
import { DEFAULTS } from '../defaults.js';
import { emptyFragment, type AdvertisementDraft, type Fragment, type PeerDraft } from '../drafts.js';
import { childSite, type IssueCollector, type Site } from '../issues.js';
import type { LabelSelector } from '../model.js';
import {
  addressRange,
  aggregationLength,
  asn,
  ipAddress,
  labelSelector,
  parseAt,
  uint32,
} from '../schema-kit.js';
import { refuseDuplicateSelectors, refuseDuplicates } from '../duplicates.js';
import type { SourceDocument } from '../yaml-source.js';
import { fieldSites, peerSessionFields, rangesAt } from './common.js';
import { once } from '../../util/once.js';

/** MetalLB's CRDs (metallb.io/v1beta1 and v1beta2), one object per YAML document. */

const METALLB_API_VERSIONS = ['metallb.io/v1beta1', 'metallb.io/v1beta2'] as const;

const metadata = once(() =>
  z.looseObject({
    name: z.string({ error: 'must be the object name' }).min(1, { error: 'must not be empty' }),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
);

function crd<S extends z.ZodType>(kind: string, spec: S) {
  return z.strictObject({
    apiVersion: z.enum(METALLB_API_VERSIONS),
    kind: z.literal(kind),
    metadata: metadata(),
    // `spec:` left empty (or absent) is an empty spec, e.g. a BGPAdvertisement for every pool.
    spec: z.preprocess((v) => v ?? {}, spec),
    status: z.unknown().optional(),
  });
}

const selectors = once(() => z.array(labelSelector()));

const poolSchema = once(() =>
  crd(
    'IPAddressPool',
    z.strictObject({
      addresses: z.array(addressRange()).min(1, { error: 'must list at least one CIDR or range' }),
      autoAssign: z.boolean().optional(),
      avoidBuggyIPs: z.boolean().optional(),
      serviceAllocation: z
        .strictObject({
          priority: z.number().int({ error: 'must be a whole number' }).optional(),
          namespaces: z.array(z.string()).optional(),
          namespaceSelectors: selectors().optional(),
          serviceSelectors: selectors().optional(),
        })
        .optional(),
    }),
  ),
);

const peerSchema = once(() =>
  crd(
    'BGPPeer',
    z.strictObject({
      myASN: asn(),
      peerASN: asn(),
      peerAddress: ipAddress(),
      ...peerSessionFields(),
      password: z.string().optional(),
      passwordSecret: z.strictObject({ name: z.string(), namespace: z.string().optional() }).optional(),
      ebgpMultiHop: z.boolean().optional(),
      nodeSelectors: selectors().optional(),
      bfdProfile: z.string().optional(),
      dualStackAddressFamily: z.boolean().optional(),
    }),
  ),
);

const advertisementSpec = once(() =>
  z.strictObject({
    ipAddressPools: z.array(z.string()).optional(),
    ipAddressPoolSelectors: selectors().optional(),
    aggregationLength: aggregationLength(32).optional(),
    aggregationLengthV6: aggregationLength(128).optional(),
    localPref: uint32('a local preference').optional(),
    communities: z.array(z.string()).optional(),
    peers: z.array(z.string()).optional(),
    nodeSelectors: selectors().optional(),
    serviceSelectors: selectors().optional(),
  }),
);

const advertisementSchema = once(() => crd('BGPAdvertisement', advertisementSpec()));

const communitySchema = once(() =>
  crd(
    'Community',
    z.strictObject({
      communities: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
    }),
  ),
);

const l2Schema = once(() =>
  crd(
    'L2Advertisement',
    z.looseObject({
      ipAddressPools: z.array(z.string()).optional(),
      ipAddressPoolSelectors: selectors().optional(),
    }),
  ),
);

/** One metallb.io object. Kinds we do not use (BFDProfile...) are reported and ignored. */
export function fromCrd(doc: SourceDocument, kind: string, issues: IssueCollector): Fragment {
  const root: Site = { doc, path: [] };
  const fragment = emptyFragment();
  switch (kind) {
    case 'IPAddressPool': {
      const obj = parseAt(poolSchema(), doc.value, root, issues);
      if (!obj) break;
      const spec = childSite(root, 'spec');
      const alloc = obj.spec.serviceAllocation;
      if (alloc) refuseDuplicatesInAllocation(alloc, childSite(spec, 'serviceAllocation'), issues);
      fragment.pools.push({
        site: root,
        fieldSite: fieldSites(root, { name: ['metadata', 'name'], addresses: ['spec', 'addresses'] }),
        name: obj.metadata.name,
        addresses: rangesAt(obj.spec.addresses, childSite(spec, 'addresses'), issues),
        autoAssign: obj.spec.autoAssign ?? true,
        avoidBuggyIps: obj.spec.avoidBuggyIPs ?? false,
        labels: obj.metadata.labels ?? {},
        serviceAllocation: alloc && {
          priority: alloc.priority ?? 0,
          namespaces: alloc.namespaces ?? [],
          namespaceSelectors: alloc.namespaceSelectors ?? [],
          serviceSelectors: alloc.serviceSelectors ?? [],
        },
      });
      break;
    }
    case 'BGPPeer': {
      const obj = parseAt(peerSchema(), doc.value, root, issues);
      if (!obj) break;
      refuseDuplicateSelectors(
        obj.spec.nodeSelectors ?? [],
        childSite(root, 'spec', 'nodeSelectors'),
        issues,
      );
      fragment.peers.push(crdPeer(obj, root));
      break;
    }
    case 'BGPAdvertisement': {
      const obj = parseAt(advertisementSchema(), doc.value, root, issues);
      if (!obj) break;
      checkAdvertisementSpec(obj.spec, childSite(root, 'spec'), issues);
      fragment.advertisements.push(crdAdvertisement(obj.metadata.name, obj.spec, root));
      break;
    }
    case 'Community': {
      const obj = parseAt(communitySchema(), doc.value, root, issues);
      (obj?.spec.communities ?? []).forEach((c, i) => {
        fragment.aliases.push({ site: childSite(root, 'spec', 'communities', i, 'value'), ...c });
      });
      break;
    }
    case 'L2Advertisement': {
      const obj = parseAt(l2Schema(), doc.value, root, issues);
      if (!obj) break;
      issues.warn(root, 'L2Advertisement accepted but layer2 is not supported: its pools are not announced');
      fragment.l2Advertisements.push({
        site: root,
        poolNames: obj.spec.ipAddressPools ?? [],
        poolSelectors: obj.spec.ipAddressPoolSelectors ?? [],
      });
      break;
    }
    default:
      issues.warn(root, `kind ${kind} is not used by cluster-router-sync, ignored`);
  }
  return fragment;
}

function refuseDuplicatesInAllocation(
  alloc: NonNullable<z.output<ReturnType<typeof poolSchema>>['spec']['serviceAllocation']>,
  site: Site,
  issues: IssueCollector,
): void {
  refuseDuplicates(alloc.namespaces ?? [], childSite(site, 'namespaces'), issues);
  refuseDuplicateSelectors(alloc.namespaceSelectors ?? [], childSite(site, 'namespaceSelectors'), issues);
  refuseDuplicateSelectors(alloc.serviceSelectors ?? [], childSite(site, 'serviceSelectors'), issues);
}

/**
 * MetalLB's checks of one advertisement spec, shared with our own form (communities: resolve.ts):
 * nothing listed twice, and serviceSelectors only with host routes, since an aggregate would
 * carry services the selectors leave out (MetalLB: "serviceSelectors and aggregationLength are
 * mutually exclusive").
 */
export function checkAdvertisementSpec(
  spec: z.output<ReturnType<typeof advertisementSpec>>,
  site: Site,
  issues: IssueCollector,
): void {
  refuseDuplicates(spec.ipAddressPools ?? [], childSite(site, 'ipAddressPools'), issues);
  refuseDuplicates(spec.peers ?? [], childSite(site, 'peers'), issues);
  refuseDuplicateSelectors(
    spec.ipAddressPoolSelectors ?? [],
    childSite(site, 'ipAddressPoolSelectors'),
    issues,
  );
  refuseDuplicateSelectors(spec.nodeSelectors ?? [], childSite(site, 'nodeSelectors'), issues);
  refuseDuplicateSelectors(spec.serviceSelectors ?? [], childSite(site, 'serviceSelectors'), issues);
  if ((spec.serviceSelectors ?? []).length === 0) return;
  const lengths = [
    ['aggregationLength', spec.aggregationLength, DEFAULTS.aggregationLength],
    ['aggregationLengthV6', spec.aggregationLengthV6, DEFAULTS.aggregationLengthV6],
  ] as const;
  for (const [field, length, hostRoute] of lengths) {
    if (length !== undefined && length !== hostRoute) {
      issues.error(
        childSite(site, field),
        'cannot be used with serviceSelectors: an aggregate would announce other services too',
        length,
      );
    }
  }
}

function crdPeer(obj: z.output<ReturnType<typeof peerSchema>>, root: Site): PeerDraft {
  const s = obj.spec;
  return {
    site: root,
    fieldSite: fieldSites(root, {
      name: ['metadata', 'name'],
      holdTime: ['spec', 'holdTime'],
      keepaliveTime: ['spec', 'keepaliveTime'],
      password: ['spec', 'password'],
      bfdProfile: ['spec', 'bfdProfile'],
      ebgpMultiHop: ['spec', 'ebgpMultiHop'],
    }),
    name: obj.metadata.name,
    peerAddress: s.peerAddress,
    peerAsn: s.peerASN,
    myAsn: s.myASN,
    peerPort: s.peerPort,
    holdTimeMs: s.holdTime,
    keepaliveTimeMs: s.keepaliveTime,
    connectTimeMs: s.connectTime,
    routerId: s.routerID,
    sourceAddress: s.sourceAddress,
    password: s.password,
    passwordSecret:
      s.passwordSecret &&
      compact({
        namespace: s.passwordSecret.namespace,
        name: s.passwordSecret.name,
        key: DEFAULTS.passwordSecretKey,
      }),
    ebgpMultiHop: s.ebgpMultiHop,
    dualStackAddressFamily: s.dualStackAddressFamily ?? false,
    nodeSelectors: s.nodeSelectors ?? [],
    bfdProfile: s.bfdProfile,
  };
}

/** Shared with our own form, whose advertisements use the CRD's spec fields plus a name. */
export function crdAdvertisement(
  name: string,
  spec: z.output<ReturnType<typeof advertisementSpec>>,
  root: Site,
  specPath: 'spec' | null = 'spec',
): AdvertisementDraft {
  const base = specPath === null ? [] : [specPath];
  const spec_ = childSite(root, ...base);
  return {
    site: root,
    fieldSite: fieldSites(root, {
      name: specPath === null ? ['name'] : ['metadata', 'name'],
      aggregationLength: [...base, 'aggregationLength'],
      aggregationLengthV6: [...base, 'aggregationLengthV6'],
      ipAddressPools: [...base, 'ipAddressPools'],
      peers: [...base, 'peers'],
    }),
    name,
    poolNames: spec.ipAddressPools ?? [],
    poolSelectors: spec.ipAddressPoolSelectors ?? ([] as LabelSelector[]),
    aggregationLength: spec.aggregationLength,
    aggregationLengthV6: spec.aggregationLengthV6,
    localPref: spec.localPref,
    communities: (spec.communities ?? []).map((text, i) => ({
      site: childSite(spec_, 'communities', i),
      text,
    })),
    peers: spec.peers ?? [],
    nodeSelectors: spec.nodeSelectors ?? [],
    ...(spec.serviceSelectors?.length ? { serviceSelectors: spec.serviceSelectors } : {}),
  };
}

export { advertisementSpec };
