/**
 * Replays a MetalLB allocator test (internal/allocator/allocator_test.go) through our planner.
 * MetalLB's tests call Assign/Allocate/AllocateFromPool/Unassign one after another on one
 * allocator; we plan from what the cluster shows, so each step becomes one plan: every service
 * that holds addresses so far shows them in status.loadBalancer.ingress, and the step's service
 * asks for its addresses (loadBalancerIPs annotation for Assign, address-pool annotation for
 * AllocateFromPool, nothing for Allocate).
 */
import type { AddressPool } from '../../src/config/model.js';
import type { IpFamilyPolicy, ServiceInfo } from '../../src/sync/cluster.js';
import { planCluster } from '../../src/sync/planner/index.js';
import { config, service, snapshot } from '../sync/builders.js';

/** One MetalLB test case, its fields named as MetalLB's table names them. */
export interface AllocatorStep {
  /** MetalLB's `desc` (or `#n` where its table has none). */
  desc: string;
  svc: string;
  /** Assign(svc, ips): the exact addresses; [] is MetalLB's Unassign shortcut. */
  ips?: string[];
  unassign?: boolean;
  /** Allocate's ipFamily: the ClusterIP families the service has. */
  family?: 'IPv4' | 'IPv6' | 'DualStack';
  /** svcRequireDualStack / svcPreferDualStack; plain `svc` otherwise. */
  policy?: IpFamilyPolicy;
  /** AllocateFromPool's pool. */
  poolName?: string;
  ports?: string[];
  sharingKey?: string;
  backendKey?: string;
  namespace?: string;
  labels?: Record<string, string>;
  wantErr?: boolean;
}

export interface StepOutcome {
  ok: boolean;
  ips: string[];
  /** Services that held addresses before the step and lost any of them in its plan. */
  disturbed: string[];
}

interface Holding {
  step: AllocatorStep;
  ips: string[];
}

/**
 * k8salloc.BackendKey is the pod selector of an externalTrafficPolicy Local service and empty for
 * Cluster, so an opaque backend key is a Local service selecting `backend=KEY`.
 */
function asService(step: AllocatorStep, status: string[]): ServiceInfo {
  const families: Array<4 | 6> =
    step.family === undefined
      ? familiesOf(step.ips ?? status)
      : step.family === 'DualStack'
        ? [4, 6]
        : [step.family === 'IPv6' ? 6 : 4];
  const annotations: Record<string, string> = {};
  if (step.sharingKey) annotations['metallb.io/allow-shared-ip'] = step.sharingKey;
  if (step.poolName) annotations['metallb.io/address-pool'] = step.poolName;
  if (step.ips && step.ips.length > 0) annotations['metallb.io/loadBalancerIPs'] = step.ips.join(',');
  return service(step.svc, {
    namespace: step.namespace ?? 'default',
    labels: step.labels ?? {},
    annotations,
    ipFamilies: families,
    ipFamilyPolicy: step.policy ?? (families.length === 2 ? 'RequireDualStack' : 'SingleStack'),
    externalTrafficPolicy: step.backendKey ? 'Local' : 'Cluster',
    selector: step.backendKey ? { backend: step.backendKey } : {},
    ports: (step.ports ?? []).map((p) => {
      const [protocol, port] = p.split('/');
      return { protocol: (protocol as string).toUpperCase() as 'TCP' | 'UDP', port: Number(port) };
    }),
    statusIngress: status,
  });
}

/** The families of Assign's addresses, in their order, as the service's ClusterIPs would be. */
function familiesOf(ips: readonly string[]): Array<4 | 6> {
  const families: Array<4 | 6> = [];
  for (const ip of ips) {
    const family = ip.includes(':') ? 6 : 4;
    if (!families.includes(family)) families.push(family);
  }
  return families.length === 0 ? [4] : families;
}

/** Runs the steps in order on one simulated cluster; one outcome per step (undefined: Unassign). */
export function replay(
  pools: AddressPool[],
  steps: readonly AllocatorStep[],
): Array<StepOutcome | undefined> {
  const held = new Map<string, Holding>();
  return steps.map((step) => {
    if (step.unassign || (step.ips !== undefined && step.ips.length === 0)) {
      held.delete(step.svc);
      return undefined;
    }
    const others = [...held.entries()].filter(([svc]) => svc !== step.svc);
    const mine = step.ips === undefined ? (held.get(step.svc)?.ips ?? []) : [];
    const services = [
      ...others.map(([, h]) => asService({ ...h.step, ips: undefined, poolName: undefined }, h.ips)),
      asService(step, mine),
    ];
    const plan = planCluster(config(pools), snapshot({ services }));
    const byName = new Map(plan.allocations.map((a) => [a.service.split('/')[1] as string, a]));
    const disturbed = others
      .filter(([svc, h]) => h.ips.some((ip) => !(byName.get(svc)?.ips ?? []).includes(ip)))
      .map(([svc]) => svc);
    const result = byName.get(step.svc);
    const ok = result !== undefined && result.failure === undefined && result.ips.length > 0;
    if (ok) held.set(step.svc, { step, ips: result.ips });
    return { ok, ips: result?.ips ?? [], disturbed };
  });
}
