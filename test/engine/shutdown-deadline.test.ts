import { expect } from 'chai';
import sinon from 'sinon';
import { silentLogger } from '../../src/observability/logger.js';
import { shutdownWithin } from '../../src/app/engine/shutdown-deadline.js';

describe('shutdownWithin: stopping that always ends', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('runs the steps in order and resolves true when they finish before the deadline', async () => {
    const order: string[] = [];
    const abort = sinon.spy(() => []);
    const done = shutdownWithin(
      [
        { name: 'a', run: async () => void order.push('a') },
        { name: 'b', run: async () => void order.push('b') },
      ],
      { deadlineMs: 1000, logger: silentLogger(), abort },
    );
    expect(await done).to.equal(true);
    expect(order).to.deep.equal(['a', 'b']);
    expect(abort.called).to.equal(false);
  });

  it('past the deadline aborts everything, logs the step it waited for and what was open, and resolves false', async () => {
    const logger = silentLogger();
    const error = sinon.spy(logger, 'error');
    const abort = sinon.spy(() => ['router: a connection that got our NOTIFICATION and was not closed']);
    const later = sinon.spy(async () => {});
    const done = shutdownWithin(
      [
        { name: 'the BGP sessions to stop', run: () => new Promise<void>(() => {}) },
        { name: 'cleanup', run: later },
      ],
      { deadlineMs: 15_000, logger, abort },
    );
    await clock.tickAsync(14_999);
    expect(abort.called).to.equal(false);
    await clock.tickAsync(1);
    expect(await done).to.equal(false);
    expect(abort.calledOnce).to.equal(true);
    expect(later.called).to.equal(false);
    expect(error.firstCall.args[0]).to.deep.include({
      waitingFor: 'the BGP sessions to stop',
      open: ['router: a connection that got our NOTIFICATION and was not closed'],
    });
  });

  it('passes a step failure on, as it would without a deadline', async () => {
    const done = shutdownWithin([{ name: 'x', run: () => Promise.reject(new Error('boom')) }], {
      deadlineMs: 1000,
      logger: silentLogger(),
      abort: () => [],
    });
    let failure: unknown;
    await done.catch((err: unknown) => (failure = err));
    expect((failure as Error).message).to.equal('boom');
  });
});
