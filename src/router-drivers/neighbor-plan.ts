import { RouterConfigValueError } from './errors.js';
import { checkAddress, checkAsn, checkDescription, checkIntInRange } from './config-values.js';
import { REDACTED } from './parse-running-config.js';
import type { BgpNeighborConfig, RunningBgpConfig, RunningConfig } from './records.js';

export interface DesiredNeighbor {
  /** Our speaker's address as the router sees it. */
  address: string;
  remoteAs: number;
  /** Set for a speaker more than one hop away. */
  ebgpMultihop?: number;
}

export interface NeighborPolicy {
  /** The router's own AS (`router bgp N`). */
  routerAs: number;
  /** Written as the description of every neighbor we own; how we recognise them later. */
  descriptionMarker: string;
  neighbors: DesiredNeighbor[];
  /** `maximum-paths N` under `address-family ipv4 unicast`, so ADD-PATH next hops become ECMP. */
  maximumPaths?: number;
}

/** Where a command goes: directly under `router bgp`, or inside `address-family ipv4 unicast`. */
export type PlanContext = 'router' | 'ipv4-unicast';

export interface PlanStep {
  op: 'add' | 'remove';
  context: PlanContext;
  /** The vtysh command, e.g. `neighbor 192.168.201.2 remote-as 64500` or `no neighbor ...`. */
  command: string;
}

export interface NeighborPlan {
  routerAs: number;
  /** False when the router has no `router bgp` yet; the plan then creates it. */
  bgpExists: boolean;
  steps: PlanStep[];
  /** Commands that restore the configuration as it was before `steps`. */
  rollback: PlanStep[];
  /** Things the plan cannot or will not change but the operator should know. */
  notes: string[];
}

/**
 * Computes the commands that make the router's neighbors match the policy, touching only
 * neighbors that carry our description marker or that the policy names; every other neighbor
 * (and every other statement) is left as it is. Pure: the caller reads the running config.
 *
 * ADD-PATH: FRR (7+) advertises the ADD-PATH receive capability for IPv4 unicast by default
 * (the 8.4.4 capture shows `IPv4 Unicast: RX advertised` with no addpath line configured), so
 * receiving one path per node needs no neighbor command; `maximum-paths` is what turns those
 * paths into ECMP next hops in zebra.
 */
export function planNeighborChanges(running: RunningConfig, policy: NeighborPolicy): NeighborPlan {
  const routerAs = checkAsn('routerAs', policy.routerAs);
  const marker = checkDescription('descriptionMarker', policy.descriptionMarker);
  const desired = policy.neighbors.map((n, i) => ({
    address: checkAddress(`neighbors[${i}].address`, n.address),
    remoteAs: checkAsn(`neighbors[${i}].remoteAs`, n.remoteAs),
    ebgpMultihop:
      n.ebgpMultihop === undefined
        ? undefined
        : checkIntInRange(`neighbors[${i}].ebgpMultihop`, n.ebgpMultihop, 1, 255),
  }));
  const seen = new Set<string>();
  for (const d of desired) {
    if (seen.has(d.address)) throw new RouterConfigValueError('neighbors', d.address, 'is listed twice');
    seen.add(d.address);
  }
  const maximumPaths =
    policy.maximumPaths === undefined
      ? undefined
      : checkIntInRange('maximumPaths', policy.maximumPaths, 1, 256);

  const bgp = running.bgp.find((b) => b.vrf === undefined);
  if (bgp && bgp.asn !== routerAs) {
    throw new RouterConfigValueError(
      'routerAs',
      routerAs,
      `does not match the router's running "router bgp ${bgp.asn}"`,
    );
  }
  const steps: PlanStep[] = [];
  const rollback: PlanStep[] = [];
  const notes: string[] = [];
  const add = (context: PlanContext, command: string): void => {
    steps.push({ op: 'add', context, command });
  };
  const undo = (op: PlanStep['op'], context: PlanContext, command: string): void => {
    rollback.push({ op, context, command });
  };
  const needsActivate = bgp?.otherLines.includes('no bgp default ipv4-unicast') ?? false;

  for (const d of desired) {
    const have = bgp?.neighbors.find((n) => n.name === d.address);
    const prefix = `neighbor ${d.address}`;
    if (!have) {
      add('router', `${prefix} remote-as ${d.remoteAs}`);
      add('router', `${prefix} description ${marker}`);
      if (d.ebgpMultihop !== undefined) add('router', `${prefix} ebgp-multihop ${d.ebgpMultihop}`);
      if (needsActivate) add('ipv4-unicast', `${prefix} activate`);
      undo('remove', 'router', `no ${prefix}`);
      continue;
    }
    if (have.remoteAs !== d.remoteAs) {
      add('router', `${prefix} remote-as ${d.remoteAs}`);
      if (have.remoteAs !== undefined) undo('add', 'router', `${prefix} remote-as ${have.remoteAs}`);
    }
    if (have.description !== marker) {
      add('router', `${prefix} description ${marker}`);
      undo(
        'add',
        'router',
        have.description === undefined
          ? `no ${prefix} description`
          : `${prefix} description ${have.description}`,
      );
    }
    if (d.ebgpMultihop !== undefined && have.ebgpMultihop !== d.ebgpMultihop) {
      add('router', `${prefix} ebgp-multihop ${d.ebgpMultihop}`);
      undo(
        'add',
        'router',
        have.ebgpMultihop === undefined
          ? `no ${prefix} ebgp-multihop`
          : `${prefix} ebgp-multihop${have.ebgpMultihop === true ? '' : ` ${have.ebgpMultihop}`}`,
      );
    }
    if (needsActivate && bgp && !activated(bgp, d.address)) add('ipv4-unicast', `${prefix} activate`);
  }

  for (const have of bgp?.neighbors ?? []) {
    if (have.description !== marker || seen.has(have.name) || have.isPeerGroup) continue;
    steps.push({ op: 'remove', context: 'router', command: `no neighbor ${have.name}` });
    for (const line of restoreLines(bgp as RunningBgpConfig, have)) undo('add', line.context, line.command);
    if (have.hasPassword) notes.push(`neighbor ${have.name} has a password; a rollback cannot restore it`);
  }

  if (maximumPaths !== undefined) {
    const af = bgp?.addressFamilies.find((a) => a.name === 'ipv4 unicast');
    if (af?.maximumPaths !== maximumPaths) {
      add('ipv4-unicast', `maximum-paths ${maximumPaths}`);
      undo(
        'add',
        'ipv4-unicast',
        af?.maximumPaths === undefined
          ? `no maximum-paths ${maximumPaths}`
          : `maximum-paths ${af.maximumPaths}`,
      );
    }
  }
  if (
    desired.some((d) => d.remoteAs !== routerAs) &&
    bgp &&
    !bgp.otherLines.includes('no bgp ebgp-requires-policy')
  ) {
    notes.push(
      'FRR 7.4+ rejects routes from eBGP neighbors without an inbound route-map unless "no bgp ebgp-requires-policy" is set; this plan does not change that',
    );
  }
  // Undo runs in reverse order so a re-added neighbor exists before its attributes return.
  return { routerAs, bgpExists: bgp !== undefined, steps, rollback: rollback.reverse(), notes };
}

function activated(bgp: RunningBgpConfig, name: string): boolean {
  const af = bgp.addressFamilies.find((a) => a.name === 'ipv4 unicast');
  return af?.neighbors.find((n) => n.name === name)?.activate === true;
}

/** The statements that re-create a removed neighbor, in the order the router printed them. */
function restoreLines(
  bgp: RunningBgpConfig,
  n: BgpNeighborConfig,
): { context: PlanContext; command: string }[] {
  const out: { context: PlanContext; command: string }[] = [];
  let context: PlanContext | 'other-af' = 'router';
  for (const raw of bgp.lines.slice(1)) {
    const t = raw.trim();
    if (t.startsWith('address-family '))
      context =
        t === 'address-family ipv4 unicast' || t === 'address-family ipv4' ? 'ipv4-unicast' : 'other-af';
    else if (t === 'exit-address-family') context = 'router';
    else if (context !== 'other-af' && t.startsWith(`neighbor ${n.name} `) && !t.endsWith(REDACTED))
      out.push({ context, command: t });
  }
  return out;
}

/** The plan as a vtysh-style diff: `+ neighbor ...` to add, `- no neighbor ...` to remove. */
export function renderNeighborPlan(plan: NeighborPlan): string {
  if (plan.steps.length === 0)
    return `router bgp ${plan.routerAs}: neighbors already as configured, nothing to change\n`;
  const out = [`router bgp ${plan.routerAs}${plan.bgpExists ? '' : '   (new)'}`];
  const mark = (s: PlanStep): string => (s.op === 'add' ? '+' : '-');
  for (const s of plan.steps.filter((x) => x.context === 'router')) out.push(`${mark(s)} ${s.command}`);
  const af = plan.steps.filter((x) => x.context === 'ipv4-unicast');
  if (af.length > 0) {
    out.push('  address-family ipv4 unicast');
    for (const s of af) out.push(`${mark(s)}  ${s.command}`);
    out.push('  exit-address-family');
  }
  for (const n of plan.notes) out.push(`! ${n}`);
  return `${out.join('\n')}\n`;
}

/** The vtysh lines (inside `configure terminal`) that carry out a list of steps. */
export function configLinesFor(routerAs: number, steps: readonly PlanStep[]): string[] {
  const router = steps.filter((s) => s.context === 'router').map((s) => s.command);
  const af = steps.filter((s) => s.context === 'ipv4-unicast').map((s) => s.command);
  return [
    `router bgp ${routerAs}`,
    ...router,
    ...(af.length > 0 ? ['address-family ipv4 unicast', ...af, 'exit-address-family'] : []),
  ];
}
