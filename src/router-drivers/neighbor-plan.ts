import { RouterConfigValueError } from './errors.js';
import { checkAddress, checkAsn, checkDescription, checkIntInRange } from './config-values.js';
import { REDACTED } from './parse-running-config.js';
import type { BgpNeighborConfig, RunningBgpConfig, RunningConfig } from './records.js';
import { importFilterName, planImportFilter, type ImportPool } from './import-filter.js';
import type { PlanContext, PlanStep } from './plan-step.js';
import { SecretText } from './secret-text.js';

export interface DesiredNeighbor {
  /** Our speaker's address as the router sees it. */
  address: string;
  remoteAs: number;
  /** Set for a speaker more than one hop away. */
  ebgpMultihop?: number;
  /** TCP-MD5 key (`neighbor X password K`); never shown in a plan, a log or an error. */
  password?: string;
}

export interface NeighborPolicy {
  /** The router's own AS (`router bgp N`). */
  routerAs: number;
  /** Written as the description of every neighbor we own; how we recognise them later. */
  descriptionMarker: string;
  neighbors: DesiredNeighbor[];
  /**
   * `maximum-paths N` (`maximum-paths ibgp N` for neighbors in the router's own AS) under
   * `address-family ipv4 unicast`, so the paths of our sessions (ADD-PATH, or one per path slot)
   * become ECMP next hops. Only raised where the router lacks it or has less; never lowered.
   */
  maximumPaths?: number;
  /**
   * Our address pools: when given, the router accepts from our neighbors only the prefixes we
   * announce from them (prefix-lists and route-map `<marker>-in`, see import-filter.ts).
   */
  importPools?: ImportPool[];
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
  /** Neighbors the plan creates (the router has no line for them yet). */
  created: string[];
  /** The lines a rollback must bring back (ownedLines of the config the plan was made from). */
  before: string[];
  /** The policy's description marker, which names the import filter objects. */
  marker: string;
}

/**
 * Computes the commands that make the router's neighbors match the policy, touching only
 * neighbors that carry our description marker, and adding those the router lacks; every other
 * neighbor (and every other statement) is left as it is. Pure: the caller reads the running config.
 *
 * ADD-PATH: FRR (7+) advertises the ADD-PATH receive capability for IPv4 unicast by default
 * (the 8.4.4 capture shows `IPv4 Unicast: RX advertised` with no addpath line configured), so
 * receiving one path per node needs no neighbor command; `maximum-paths` is what turns those
 * paths into ECMP next hops in zebra.
 */
export function planNeighborChanges(
  running: RunningConfig,
  policy: NeighborPolicy,
  opts: { claimed?: readonly string[] } = {},
): NeighborPlan {
  const routerAs = checkAsn('routerAs', policy.routerAs);
  const marker = checkDescription('descriptionMarker', policy.descriptionMarker);
  const desired = policy.neighbors.map((n, i) => ({
    address: checkAddress(`neighbors[${i}].address`, n.address),
    remoteAs: checkAsn(`neighbors[${i}].remoteAs`, n.remoteAs),
    ebgpMultihop:
      n.ebgpMultihop === undefined
        ? undefined
        : checkIntInRange(`neighbors[${i}].ebgpMultihop`, n.ebgpMultihop, 1, 255),
    password:
      n.password === undefined || n.password === ''
        ? undefined
        : checkPassword(`neighbors[${i}].password`, n.password),
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
  const undo = (op: PlanStep['op'], context: PlanContext, command: string, block?: string): void => {
    rollback.push({ op, context, command, ...(block !== undefined ? { block } : {}) });
  };
  const addPassword = (address: string, password: SecretText): void => {
    steps.push({
      op: 'add',
      context: 'router',
      command: `neighbor ${address} password ${REDACTED}`,
      secret: password,
    });
  };
  const needsActivate = bgp?.otherLines.includes('no bgp default ipv4-unicast') ?? false;

  // A neighbor line someone wrote by hand (no marker) is theirs: the docs promise that lines
  // without our marker are left alone, so it gets no description, filter or AS change from us.
  // `claimed`: neighbors a plan just created, checked on the read-back; one that lost its
  // description there is ours with a line missing, not someone else's.
  const handWritten = (d: { address: string }): boolean => {
    const have = bgp?.neighbors.find((n) => n.name === d.address);
    return have !== undefined && have.description !== marker && !opts.claimed?.includes(d.address);
  };
  for (const d of desired.filter(handWritten)) {
    notes.push(
      `neighbor ${d.address} is configured without the description "${marker}": left as it is; give it that description to let this tool manage it`,
    );
  }
  const owned = desired.filter((d) => !handWritten(d));
  for (const d of owned) {
    const have = bgp?.neighbors.find((n) => n.name === d.address);
    const prefix = `neighbor ${d.address}`;
    if (!have) {
      add('router', `${prefix} remote-as ${d.remoteAs}`);
      add('router', `${prefix} description ${marker}`);
      if (d.ebgpMultihop !== undefined) add('router', `${prefix} ebgp-multihop ${d.ebgpMultihop}`);
      if (d.password !== undefined) addPassword(d.address, d.password);
      if (needsActivate) add('ipv4-unicast', `${prefix} activate`);
      undo('remove', 'router', `no ${prefix}`);
      continue;
    }
    if (have.remoteAs !== d.remoteAs) {
      add('router', `${prefix} remote-as ${d.remoteAs}`);
      if (have.remoteAs !== undefined) undo('add', 'router', `${prefix} remote-as ${have.remoteAs}`);
    }
    // Only a neighbor this plan's caller created can lack the marker here (see handWritten).
    if (have.description !== marker) add('router', `${prefix} description ${marker}`);
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
    if (d.password !== undefined && !have.hasPassword) {
      addPassword(d.address, d.password);
      undo('add', 'router', `no ${prefix} password`);
    }
    if (needsActivate && bgp && !activated(bgp, d.address)) add('ipv4-unicast', `${prefix} activate`);
  }
  if (
    owned.some(
      (d) => d.password !== undefined && bgp?.neighbors.find((n) => n.name === d.address)?.hasPassword,
    )
  ) {
    notes.push('an existing neighbor password is never read back, so it is not compared or rewritten');
  }
  // The filter exists for our neighbors; with none of them to attach it to, it would be clutter.
  if (policy.importPools !== undefined && owned.length > 0) {
    planImportFilter(
      running,
      bgp,
      marker,
      owned.map((d) => d.address),
      policy.importPools,
      {
        add: (context, command, block, newBlock) =>
          steps.push({
            op: 'add',
            context,
            command,
            ...(block !== undefined ? { block } : {}),
            ...(newBlock ? { newBlock } : {}),
          }),
        undo,
      },
    );
  }

  for (const have of bgp?.neighbors ?? []) {
    if (have.description !== marker || seen.has(have.name) || have.isPeerGroup) continue;
    steps.push({ op: 'remove', context: 'router', command: `no neighbor ${have.name}` });
    // Backwards, because the rollback runs in reverse: `remote-as` must come back first.
    for (const line of restoreLines(bgp as RunningBgpConfig, have).reverse())
      undo('add', line.context, line.command);
    if (have.hasPassword) notes.push(`neighbor ${have.name} has a password; a rollback cannot restore it`);
  }

  if (maximumPaths !== undefined) {
    const af = bgp?.addressFamilies.find((a) => a.name === 'ipv4 unicast');
    // eBGP and iBGP paths have separate limits; each is raised only for the kind of session we
    // have. A higher limit the router already has stays: lowering it could drop someone's paths.
    const kinds = [
      { ibgp: false, have: af?.maximumPaths, used: desired.some((d) => d.remoteAs !== routerAs) },
      { ibgp: true, have: af?.maximumPathsIbgp, used: desired.some((d) => d.remoteAs === routerAs) },
    ];
    for (const { ibgp, have, used } of kinds) {
      if (!used) continue;
      const command = `maximum-paths ${ibgp ? 'ibgp ' : ''}`;
      if (have !== undefined && have >= maximumPaths) continue;
      add('ipv4-unicast', `${command}${maximumPaths}`);
      undo('add', 'ipv4-unicast', have === undefined ? `no ${command}${maximumPaths}` : `${command}${have}`);
      notes.push(
        `${command}${maximumPaths} (asked for): the router installs up to ${maximumPaths} paths of a prefix as ECMP next hops, for every ${ibgp ? 'iBGP' : 'eBGP'} route it has, not only ours`,
      );
    }
  }
  if (
    desired.some((d) => d.remoteAs !== routerAs) &&
    policy.importPools === undefined &&
    bgp &&
    !bgp.otherLines.includes('no bgp ebgp-requires-policy')
  ) {
    notes.push(
      'FRR 7.4+ rejects routes from eBGP neighbors without an inbound route-map unless "no bgp ebgp-requires-policy" is set; this plan does not change that',
    );
  }
  // Undo runs in reverse order so a re-added neighbor exists before its attributes return.
  return {
    routerAs,
    bgpExists: bgp !== undefined,
    steps,
    rollback: rollback.reverse(),
    notes,
    created: owned.filter((d) => !bgp?.neighbors.some((n) => n.name === d.address)).map((d) => d.address),
    before: ownedLines(running, marker),
    marker,
  };
}

/**
 * Every line a plan may change: the default `router bgp` block as printed (passwords redacted)
 * and the prefix-lists and route-map entries named after the marker, sorted so that a router
 * printing re-added lines in another order does not count as a difference.
 */
export function ownedLines(running: RunningConfig, marker: string): string[] {
  const name = importFilterName(marker);
  const lines = [...(running.bgp.find((b) => b.vrf === undefined)?.lines ?? [])];
  for (const p of running.prefixLists.filter((x) => x.name === name))
    lines.push(
      `${p.family === 4 ? 'ip' : 'ipv6'} prefix-list ${p.name} seq ${p.seq ?? '-'} ${p.action} ${p.match}`,
    );
  for (const r of running.routeMaps.filter((x) => x.name === name))
    lines.push(...[`route-map ${r.name} ${r.action} ${r.seq}`, ...r.lines].map((l) => `${r.seq}: ${l}`));
  return lines.sort();
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
  const out: string[] = [];
  const mark = (s: PlanStep): string => (s.op === 'add' ? '+' : '-');
  for (const s of plan.steps.filter((x) => x.context === 'global')) out.push(`${mark(s)} ${s.command}`);
  for (const [block, lines] of routeMapBlocks(plan.steps)) {
    // The entry's header is context only when the router has it; a new entry is an addition.
    out.push(`${lines.some((s) => s.newBlock) ? '+' : ' '} ${block}`);
    for (const s of lines) out.push(`${mark(s)}  ${s.command}`);
  }
  out.push(`router bgp ${plan.routerAs}${plan.bgpExists ? '' : '   (new)'}`);
  for (const s of plan.steps.filter((x) => x.context === 'router')) out.push(`${mark(s)} ${s.command}`);
  for (const family of ['ipv4', 'ipv6'] as const) {
    const af = plan.steps.filter((x) => x.context === `${family}-unicast`);
    if (af.length === 0) continue;
    out.push(`  address-family ${family} unicast`);
    for (const s of af) out.push(`${mark(s)}  ${s.command}`);
    out.push('  exit-address-family');
  }
  for (const n of plan.notes) out.push(`! ${n}`);
  return `${out.join('\n')}\n`;
}

function routeMapBlocks(steps: readonly PlanStep[]): Map<string, PlanStep[]> {
  const blocks = new Map<string, PlanStep[]>();
  for (const s of steps.filter((x) => x.context === 'route-map')) {
    const header = s.block ?? '';
    blocks.set(header, [...(blocks.get(header) ?? []), s]);
  }
  return blocks;
}

/**
 * The vtysh lines (inside `configure terminal`) that carry out a list of steps: top-level lines
 * and route-map entries first, so the `router bgp` block refers to filters that exist. This is
 * the only place a password is revealed; callers must not log what it returns.
 */
export function configLinesFor(routerAs: number, steps: readonly PlanStep[]): string[] {
  const text = (s: PlanStep): string =>
    s.secret === undefined ? s.command : s.command.replace(REDACTED, s.secret.reveal());
  const router = steps.filter((s) => s.context === 'router').map(text);
  const out = steps.filter((s) => s.context === 'global').map(text);
  for (const [block, lines] of routeMapBlocks(steps)) out.push(block, ...lines.map(text), 'exit');
  out.push(`router bgp ${routerAs}`, ...router);
  for (const family of ['ipv4', 'ipv6'] as const) {
    const af = steps.filter((s) => s.context === `${family}-unicast`).map(text);
    if (af.length > 0) out.push(`address-family ${family} unicast`, ...af, 'exit-address-family');
  }
  return out;
}

/**
 * A neighbor password goes into one vtysh word: printable ASCII without spaces or quotes, at
 * most 80 characters (the Linux TCP-MD5 key limit). The error never repeats the value.
 */
function checkPassword(field: string, value: string): SecretText {
  if (!/^[!#-&(-~]{1,80}$/.test(value)) {
    throw new RouterConfigValueError(
      field,
      REDACTED,
      'must be 1..80 printable ASCII characters without spaces or quotes',
    );
  }
  return new SecretText(value);
}
