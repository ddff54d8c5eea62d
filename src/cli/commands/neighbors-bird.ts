import { dirname, join } from 'node:path';
import { lineDiff } from '../../app/check/line-diff.js';
import type { Config } from '../../config/model.js';
import { createBirdDriverOn } from '../../router-drivers/bird/driver.js';
import { localBirdFiles } from '../../router-drivers/bird/local-files.js';
import { applyBirdNeighbors, planBirdNeighbors } from '../../router-drivers/bird/neighbor-apply.js';
import {
  birdIncludeLine,
  redactBirdFile,
  renderBirdNeighborFile,
} from '../../router-drivers/bird/neighbor-file.js';
import { createRouterTransport } from '../../router-drivers/index.js';
import { BadInputError, ExitCode } from '../../util/errors.js';
import type { CliIo } from '../io.js';
import { neighborPolicyFor } from '../../app/neighbor-policy.js';

/** Where the include file goes: beside the main config, so a relative `include` finds it. */
const BIRD_INCLUDE_NAME = 'cluster-router-sync.conf';

export interface BirdNeighborsOptions {
  apply: boolean;
  /** The main BIRD config (`--bird-config`, default OpenWRT's /etc/bird.conf). */
  birdConfig: string;
  /** `--add-include`: the user lets us append our include line to the main config. */
  addInclude: boolean;
}

/**
 * `neighbors` for `router.dialect: bird`. BIRD has no line-by-line configuration: our neighbors
 * are one include file of our own (bird/neighbor-file.ts), shown as a diff and, with --apply,
 * written, checked by BIRD, applied and read back (bird/neighbor-apply.ts). The files are read
 * and written on this machine, so --apply needs `transport: local`; over ssh the dry run prints
 * the whole file to put on the router by hand.
 */
export async function birdNeighborsCommand(
  config: Config & { router: NonNullable<Config['router']> },
  opts: BirdNeighborsOptions,
  log: Parameters<typeof createBirdDriverOn>[1],
  io: CliIo,
): Promise<number> {
  const local = config.router.transport === 'local';
  if (opts.apply && !local)
    throw new BadInputError(
      `neighbors --apply with router.dialect bird writes BIRD's config files on this machine: it needs router.transport local (is ${config.router.transport})`,
    );
  const transport = createRouterTransport(config.router);
  const driver = createBirdDriverOn(transport, log);
  try {
    const { policy, peers, warnings } = neighborPolicyFor(config, await driver.runningBgpConfig());
    for (const w of warnings) io.err(`warning: ${w}\n`);
    const includeFile = join(dirname(opts.birdConfig), BIRD_INCLUDE_NAME);
    io.out(`# ${driver.description}, BIRD neighbors for ${peers.join(', ')}\n`);
    if (!local) {
      io.out(`# ${includeFile} on the router must read:\n${redactBirdFile(renderBirdNeighborFile(policy))}`);
      io.out(`# and ${opts.birdConfig} must have the line: ${birdIncludeLine(includeFile)}\n`);
      return ExitCode.Drift;
    }
    const plan = await planBirdNeighbors(localBirdFiles, policy, { mainFile: opts.birdConfig, includeFile });
    const diff = lineDiff(redactBirdFile(plan.current ?? ''), redactBirdFile(plan.next), {
      expected: plan.current === undefined ? '/dev/null' : includeFile,
      actual: includeFile,
    });
    if (diff !== '') io.out(diff.endsWith('\n') ? diff : `${diff}\n`);
    if (plan.addInclude)
      io.out(
        `# ${opts.birdConfig} needs the line: ${birdIncludeLine(includeFile)}${opts.addInclude ? '' : ' (add it by hand, or pass --add-include)'}\n`,
      );
    if (!plan.pending) {
      io.out('# nothing to do\n');
      return ExitCode.Ok;
    }
    if (!opts.apply) {
      io.out('# dry run: nothing was changed; add --apply to carry this out\n');
      return ExitCode.Drift;
    }
    const applied = await applyBirdNeighbors(transport, localBirdFiles, plan, policy, opts);
    io.out(
      `# applied: ${includeFile} written${applied.addedInclude ? `, include line added to ${opts.birdConfig}` : ''}, birdc configure check and configure accepted it, BIRD runs ${applied.protocols.join(', ')}\n`,
    );
    return ExitCode.Ok;
  } finally {
    await driver.close();
  }
}
