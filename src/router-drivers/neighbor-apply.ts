import { CrsError } from '../util/errors.js';
import { NeighborVerificationError } from './errors.js';
import type { RouterDriver } from './router-driver.js';
import type { Log as RouterDriverLog } from '../util/log.js';
import {
  configLinesFor,
  ownedLines,
  planNeighborChanges,
  type NeighborPlan,
  type NeighborPolicy,
} from './neighbor-plan.js';

export interface NeighborApplyResult {
  /** Steps carried out (0 when the router already matched). */
  applied: number;
  verified: true;
  wroteMemory: boolean;
}

/**
 * Carries out a plan: one vtysh run of `configure terminal`, `router bgp N`, the steps, `end`;
 * then reads the running config back and plans again. Anything still to do means the router did
 * not take the change: the previous lines are restored (the plan's rollback) and the error says
 * so. `write memory` only after a verified change, and only when asked.
 */
export async function applyNeighborPlan(
  driver: RouterDriver,
  plan: NeighborPlan,
  policy: NeighborPolicy,
  opts: { writeMemory?: boolean; log: RouterDriverLog },
): Promise<NeighborApplyResult> {
  if (plan.steps.length === 0) return { applied: 0, verified: true, wroteMemory: false };
  opts.log.info({ router: driver.description, steps: plan.steps.length }, 'applying neighbor plan');
  let applyError: unknown;
  try {
    await driver.applyConfig(configLinesFor(plan.routerAs, plan.steps));
  } catch (err) {
    applyError = err;
  }
  const after = planNeighborChanges(await driver.runningBgpConfig(), policy, { claimed: plan.created });
  if (applyError === undefined && after.steps.length === 0) {
    if (opts.writeMemory) await driver.writeMemory();
    return { applied: plan.steps.length, verified: true, wroteMemory: opts.writeMemory === true };
  }
  const missing = after.steps.map((s) => s.command);
  const why =
    applyError instanceof Error
      ? `the router refused a command (${applyError.message})`
      : `still to do after applying: ${missing.join('; ')}`;
  let rolledBack = false;
  let outcome = 'nothing to roll back';
  if (plan.rollback.length > 0) {
    try {
      await driver.applyConfig(configLinesFor(plan.routerAs, plan.rollback));
      outcome = await rollbackOutcome(driver, plan);
      rolledBack = true;
    } catch (err) {
      if (!(err instanceof CrsError)) throw err;
      outcome = `the rollback failed too (${err.message}); check the router's neighbor lines by hand`;
    }
  }
  throw new NeighborVerificationError(
    `neighbor change on ${driver.description} not verified: ${why}; ${outcome}`,
    missing,
    rolledBack,
  );
}

/** Reads the router again: a rollback is only reported done when every line read before is back. */
async function rollbackOutcome(driver: RouterDriver, plan: NeighborPlan): Promise<string> {
  const now = ownedLines(await driver.runningBgpConfig(), plan.marker);
  const lost = plan.before.filter((l) => !now.includes(l));
  const added = now.filter((l) => !plan.before.includes(l));
  if (lost.length === 0 && added.length === 0) return 'rolled back to the previous neighbor lines';
  return `rolled back, but the router's lines differ from before: ${[
    ...lost.map((l) => `missing ${JSON.stringify(l)}`),
    ...added.map((l) => `left ${JSON.stringify(l)}`),
  ].join('; ')}`;
}
