import { stat } from 'node:fs';
import { expect } from 'chai';
import { startTimer, stopTimer } from '../../src/util/next-turn-timer.js';

describe('startTimer / stopTimer', () => {
  it('runs a zero-delay timer on the next turn, before a 1 ms setTimeout', async () => {
    const order: string[] = [];
    // From an I/O callback, as when a watch event arrives: there the order is defined.
    await new Promise<void>((resolve) =>
      stat('.', () => {
        setTimeout(() => (order.push('setTimeout 0'), resolve()), 0);
        startTimer(() => order.push('startTimer 0'), 0);
        order.push('sync');
      }),
    );
    expect(order).to.deep.equal(['sync', 'startTimer 0', 'setTimeout 0']);
  });

  it('stops either kind before it fires, and accepts no handle', async () => {
    let fired = 0;
    stopTimer(startTimer(() => fired++, 0));
    stopTimer(startTimer(() => fired++, 1));
    stopTimer(undefined);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fired).to.equal(0);
  });

  it('never unrefs a zero-delay timer, only a delayed one', () => {
    // An unref-ed immediate waits until something else wakes the event loop: that is how a flush
    // once sat for seconds until the next socket read.
    const now = startTimer(() => undefined, 0, { unref: true });
    const later = startTimer(() => undefined, 1000, { unref: true });
    expect('immediate' in now && now.immediate.hasRef()).to.equal(true);
    expect('timeout' in later && later.timeout.hasRef()).to.equal(false);
    stopTimer(now);
    stopTimer(later);
  });

  it('fires delayed and unref-ed timers too', async () => {
    const fired: string[] = [];
    await new Promise<void>((resolve) => {
      startTimer(() => fired.push('delayed'), 2, { unref: true });
      startTimer(() => fired.push('next turn'), 0, { unref: true });
      // Keeps the loop alive for the unref-ed timer.
      setTimeout(resolve, 20);
    });
    expect(fired).to.deep.equal(['next turn', 'delayed']);
  });
});
