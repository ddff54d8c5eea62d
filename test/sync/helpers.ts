import type { Plan, ServiceAllocation } from '../../src/sync/plan-types.js';
import { addressTexts } from '../../src/ip/address.js';

export function allocationOf(plan: Plan, name: string, namespace = 'default'): ServiceAllocation | undefined {
  return plan.allocations.find((a) => a.service === `${namespace}/${name}`);
}

export function ipsOf(plan: Plan, name: string, namespace = 'default'): string[] | undefined {
  return allocationOf(plan, name, namespace)?.ips;
}

/** prefix -> next hops for one peer (the first one unless named). */
export function routesOf(plan: Plan, peer?: string): Record<string, string[]> {
  const routes = (peer === undefined ? plan.peers[0] : plan.peers.find((p) => p.peer === peer))?.routes ?? [];
  return Object.fromEntries(routes.map((r) => [r.prefix.text, addressTexts(r.nextHops)]));
}
