import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { BIRD_COMMANDS, kernelProtocols, readBirdRoutes } from '../../router-drivers/bird/driver.js';
import { parseBirdProtocols } from '../../router-drivers/bird/parse-protocols.js';
import { parseBirdStatus } from '../../router-drivers/bird/parse-status.js';
import { birdNeighbors, birdRunningConfig, birdSummaries } from '../../router-drivers/bird/records.js';
import { createRecordedTransport, recordedFileName } from '../../router-drivers/transport-recorded.js';
import { CrsError } from '../../util/errors.js';
import type { RouterRecords } from '../../sync/verify/from-records.js';
import { CheckInputError } from './errors.js';

async function present(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CheckInputError(file, `cannot be read: ${(err as Error).message}`, { cause: err });
  }
}

/** A recording of a BIRD router (`record` with router.dialect bird) has its `show protocols all`. */
export function isBirdRecording(routerDir: string): Promise<boolean> {
  return present(join(routerDir, recordedFileName(BIRD_COMMANDS.protocols)));
}

/**
 * Reads a BIRD recording the way the BIRD driver reads the live router, from the files `record`
 * wrote (one per birdc command). IPv6 routes are read when the recording holds the export of
 * every IPv6 kernel protocol. An unreadable file is reported by its path.
 */
export async function readBirdRecording(routerDir: string): Promise<RouterRecords> {
  const transport = createRecordedTransport(routerDir);
  let last: string = BIRD_COMMANDS.status;
  const one = async (command: string): Promise<string> => {
    last = command;
    return (await transport.run([command]))[0] as string;
  };
  try {
    const status = parseBirdStatus(await one(BIRD_COMMANDS.status));
    const protocols = parseBirdProtocols(await one(BIRD_COMMANDS.protocols));
    const routes = await readBirdRoutes(one, protocols, 4);
    const v6Exports = kernelProtocols(protocols, 6).map((k) =>
      join(routerDir, recordedFileName(BIRD_COMMANDS.kernelExport(k))),
    );
    if (v6Exports.length > 0 && (await Promise.all(v6Exports.map(present))).every(Boolean))
      routes.push(...(await readBirdRoutes(one, protocols, 6)));
    return {
      summary: birdSummaries(status.routerId, protocols),
      routes,
      runningConfig: birdRunningConfig(protocols),
      neighbors: birdNeighbors(protocols),
    };
  } catch (err) {
    if (err instanceof CrsError && !(err instanceof CheckInputError))
      throw new CheckInputError(join(routerDir, recordedFileName(last)), err.message, { cause: err });
    throw err;
  }
}
