import { BadInputError } from '../../util/errors.js';
import type { Log } from '../../util/log.js';
import type { RouteEntry } from '../records.js';
import type { RouterDriver } from '../router-driver.js';
import type { RouterTransport } from '../transport.js';
import { parseBirdProtocols, type BirdProtocol } from './parse-protocols.js';
import { parseBirdRoutes, type BirdRoute } from './parse-routes.js';
import { parseBirdStatus } from './parse-status.js';
import { birdNeighbors, birdRouteEntries, birdRunningConfig, birdSummaries, channelOf } from './records.js';

/** The birdc commands the BIRD driver reads (and `record` keeps, one file each). */
export const BIRD_COMMANDS = {
  status: 'show status',
  protocols: 'show protocols all',
  routes: 'show route all',
  kernelExport: (protocol: string) => `show route export ${protocol}`,
} as const;

/** The kernel protocols that sync a family's table to the FIB: up, with a channel of that family. */
export function kernelProtocols(protocols: BirdProtocol[], family: 4 | 6): string[] {
  return protocols
    .filter(
      (p) => p.proto === 'Kernel' && p.state === 'up' && p.channels.some((c) => c.name === channelOf(family)),
    )
    .map((p) => p.name);
}

/** Reads the RIB and what each kernel protocol exported, given a way to run one birdc command. */
export async function readBirdRoutes(
  one: (command: string) => Promise<string>,
  protocols: BirdProtocol[],
  family: 4 | 6,
): Promise<RouteEntry[]> {
  const rib = parseBirdRoutes(BIRD_COMMANDS.routes, await one(BIRD_COMMANDS.routes));
  const exported: BirdRoute[] = [];
  for (const kernel of kernelProtocols(protocols, family)) {
    const command = BIRD_COMMANDS.kernelExport(kernel);
    exported.push(...parseBirdRoutes(command, await one(command)));
  }
  return birdRouteEntries(rib, exported, family);
}

/**
 * The RouterDriver for BIRD 2 over birdc (transport with bird/birdc-invocation.ts, or recorded
 * outputs): the same records the verifier reads from FRR, from `show status`, `show protocols
 * all`, `show route all` and the kernel protocols' `show route export`. BIRD's configuration is
 * a file, not a sequence of commands: neighbors are managed as an include file
 * (bird/neighbor-file.ts), so applyConfig and writeMemory refuse.
 */
export function createBirdDriverOn(transport: RouterTransport, log: Log): RouterDriver {
  const one = async (command: string): Promise<string> => {
    log.debug({ router: transport.description, commands: [command] }, 'birdc');
    return (await transport.run([command]))[0] as string;
  };
  const status = async () => parseBirdStatus(await one(BIRD_COMMANDS.status));
  const protocols = async () => parseBirdProtocols(await one(BIRD_COMMANDS.protocols));
  const noLines = (what: string) => async () => {
    throw new BadInputError(
      `${transport.description}: BIRD takes no configuration commands (${what}); its neighbors are managed as an include file (neighbors --apply with router.dialect bird)`,
    );
  };
  return {
    description: transport.description,
    version: async () => {
      const s = await status();
      return {
        family: 'bird',
        version: s.version,
        major: s.major,
        minor: s.minor,
        ...(s.hostname === undefined ? {} : { hostname: s.hostname }),
      };
    },
    dialect: async () => ({ name: 'bird' }),
    bgpSummary: async () => {
      const { routerId } = await status();
      return birdSummaries(routerId, await protocols());
    },
    bgpRoutes: async (family = 4) => readBirdRoutes(one, await protocols(), family),
    neighbors: async () => birdNeighbors(await protocols()),
    runningBgpConfig: async () => birdRunningConfig(await protocols()),
    applyConfig: noLines('applyConfig'),
    writeMemory: noLines('write memory'),
    close: () => transport.close(),
  };
}
