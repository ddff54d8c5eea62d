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

  it('fires delayed and unref-ed timers too', async () => {
    const fired: string[] = [];
    await new Promise<void>((resolve) => {
      startTimer(() => fired.push('delayed'), 2, { unref: true });
      startTimer(() => fired.push('next turn'), 0, { unref: true });
      // Keeps the loop alive for the unref-ed timers.
      setTimeout(resolve, 20);
    });
    expect(fired).to.deep.equal(['next turn', 'delayed']);
  });
});
