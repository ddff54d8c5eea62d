import { expect } from 'chai';
import { CoalescingRunner } from '../../src/util/coalescing-runner.js';

/** A job that waits for the test to release each run, recording how many started. */
function gatedJob(result = true) {
  const gates: Array<() => void> = [];
  let runs = 0;
  const job = async () => {
    runs++;
    await new Promise<void>((resolve) => gates.push(resolve));
    return result;
  };
  return { job, gates, runs: () => runs };
}

describe('CoalescingRunner', () => {
  it('runs once per request when requests do not overlap', async () => {
    const g = gatedJob();
    const runner = new CoalescingRunner(g.job);
    runner.request();
    g.gates.shift()!();
    await runner.idle();
    runner.request();
    g.gates.shift()!();
    await runner.idle();
    expect(g.runs()).to.equal(2);
  });

  it('collapses any number of requests during a run into one more run', async () => {
    const g = gatedJob();
    const runner = new CoalescingRunner(g.job);
    runner.request();
    for (let i = 0; i < 5; i++) runner.request();
    expect(g.runs()).to.equal(1);
    g.gates.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    expect(g.runs()).to.equal(2);
    g.gates.shift()!();
    await runner.idle();
    expect(g.runs()).to.equal(2);
  });

  it('ends the loop when the job returns false, and starts again on the next request', async () => {
    const g = gatedJob(false);
    const runner = new CoalescingRunner(g.job);
    runner.request();
    runner.request();
    g.gates.shift()!();
    await runner.idle();
    expect(g.runs()).to.equal(1);
    runner.request();
    g.gates.shift()!();
    await runner.idle();
    expect(g.runs()).to.equal(2);
  });
});
