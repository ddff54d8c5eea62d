import type { Config } from '../../config/model.js';
import { serviceKey, type IpFamilyPolicy, type ServiceInfo } from '../cluster.js';
import type { AllocationFailureReason } from '../plan-types.js';
import type { SharingIdentity } from '../allocator/ip-allocator.js';
import { familyName, parseIp, type IpAddress, type IpFamily } from '../../ip/address.js';

/** MetalLB reads both the current `metallb.io/` and the legacy `metallb.universe.tf/` spelling. */
function spellings(name: string): readonly string[] {
  return [`metallb.io/${name}`, `metallb.universe.tf/${name}`];
}
const LOAD_BALANCER_IPS = spellings('loadBalancerIPs');
const ADDRESS_POOL = spellings('address-pool');
const ALLOW_SHARED_IP = spellings('allow-shared-ip');

function annotation(
  service: ServiceInfo,
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = service.annotations[name];
    if (value !== undefined) return { name, value: value.trim() };
  }
  return undefined;
}

/** What one service asks of the allocator, read once from its spec and annotations. */
export interface AllocationRequest {
  key: string;
  service: ServiceInfo;
  /** Families the service wants, preferred first. */
  families: IpFamily[];
  policy: IpFamilyPolicy;
  /** Explicit addresses (spec.loadBalancerIP or the loadBalancerIPs annotation). */
  requested?: IpAddress[];
  requestedPool?: string;
  identity: SharingIdentity;
  /** Set when the request itself cannot be satisfied by any allocator state. */
  invalid?: { reason: AllocationFailureReason; message: string };
}

/** The rule of issue 13: a configured class selects exactly that class, none selects unclassed. */
export function isHandledService(config: Pick<Config, 'loadBalancerClass'>, service: ServiceInfo): boolean {
  if (service.type !== 'LoadBalancer') return false;
  return config.loadBalancerClass === undefined
    ? service.loadBalancerClass === undefined || service.loadBalancerClass === ''
    : service.loadBalancerClass === config.loadBalancerClass;
}

function wantedFamilies(service: ServiceInfo): IpFamily[] {
  const primary: IpFamily = service.ipFamilies[0] ?? 4;
  if (service.ipFamilyPolicy === 'SingleStack') return [primary];
  let declared = 1;
  for (const f of service.ipFamilies) if (f !== primary) declared = 2;
  // MetalLB takes the families from the ClusterIPs (ipfamily.ForService): on a single-stack
  // cluster the API server gives a PreferDualStack service one family, and so do we.
  if (service.ipFamilyPolicy === 'PreferDualStack' && declared < 2) return [primary];
  return [primary, primary === 4 ? 6 : 4];
}

function sharingIdentity(service: ServiceInfo, key: string, sharingKey: string | undefined): SharingIdentity {
  const backendKey =
    service.externalTrafficPolicy === 'Local'
      ? Object.keys(service.selector)
          .sort()
          .map((k) => `${k}=${service.selector[k]}`)
          .join(',')
      : '';
  return {
    service: key,
    sharingKey: sharingKey === '' ? undefined : sharingKey,
    backendKey,
    ports: service.ports.map((p) => `${p.protocol}/${p.port}`),
  };
}

function parseRequested(
  service: ServiceInfo,
  families: IpFamily[],
): { requested?: IpAddress[]; invalid?: AllocationRequest['invalid'] } {
  const ann = annotation(service, LOAD_BALANCER_IPS);
  const spec = service.loadBalancerIP?.trim() || undefined;
  if (ann && spec) {
    return {
      invalid: {
        reason: 'invalid-request',
        message: `spec.loadBalancerIP and the ${ann.name} annotation are both set; use only the annotation`,
      },
    };
  }
  const source = ann ? `the ${ann.name} annotation` : 'spec.loadBalancerIP';
  const texts = ann
    ? ann.value
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
    : spec
      ? [spec]
      : [];
  if (texts.length === 0) {
    return ann ? { invalid: { reason: 'invalid-request', message: `${source} is empty` } } : {};
  }
  const requested: IpAddress[] = [];
  for (const text of texts) {
    const ip = parseIp(text);
    if (!ip) {
      return {
        invalid: { reason: 'invalid-request', message: `"${text}" in ${source} is not an IP address` },
      };
    }
    if (!families.includes(ip.family)) {
      return {
        invalid: {
          reason: 'wrong-family',
          message: `${text} in ${source} is ${familyName(ip.family)}, but the service is ${families.map(familyName).join('/')} (${service.ipFamilyPolicy})`,
        },
      };
    }
    if (requested.some((r) => r.family === ip.family)) {
      return {
        invalid: {
          reason: 'invalid-request',
          message: `${source} lists more than one ${familyName(ip.family)} address; give at most one per family`,
        },
      };
    }
    requested.push(ip);
  }
  // MetalLB's allocateIPs refuses requested addresses whose families are not the service's
  // (ipfamily.ForService): a service with two ClusterIPs, PreferDualStack too, needs one of each.
  if (families.length === 2 && requested.length < 2) {
    return {
      invalid: {
        reason: 'wrong-family',
        message: `the service is ${service.ipFamilyPolicy} with IPv4 and IPv6 ClusterIPs, so ${source} must give one IPv4 and one IPv6 address`,
      },
    };
  }
  requested.sort((a, b) => families.indexOf(a.family) - families.indexOf(b.family));
  return { requested };
}

/** `key` is the service's serviceKey; a caller that holds that string already passes it (one copy). */
export function readAllocationRequest(service: ServiceInfo, key = serviceKey(service)): AllocationRequest {
  const families = wantedFamilies(service);
  const { requested, invalid } = parseRequested(service, families);
  return {
    key,
    service,
    families,
    policy: service.ipFamilyPolicy,
    requested,
    requestedPool: annotation(service, ADDRESS_POOL)?.value || undefined,
    identity: sharingIdentity(service, key, annotation(service, ALLOW_SHARED_IP)?.value),
    invalid,
  };
}

/** Explicit requests first, then the oldest service, then namespace/name: MetalLB-like and stable. */
export function compareRequests(a: AllocationRequest, b: AllocationRequest): number {
  const ea = a.requested ? 0 : 1;
  const eb = b.requested ? 0 : 1;
  if (ea !== eb) return ea - eb;
  const ta = a.service.creationTimestamp;
  const tb = b.service.creationTimestamp;
  if (ta !== tb) {
    if (ta === undefined) return 1;
    if (tb === undefined) return -1;
    return ta < tb ? -1 : 1;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
