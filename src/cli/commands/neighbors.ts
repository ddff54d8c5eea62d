import type { NeighborApplyResult, NeighborPlan } from '../../router-drivers/index.js';
import { BadInputError, ExitCode } from '../../util/errors.js';
import {
  commonOptionsFrom,
  loggerOptionsFrom,
  PLAIN_OUTPUTS,
  type CommonOptions,
} from '../common-options.js';
import type { CommandSpec } from '../define-command.js';
import type { CliIo } from '../io.js';

export interface NeighborsOptions extends CommonOptions {
  /** Run the `neighbor ...` commands on the router instead of only printing them. */
  apply: boolean;
  /** After applying, `write memory` so the router keeps them across restarts. */
  writeMemory: boolean;
  /**
   * `--maximum-paths N`: also raise the router's `maximum-paths` to N where it lacks it (or has
   * less), so path slots and ADD-PATH paths become ECMP next hops. Never done without it.
   */
  maximumPaths?: number;
  /** router.dialect bird: the main BIRD config (`--bird-config`); our include file goes beside it. */
  birdConfig: string;
  /** router.dialect bird: `--add-include` lets --apply append our include line to it. */
  addInclude: boolean;
}

/**
 * `neighbors`: reads the router's running config through the router driver (config.router),
 * plans the neighbor statements our speaker needs (src/app/neighbor-policy.ts) and prints the
 * vtysh diff; with --apply carries it out, verified and rolled back on failure by the driver's
 * applyNeighborPlan. Dry run: 0 nothing to do, 1 changes pending.
 */
async function neighborsCommand(opts: NeighborsOptions, io: CliIo): Promise<number> {
  if (opts.configFiles.length === 0) throw new BadInputError('neighbors: no config given: use --config FILE');
  // Loaded here, not at the top: `--help` lists this command without loading the config's
  // parsers, the logger or the router drivers.
  const [
    { formatConfigWarning, loadConfigFiles },
    { createLogger },
    { applyNeighborPlan, createRouterDriver, planNeighborChanges, renderNeighborPlan },
    { neighborPolicyFor },
    { birdNeighborsCommand },
  ] = await Promise.all([
    import('../../config/index.js'),
    import('../../observability/logger.js'),
    import('../../router-drivers/index.js'),
    import('../../app/neighbor-policy.js'),
    import('./neighbors-bird.js'),
  ]);
  const { config, warnings } = await loadConfigFiles(opts.configFiles);
  for (const w of warnings) io.err(`warning: ${formatConfigWarning(w)}\n`);
  if (config.router === undefined) {
    throw new BadInputError('neighbors: the config has no router: section, so there is no router to read');
  }
  if (opts.apply && config.router.transport === 'recorded') {
    throw new BadInputError(
      'neighbors: --apply needs a live router; config.router.transport is recorded (read-only)',
    );
  }
  const log = createLogger(loggerOptionsFrom(opts));
  if (config.router.dialect === 'bird')
    return birdNeighborsCommand({ ...config, router: config.router }, opts, log, io);
  const driver = createRouterDriver(config.router, log);
  try {
    const running = await driver.runningBgpConfig();
    const {
      policy,
      peers,
      warnings: policyWarnings,
    } = neighborPolicyFor(
      config,
      running,
      opts.maximumPaths === undefined ? {} : { maximumPaths: opts.maximumPaths },
    );
    for (const w of policyWarnings) io.err(`warning: ${w}\n`);
    const plan = planNeighborChanges(running, policy);
    const pending = plan.steps.length > 0;
    const applied =
      pending && opts.apply
        ? await applyNeighborPlan(driver, plan, policy, { writeMemory: opts.writeMemory, log })
        : undefined;
    if (opts.output === 'json') {
      io.out(`${JSON.stringify(planJson(driver.description, peers, plan, applied), null, 2)}\n`);
    } else {
      io.out(`! ${driver.description}, neighbors for ${peers.join(', ')}\n${renderNeighborPlan(plan)}`);
      if (applied !== undefined) io.out(appliedLine(applied));
      else if (pending) io.out('! dry run: nothing was changed; add --apply to carry this out\n');
    }
    return pending && applied === undefined ? ExitCode.Drift : ExitCode.Ok;
  } finally {
    await driver.close();
  }
}

function appliedLine(r: NeighborApplyResult): string {
  return `! applied ${r.applied} change(s), read back and verified${r.wroteMemory ? ', configuration saved (write memory)' : ''}\n`;
}

/** Steps without their secrets: a password shows as `<redacted>` in the command. */
function planJson(
  router: string,
  peers: string[],
  plan: NeighborPlan,
  applied: NeighborApplyResult | undefined,
): object {
  return {
    router,
    peers,
    routerAs: plan.routerAs,
    bgpExists: plan.bgpExists,
    steps: plan.steps.map((s) => ({
      op: s.op,
      context: s.context,
      command: s.command,
      ...(s.block === undefined ? {} : { block: s.block }),
    })),
    notes: plan.notes,
    ...(applied === undefined
      ? {}
      : { applied: { steps: applied.applied, wroteMemory: applied.wroteMemory } }),
  };
}

export const neighborsSpec: CommandSpec<NeighborsOptions> = {
  name: 'neighbors',
  summary: "show (or apply) the router's neighbor statements for our BGP speaker, read through config.router",
  outputs: PLAIN_OUTPUTS,
  configure: (cmd) =>
    cmd
      .option(
        '--apply',
        'configure the missing neighbors on the router over vtysh (default: dry run, print only)',
        false,
      )
      .option('--write-memory', 'with --apply: save the router configuration afterwards', false)
      .option(
        '--bird-config <file>',
        'router.dialect bird: the main BIRD config; our include file cluster-router-sync.conf goes beside it',
        '/etc/bird.conf',
      )
      .option(
        '--add-include',
        'router.dialect bird, with --apply: append our include line to the main BIRD config',
        false,
      )
      .option(
        '--maximum-paths <n>',
        "also set the router's maximum-paths to N (1-256) where it has none or less: a line of its own in the diff, needed for ECMP over path slots (Quagga's default is 1)",
      )
      .addHelpText(
        'after',
        `
How the config maps onto the router's neighbor statements:
  router        config.router (transport ssh, local or recorded); its running config is read
                with "show running-config"
  router AS     the running "router bgp N"; the peers used are those whose peer-asn is N
                (a router without "router bgp" gets the one peer-asn all peers name)
  neighbor      our speaker's addresses: one per path slot (the peer's sourceAddresses), else
                its source-address, else speaker.listenAddress
  remote-as     the peer's my-asn
  ebgp-multihop 255 when the peer sets ebgp-multihop
  password      the peer's password (a passwordSecret is not read: warning)
  description   neighborDescription (default cluster-router-sync): marks the lines we own;
                neighbors with it that the config no longer names are removed, others untouched
  import filter prefix-lists and route-map <description>-in admitting only what our bgp pools
                announce (host routes, or an advertisement's aggregation length)
  maximum-paths only with --maximum-paths N: "maximum-paths N" ("maximum-paths ibgp N" for
                neighbors in the router's AS) in address-family ipv4 unicast, where the router
                has none or a lower one; it applies to every BGP route of the router
The diff marks additions "+" and removals "-". With --apply the lines are applied in one
vtysh run, the running config is read back and planned again, and anything still to do rolls
the change back (exit 1). Dry run: exit 0 when nothing is to do, 1 when changes are pending.`,
      ),
  examples: [
    [
      'cluster-router-sync neighbors --config router.yaml --config metallb-config.yaml',
      'print the vtysh diff that would add our neighbor (dry run)',
    ],
    [
      'cluster-router-sync neighbors --config crs.yaml --apply --write-memory',
      'apply it on the router, verify it, and save the router configuration',
    ],
    [
      'cluster-router-sync neighbors --config crs.yaml --maximum-paths 4',
      'also show the maximum-paths line ECMP over path slots needs (dry run)',
    ],
  ],
  options: (raw) => {
    const apply = raw.apply === true;
    const writeMemory = raw.writeMemory === true;
    if (writeMemory && !apply) throw new BadInputError('--write-memory needs --apply');
    const maximumPaths = maximumPathsOption(raw.maximumPaths);
    const common = commonOptionsFrom(raw);
    if (common.manifestsPath !== undefined || common.kubeconfig !== undefined) {
      throw new BadInputError(
        'neighbors: --manifests and --kubeconfig cannot be used: neighbors reads the config and the router only',
      );
    }
    return {
      ...common,
      apply,
      writeMemory,
      birdConfig: String(raw.birdConfig ?? '/etc/bird.conf'),
      addInclude: raw.addInclude === true,
      ...(maximumPaths === undefined ? {} : { maximumPaths }),
    };
  },
  action: neighborsCommand,
};

function maximumPathsOption(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > 256) {
    throw new BadInputError(`--maximum-paths: ${JSON.stringify(text)} is not a whole number from 1 to 256`);
  }
  return Number(text);
}
