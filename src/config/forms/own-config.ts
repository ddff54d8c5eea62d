import { parseIp } from '../../ip/address.js';
import * as z from 'zod';
import { compact } from '../compact.js';
import { DEFAULTS } from '../defaults.js';
import { emptyFragment, type Fragment, type SettingDraft } from '../drafts.js';
import { childSite, type IssueCollector, type Site } from '../issues.js';
import type { KubernetesSource, RouterAccess, SpeakerConfig } from '../model.js';
import { addressRange, asn, duration, ipAddress, labelSelector, parseAt, port } from '../schema-kit.js';
import type { SourceDocument } from '../yaml-source.js';
import { healthChecksSchema } from '../health-checks.js';
import { fieldSites, peerSessionFields, rangesAt } from './common.js';
import { advertisementSpec, checkAdvertisementSpec, crdAdvertisement } from './metallb-crds.js';
import { once } from '../../util/once.js';

/** Our own config document: `kind: ClusterRouterSyncConfig`. */

const OWN_API_VERSION = 'cluster-router-sync.io/v1alpha1';
export const OWN_KIND = 'ClusterRouterSyncConfig';

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;

const routerSchema = once(() =>
  z
    .strictObject({
      transport: z.enum(['ssh', 'local', 'recorded']).optional(),
      host: z.string().min(1, { error: 'must not be empty' }).optional(),
      port: port().optional(),
      user: z.string().optional(),
      privateKeyFile: z.string().optional(),
      useAgent: z.boolean().optional(),
      knownHostsFile: z.string().optional(),
      hostKeyFingerprint: z
        .string()
        .regex(FINGERPRINT, {
          error: 'is not a host key fingerprint: want "SHA256:" and 43 base64 characters',
        })
        .optional(),
      dialect: z.enum(['auto', 'quagga', 'frr', 'bird']).optional(),
      vtyshPath: z.string().min(1, { error: 'must not be empty' }).optional(),
      recordedDir: z.string().optional(),
      timeouts: z.strictObject({ connect: duration().optional(), command: duration().optional() }).optional(),
      maxOutputBytes: z
        .number({ error: 'must be a number of bytes' })
        .int({ error: 'must be a whole number of bytes' })
        .min(1, { error: 'must be at least 1 byte' })
        .optional(),
    })
    .superRefine((r, ctx) => {
      const transport = r.transport ?? 'ssh';
      if (transport === 'ssh' && r.host === undefined) {
        ctx.addIssue({ code: 'custom', path: ['host'], message: 'is required when transport is ssh' });
      }
      if (transport === 'recorded' && r.recordedDir === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['recordedDir'],
          message: 'is required when transport is recorded',
        });
      }
      if (r.knownHostsFile !== undefined && r.hostKeyFingerprint !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['hostKeyFingerprint'],
          message: 'cannot be used together with knownHostsFile: pin the host key one way only',
        });
      }
    })
    .transform((r): RouterAccess =>
      compact({
        transport: r.transport ?? 'ssh',
        host: r.host,
        port: r.port ?? DEFAULTS.sshPort,
        user: r.user,
        privateKeyFile: r.privateKeyFile,
        useAgent: r.useAgent ?? false,
        knownHostsFile: r.knownHostsFile,
        hostKeyFingerprint: r.hostKeyFingerprint,
        dialect: r.dialect ?? 'auto',
        // BIRD is read with birdc, its own CLI; the path key keeps its name for every dialect.
        vtyshPath: r.vtyshPath ?? (r.dialect === 'bird' ? 'birdc' : DEFAULTS.vtyshPath),
        recordedDir: r.recordedDir,
        connectTimeoutMs: r.timeouts?.connect ?? DEFAULTS.connectTimeoutMs,
        commandTimeoutMs: r.timeouts?.command ?? DEFAULTS.commandTimeoutMs,
        maxOutputBytes: r.maxOutputBytes ?? DEFAULTS.maxOutputBytes,
      }),
    ),
);

const speakerSchema = once(() =>
  z
    .strictObject({
      listenAddress: ipAddress().optional(),
      listenPort: port().optional(),
      gracefulRestartTimeSec: z
        .number()
        .int({ error: 'must be a whole number' })
        .min(0, { error: 'is out of range: the graceful-restart time is 0..4095 seconds' })
        .max(4095, { error: 'is out of range: the graceful-restart time is 0..4095 seconds' })
        .optional(),
      stateFile: z.string().min(1, { error: 'must be a file path' }).optional(),
    })
    .transform((s): SpeakerConfig =>
      compact({
        listenAddress: s.listenAddress,
        listenPort: s.listenPort ?? DEFAULTS.listenPort,
        gracefulRestartTimeSec: s.gracefulRestartTimeSec ?? DEFAULTS.gracefulRestartTimeSec,
        stateFile: s.stateFile,
      }),
    ),
);

const kubernetesSchema = once(() =>
  z
    .strictObject({
      kubeconfig: z.string().optional(),
      inCluster: z.boolean().optional(),
      manifests: z.string().optional(),
      manifestsGracePeriod: duration().optional(),
      metallbNamespace: z.string().optional(),
    })
    .superRefine((k, ctx) => {
      if (k.manifests !== undefined && (k.kubeconfig !== undefined || k.inCluster === true)) {
        ctx.addIssue({
          code: 'custom',
          path: ['manifests'],
          message:
            'cannot be used together with kubeconfig or inCluster: read manifests or a cluster, not both',
        });
      }
    })
    .transform((k): KubernetesSource =>
      compact({
        mode: k.manifests === undefined ? 'cluster' : 'manifests',
        kubeconfig: k.kubeconfig,
        manifestsPath: k.manifests,
        manifestsGraceMs: k.manifestsGracePeriod,
        metallbNamespace: k.metallbNamespace ?? DEFAULTS.metallbNamespace,
      }),
    ),
);

const peerSchema = once(() =>
  z
    .strictObject({
      name: z.string().min(1, { error: 'must not be empty' }),
      peerAddress: ipAddress(),
      peerASN: asn(),
      myASN: asn(),
      ...peerSessionFields(),
      sourceAddresses: z.array(ipAddress()).min(1, { error: 'must list at least one address' }).optional(),
      password: z.string().optional(),
      passwordSecret: z
        .strictObject({ name: z.string(), namespace: z.string().optional(), key: z.string().optional() })
        .optional(),
      ebgpMultiHop: z.boolean().optional(),
      ttlSecurity: z.boolean().optional(),
      dualStackAddressFamily: z.boolean().optional(),
      nodeSelectors: z.array(labelSelector()).optional(),
      bfdProfile: z.string().optional(),
    })
    .superRefine((p, ctx) => checkSourceAddresses(p, ctx)),
);

/** One session per address to the same router: each must be a distinct address of its family. */
function checkSourceAddresses(
  p: { peerAddress: string; sourceAddress?: string; sourceAddresses?: string[] },
  ctx: z.RefinementCtx,
): void {
  if (p.sourceAddresses === undefined) return;
  if (p.sourceAddress !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['sourceAddresses'],
      message: 'cannot be used together with sourceAddress: list every address in sourceAddresses',
    });
  }
  const family = parseIp(p.peerAddress)?.family;
  p.sourceAddresses.forEach((address, i) => {
    if (parseIp(address)?.family !== family) {
      ctx.addIssue({
        code: 'custom',
        path: ['sourceAddresses', i],
        message: `is not an IPv${family} address like peerAddress ${p.peerAddress}`,
      });
    } else if (p.sourceAddresses?.indexOf(address) !== i) {
      ctx.addIssue({
        code: 'custom',
        path: ['sourceAddresses', i],
        message: `duplicates ${address}: each address opens its own session`,
      });
    }
  });
}

const poolSchema = once(() =>
  z.strictObject({
    name: z.string().min(1, { error: 'must not be empty' }),
    addresses: z.array(addressRange()).min(1, { error: 'must list at least one CIDR or range' }),
    autoAssign: z.boolean().optional(),
    avoidBuggyIPs: z.boolean().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    serviceAllocation: z
      .strictObject({
        priority: z.number().int({ error: 'must be a whole number' }).optional(),
        namespaces: z.array(z.string()).optional(),
        namespaceSelectors: z.array(labelSelector()).optional(),
        serviceSelectors: z.array(labelSelector()).optional(),
      })
      .optional(),
  }),
);

const ownSchema = once(() =>
  z.strictObject({
    apiVersion: z.literal(OWN_API_VERSION, { error: `must be ${OWN_API_VERSION}` }),
    kind: z.literal(OWN_KIND),
    metadata: z.looseObject({}).optional(),
    router: routerSchema().optional(),
    speaker: speakerSchema().optional(),
    peers: z.array(peerSchema()).optional(),
    pools: z.array(poolSchema()).optional(),
    advertisements: z
      .array(advertisementSpec().extend({ name: z.string().min(1, { error: 'must not be empty' }) }))
      .optional(),
    communities: z.array(z.strictObject({ name: z.string(), value: z.string() })).optional(),
    kubernetes: kubernetesSchema().optional(),
    loadBalancerClass: z.string().min(1, { error: 'must not be empty' }).optional(),
    manageNeighbors: z.boolean().optional(),
    neighborDescription: z.string().min(1, { error: 'must not be empty' }).optional(),
    verifyIntervalSec: z
      .number()
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1 second' })
      .optional(),
    announceOnly: z.boolean().optional(),
    healthChecks: healthChecksSchema().optional(),
  }),
);

export function fromOwnConfig(doc: SourceDocument, issues: IssueCollector): Fragment {
  const root: Site = { doc, path: [] };
  const fragment = emptyFragment();
  const cfg = parseAt(ownSchema(), doc.value, root, issues);
  if (!cfg) return fragment;
  const setting = <T>(key: string, value: T | undefined): SettingDraft<T> | undefined =>
    value === undefined ? undefined : { site: childSite(root, key), value };
  fragment.router = setting('router', cfg.router);
  fragment.speaker = setting('speaker', cfg.speaker);
  fragment.kubernetes = setting('kubernetes', cfg.kubernetes);
  fragment.loadBalancerClass = setting('loadBalancerClass', cfg.loadBalancerClass);
  fragment.manageNeighbors = setting('manageNeighbors', cfg.manageNeighbors);
  fragment.neighborDescription = setting('neighborDescription', cfg.neighborDescription);
  fragment.verifyIntervalSec = setting('verifyIntervalSec', cfg.verifyIntervalSec);
  fragment.announceOnly = setting('announceOnly', cfg.announceOnly);
  fragment.healthChecks = setting('healthChecks', cfg.healthChecks);

  (cfg.communities ?? []).forEach((c, i) => {
    fragment.aliases.push({ site: childSite(root, 'communities', i, 'value'), ...c });
  });
  (cfg.peers ?? []).forEach((p, i) => {
    const site = childSite(root, 'peers', i);
    fragment.peers.push({
      site,
      fieldSite: fieldSites(site, {
        name: ['name'],
        holdTime: ['holdTime'],
        keepaliveTime: ['keepaliveTime'],
        password: ['password'],
        bfdProfile: ['bfdProfile'],
        ebgpMultiHop: ['ebgpMultiHop'],
      }),
      name: p.name,
      peerAddress: p.peerAddress,
      peerAsn: p.peerASN,
      myAsn: p.myASN,
      peerPort: p.peerPort,
      holdTimeMs: p.holdTime,
      keepaliveTimeMs: p.keepaliveTime,
      connectTimeMs: p.connectTime,
      routerId: p.routerID,
      sourceAddress: p.sourceAddress,
      sourceAddresses: p.sourceAddresses,
      password: p.password,
      passwordSecret:
        p.passwordSecret &&
        compact({
          namespace: p.passwordSecret.namespace,
          name: p.passwordSecret.name,
          key: p.passwordSecret.key ?? DEFAULTS.passwordSecretKey,
        }),
      ebgpMultiHop: p.ebgpMultiHop,
      ttlSecurity: p.ttlSecurity,
      dualStackAddressFamily: p.dualStackAddressFamily,
      nodeSelectors: p.nodeSelectors ?? [],
      bfdProfile: p.bfdProfile,
    });
  });
  // Without an `advertisements` section every pool is announced as the ConfigMap form would
  // (one default advertisement); with one, advertisements select pools as MetalLB's CRDs do.
  const implicit = cfg.advertisements === undefined;
  (cfg.pools ?? []).forEach((p, i) => {
    const site = childSite(root, 'pools', i);
    const alloc = p.serviceAllocation;
    fragment.pools.push({
      site,
      fieldSite: fieldSites(site, { name: ['name'], addresses: ['addresses'] }),
      name: p.name,
      protocol: implicit ? 'bgp' : undefined,
      addresses: rangesAt(p.addresses, childSite(site, 'addresses'), issues),
      autoAssign: p.autoAssign ?? true,
      avoidBuggyIps: p.avoidBuggyIPs ?? false,
      labels: p.labels ?? {},
      serviceAllocation: alloc && {
        priority: alloc.priority ?? 0,
        namespaces: alloc.namespaces ?? [],
        namespaceSelectors: alloc.namespaceSelectors ?? [],
        serviceSelectors: alloc.serviceSelectors ?? [],
      },
      ownAdvertisements: implicit ? [] : undefined,
    });
  });
  (cfg.advertisements ?? []).forEach((a, i) => {
    const { name, ...spec } = a;
    const site = childSite(root, 'advertisements', i);
    checkAdvertisementSpec(spec, site, issues);
    fragment.advertisements.push(crdAdvertisement(name, spec, site, null));
  });
  return fragment;
}
