import { addressTexts } from '../../ip/address.js';
import type { Plan } from '../plan-types.js';
import type { RouteVerdict, Verification } from '../verify/verification.js';

/** One route of a service as one peer should carry it, and what the router showed of it. */
export interface CarriedRoute {
  peer: string;
  peerAddress: string;
  prefix: string;
  nextHops: string[];
  /**
   * True when the last verification found the route on the router with the planned next hops;
   * absent when no verification covered this peer (nothing is known yet).
   */
  verified?: boolean;
  /** The verifier's verdict for the prefix, when it checked one. */
  verdict?: RouteVerdict;
}

/**
 * What a user wants to see of one service without reading logs: its addresses and pools, which
 * peers carry it, whether the router has it, and why not where it is not announced. Unlike
 * MetalLB's ServiceBGPStatus, which lists the configured peers, this lists the routes per peer
 * and whether each was found on the router.
 */
export interface ServiceStatus {
  service: string;
  ips: string[];
  pools: string[];
  carriedBy: CarriedRoute[];
  /** Allocation failure and advertisement issues, as messages. */
  problems: string[];
}

/** `verified` over every route of the service: undefined while any route was not checked. */
export function allVerified(status: ServiceStatus): boolean | undefined {
  if (status.carriedBy.length === 0) return undefined;
  if (status.carriedBy.some((r) => r.verified === false)) return false;
  return status.carriedBy.every((r) => r.verified === true) ? true : undefined;
}

/** Per-service status from a plan and, when there is one, the last verification of the router. */
export function serviceStatuses(
  plan: Pick<Plan, 'allocations' | 'peers'> & Partial<Pick<Plan, 'issues'>>,
  verification?: Verification,
): ServiceStatus[] {
  const verdictOf = new Map<string, RouteVerdict>();
  for (const route of verification?.routes ?? []) verdictOf.set(route.prefix, route.verdict);
  const checkedPeers = new Set(verification?.peers ?? []);

  const byService = new Map<string, ServiceStatus>();
  for (const a of plan.allocations) {
    byService.set(a.service, {
      service: a.service,
      ips: a.ips,
      pools: a.pools,
      carriedBy: [],
      problems: a.failure ? [a.failure.message] : [],
    });
  }
  for (const peer of plan.peers) {
    for (const route of peer.routes) {
      for (const service of route.services) {
        const entry: CarriedRoute = {
          peer: peer.peer,
          peerAddress: peer.peerAddress,
          prefix: route.prefix.text,
          nextHops: addressTexts(route.nextHops),
        };
        if (checkedPeers.has(peer.peer)) {
          const verdict = verdictOf.get(route.prefix.text) ?? 'missing';
          entry.verdict = verdict;
          entry.verified = verdict === 'ok';
        }
        byService.get(service)?.carriedBy.push(entry);
      }
    }
  }
  for (const issue of plan.issues ?? []) byService.get(issue.service)?.problems.push(issue.message);
  return [...byService.values()];
}
