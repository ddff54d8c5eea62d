import { BadInputError, CrsError } from '../../util/errors.js';
import { NeighborVerificationError } from '../errors.js';
import type { NeighborPolicy } from '../neighbor-plan.js';
import type { RouterTransport } from '../transport.js';
import { parseBirdProtocols } from './parse-protocols.js';
import {
  birdFileHeader,
  birdIncludeLine,
  birdProtocolName,
  hasBirdInclude,
  renderBirdNeighborFile,
} from './neighbor-file.js';

/** Reading and writing the router's BIRD config files (on this machine: the local transport). */
export interface BirdConfigFiles {
  /** The file's text, or undefined when there is no such file. */
  read(path: string): Promise<string | undefined>;
  /** Replaces the file (our include file holds passwords: owner-only). */
  write(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export interface BirdNeighborPlan {
  mainFile: string;
  includeFile: string;
  /** Our include file as it is (undefined: not there yet) and as the policy wants it. */
  current?: string;
  next: string;
  /** The main config lacks our include line: applying needs the user's opt-in to add it. */
  addInclude: boolean;
  /** The main config as it is; restored as it was on a rollback. */
  main: string;
  pending: boolean;
}

/**
 * Plans our include file from the policy. A file at the include path that does not start with
 * our header is the user's: refused, never overwritten.
 */
export async function planBirdNeighbors(
  files: BirdConfigFiles,
  policy: NeighborPolicy,
  paths: { mainFile: string; includeFile: string },
): Promise<BirdNeighborPlan> {
  const main = await files.read(paths.mainFile);
  if (main === undefined) throw new BadInputError(`${paths.mainFile}: no such BIRD config file`);
  const current = await files.read(paths.includeFile);
  const header = birdFileHeader(policy.descriptionMarker);
  if (current !== undefined && !current.startsWith(`${header}\n`))
    throw new BadInputError(
      `${paths.includeFile}: exists and is not ours (its first line is not "${header}"); move it away or name another file`,
    );
  const next = renderBirdNeighborFile(policy);
  const addInclude = !hasBirdInclude(main, paths.includeFile);
  return {
    ...paths,
    ...(current === undefined ? {} : { current }),
    next,
    addInclude,
    main,
    pending: addInclude || current !== next,
  };
}

export interface BirdApplyResult {
  /** Protocols of ours BIRD runs after the change. */
  protocols: string[];
  addedInclude: boolean;
}

/**
 * Carries out a plan: writes our include file (and, only when `addInclude` allows it, appends the
 * include line to the main config), has BIRD check the whole config (`configure check`), applies
 * it (`configure`) and reads `show protocols all` back: every neighbor of the policy must be a
 * BGP protocol of ours with its address and AS. A refused check or a missing protocol restores
 * both files as they were, and (after `configure`) reconfigures BIRD with them again.
 */
export async function applyBirdNeighbors(
  transport: RouterTransport,
  files: BirdConfigFiles,
  plan: BirdNeighborPlan,
  policy: NeighborPolicy,
  opts: { addInclude: boolean },
): Promise<BirdApplyResult> {
  if (plan.addInclude && !opts.addInclude)
    throw new BadInputError(
      `${plan.mainFile} has no line ${birdIncludeLine(plan.includeFile)}: add it by hand, or pass --add-include to let neighbors append it`,
    );
  const birdc = async (command: string) => (await transport.run([command]))[0] as string;
  const restore = async () => {
    if (plan.current === undefined) await files.remove(plan.includeFile);
    else await files.write(plan.includeFile, plan.current);
    if (plan.addInclude) await files.write(plan.mainFile, plan.main);
  };
  await files.write(plan.includeFile, plan.next);
  if (plan.addInclude)
    await files.write(
      plan.mainFile,
      `${plan.main}${plan.main.endsWith('\n') ? '' : '\n'}${birdIncludeLine(plan.includeFile)}\n`,
    );
  try {
    await birdc('configure check');
  } catch (err) {
    await restore();
    if (err instanceof CrsError)
      throw new BadInputError(
        `BIRD refused the new config, nothing applied, files restored: ${err.message}`,
        { cause: err },
      );
    throw err;
  }
  let configured = false;
  try {
    await birdc('configure');
    configured = true;
    const running = parseBirdProtocols(await birdc('show protocols all'));
    const missing = policy.neighbors
      .map((n) => ({ n, name: birdProtocolName(policy.descriptionMarker, n.address) }))
      .filter(
        ({ n, name }) =>
          !running.some(
            (p) => p.name === name && p.bgp?.neighborAddress === n.address && p.bgp.neighborAs === n.remoteAs,
          ),
      )
      .map(({ name }) => name);
    if (missing.length > 0) {
      await restore();
      await birdc('configure');
      throw new NeighborVerificationError(
        `BIRD does not run ${missing.join(', ')} after configure; the previous files were restored and BIRD reconfigured with them`,
        missing,
        true,
      );
    }
    return {
      protocols: policy.neighbors.map((n) => birdProtocolName(policy.descriptionMarker, n.address)),
      addedInclude: plan.addInclude,
    };
  } catch (err) {
    if (err instanceof NeighborVerificationError) throw err;
    await restore();
    if (configured) await birdc('configure');
    throw err;
  }
}
