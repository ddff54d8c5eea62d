import { cleanUpAll, labSteps } from '../../lab/cleanup.js';
import type { FrrRouter } from '../../lab/frr.js';
import type { Lab } from '../../lab/netns.js';
import type { RunProcess } from './run-process.js';

/** What a lab test of `run` starts, set by the test as it goes. */
export interface RunLab {
  lab?: Lab;
  frr?: FrrRouter;
  dir?: string;
  proc?: RunProcess;
}

/**
 * Registers the describe block's `after` hook that stops whatever of a RunLab was started: `run`
 * first (so it does not see its router go), then the router, the namespaces and the temporary
 * directory.
 */
export function runLabHooks(): RunLab {
  const t: RunLab = {};
  after(async () => {
    await cleanUpAll([async () => t.proc?.kill(), ...labSteps(t)]);
  });
  return t;
}
