/**
 * Turns Kubernetes API objects (as plain JSON, from the API or from manifests) into the narrow
 * shapes of src/sync/cluster.ts. Pure: both the manifests source and the API informers use it, so
 * a Service means the same thing wherever it came from.
 */
import { isIP } from 'node:net';
import * as z from 'zod';
import type {
  EndpointSliceInfo,
  NamespaceInfo,
  NodeInfo,
  ServiceInfo,
  ServicePort,
} from '../sync/cluster.js';
import { once } from '../util/once.js';

const CLUSTER_KINDS = ['Service', 'EndpointSlice', 'Node', 'Namespace'] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

export function isClusterKind(kind: string): kind is ClusterKind {
  return (CLUSTER_KINDS as readonly string[]).includes(kind);
}

/** Why one object could not be used; `field` is a dotted path inside the object. */
export interface ObjectProblem {
  field: string;
  reason: string;
}

export type Converted<T> = { ok: true; value: T } | { ok: false; problem: ObjectProblem };

/** YAML turns `labels:` with nothing after it into null; the API omits the field. Both mean empty. */
const stringMap = once(() =>
  z
    .record(z.string(), z.string())
    .nullish()
    .transform((v) => v ?? {}),
);

const ipAddress = once(() => z.string().refine((s) => isIP(s) !== 0, 'not an IP address'));

const metadata = once(() =>
  z.object({
    name: z.string().min(1),
    namespace: z.string().min(1).nullish(),
    uid: z.string().nullish(),
    labels: stringMap(),
    annotations: stringMap(),
    creationTimestamp: z.string().nullish(),
  }),
);

const serviceSchema = once(() =>
  z.object({
    metadata: metadata(),
    spec: z.object({
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).default('ClusterIP'),
      clusterIP: z.string().nullish(),
      // An empty string is how `kubectl get -o yaml` shows an unset field on old clusters.
      loadBalancerIP: z.union([z.literal(''), ipAddress()]).nullish(),
      loadBalancerClass: z.string().nullish(),
      externalTrafficPolicy: z.enum(['Cluster', 'Local']).nullish(),
      healthCheckNodePort: z.number().int().min(1).max(65535).nullish(),
      ipFamilies: z.array(z.enum(['IPv4', 'IPv6'])).nullish(),
      ipFamilyPolicy: z.enum(['SingleStack', 'PreferDualStack', 'RequireDualStack']).nullish(),
      selector: stringMap(),
      ports: z
        .array(
          z.object({
            name: z.string().nullish(),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
            port: z.number().int().min(1).max(65535),
            nodePort: z.number().int().min(1).max(65535).nullish(),
          }),
        )
        .nullish(),
    }),
    status: z
      .object({
        loadBalancer: z
          .object({
            ingress: z
              .array(z.object({ ip: ipAddress().nullish(), hostname: z.string().nullish() }))
              .nullish(),
          })
          .nullish(),
      })
      .nullish(),
  }),
);

const endpointSliceSchema = once(() =>
  z.object({
    metadata: metadata(),
    addressType: z.enum(['IPv4', 'IPv6', 'FQDN']),
    endpoints: z
      .array(
        z.object({
          addresses: z.array(z.string()),
          conditions: z.object({ ready: z.boolean().nullish(), serving: z.boolean().nullish() }).nullish(),
          nodeName: z.string().nullish(),
        }),
      )
      .nullish(),
  }),
);

const conditions = once(() => z.array(z.object({ type: z.string(), status: z.string() })).nullish());

const nodeSchema = once(() =>
  z.object({
    metadata: metadata(),
    spec: z.object({ unschedulable: z.boolean().nullish() }).nullish(),
    status: z
      .object({
        addresses: z.array(z.object({ type: z.string(), address: z.string() })).nullish(),
        conditions: conditions(),
      })
      .nullish(),
  }),
);

const namespaceSchema = once(() => z.object({ metadata: metadata() }));

function firstIssue(error: z.ZodError): ObjectProblem {
  const issue = error.issues[0];
  if (!issue) return { field: '', reason: 'invalid object' };
  return { field: issue.path.map(String).join('.'), reason: issue.message };
}

function parseWith<S extends z.ZodType, T>(
  schema: S,
  obj: unknown,
  build: (o: z.output<S>) => Converted<T>,
): Converted<T> {
  const parsed = schema.safeParse(obj);
  if (!parsed.success) return { ok: false, problem: firstIssue(parsed.error) };
  return build(parsed.data);
}

function ipFamilyOf(ip: string | null | undefined): 4 | 6 | undefined {
  if (!ip) return undefined;
  const family = isIP(ip);
  return family === 4 || family === 6 ? family : undefined;
}

export function serviceFromObject(obj: unknown): Converted<ServiceInfo> {
  return parseWith(serviceSchema(), obj, (s) => {
    const ports: ServicePort[] = (s.spec.ports ?? []).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      protocol: p.protocol,
      port: p.port,
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
    }));
    // The API always fills ipFamilies; a hand-written manifest usually leaves it out, and then
    // the clusterIP's family is what the API server would have chosen.
    const ipFamilies: Array<4 | 6> = s.spec.ipFamilies
      ? s.spec.ipFamilies.map((f) => (f === 'IPv4' ? 4 : 6))
      : [ipFamilyOf(s.spec.clusterIP) ?? 4];
    const statusIngress = (s.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
    const info: ServiceInfo = {
      namespace: s.metadata.namespace ?? 'default',
      name: s.metadata.name,
      type: s.spec.type,
      externalTrafficPolicy: s.spec.externalTrafficPolicy ?? 'Cluster',
      ipFamilies,
      ipFamilyPolicy: s.spec.ipFamilyPolicy ?? 'SingleStack',
      selector: s.spec.selector,
      ports,
      labels: s.metadata.labels,
      annotations: s.metadata.annotations,
      statusIngress,
    };
    if (s.metadata.uid) info.uid = s.metadata.uid;
    if (s.spec.clusterIP) info.clusterIP = s.spec.clusterIP;
    if (s.spec.loadBalancerIP) info.loadBalancerIP = s.spec.loadBalancerIP;
    if (s.spec.loadBalancerClass) info.loadBalancerClass = s.spec.loadBalancerClass;
    if (s.spec.healthCheckNodePort) info.healthCheckNodePort = s.spec.healthCheckNodePort;
    if (s.metadata.creationTimestamp) info.creationTimestamp = s.metadata.creationTimestamp;
    return { ok: true, value: info };
  });
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function endpointSliceFromObject(obj: unknown): Converted<EndpointSliceInfo> {
  return parseWith(endpointSliceSchema(), obj, (e) => {
    const serviceName = e.metadata.labels[SERVICE_NAME_LABEL];
    if (!serviceName) {
      return {
        ok: false,
        problem: {
          field: `metadata.labels.${SERVICE_NAME_LABEL}`,
          reason: 'missing: the slice belongs to no service',
        },
      };
    }
    const family = e.addressType === 'IPv4' ? 4 : e.addressType === 'IPv6' ? 6 : undefined;
    for (const [i, ep] of (e.endpoints ?? []).entries()) {
      const bad = family ? ep.addresses.findIndex((a) => isIP(a) !== family) : -1;
      if (bad >= 0) {
        return {
          ok: false,
          problem: {
            field: `endpoints.${i}.addresses.${bad}`,
            reason: `'${ep.addresses[bad]}' is not an ${e.addressType} address`,
          },
        };
      }
    }
    const endpoints = (e.endpoints ?? []).map((ep) => ({
      addresses: ep.addresses,
      // Kubernetes documents a missing ready condition as "ready". MetalLB (epslices
      // EndpointCanServe) also counts a terminating endpoint that is still serving.
      ready: (ep.conditions?.ready ?? true) || ep.conditions?.serving === true,
      ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
    }));
    return {
      ok: true,
      value: {
        namespace: e.metadata.namespace ?? 'default',
        name: e.metadata.name,
        serviceName,
        addressType: e.addressType,
        endpoints,
      },
    };
  });
}

export function nodeFromObject(obj: unknown): Converted<NodeInfo> {
  return parseWith(nodeSchema(), obj, (n) => {
    const conds = n.status?.conditions ?? [];
    const conditionTrue = (type: string): boolean =>
      conds.some((c) => c.type === type && c.status === 'True');
    const internalIPs = (n.status?.addresses ?? [])
      .filter((a) => a.type === 'InternalIP')
      .map((a) => a.address);
    const badIndex = internalIPs.findIndex((ip) => isIP(ip) === 0);
    if (badIndex >= 0) {
      return {
        ok: false,
        problem: {
          field: 'status.addresses',
          reason: `InternalIP '${internalIPs[badIndex]}' is not an IP address`,
        },
      };
    }
    return {
      ok: true,
      value: {
        name: n.metadata.name,
        labels: n.metadata.labels,
        internalIPs,
        ready: conditionTrue('Ready'),
        unschedulable: n.spec?.unschedulable ?? false,
        networkUnavailable: conditionTrue('NetworkUnavailable'),
      },
    };
  });
}

export function namespaceFromObject(obj: unknown): Converted<NamespaceInfo> {
  return parseWith(namespaceSchema(), obj, (n) => ({
    ok: true,
    value: { name: n.metadata.name, labels: n.metadata.labels },
  }));
}
