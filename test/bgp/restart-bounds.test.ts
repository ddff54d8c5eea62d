import { expect } from 'chai';
import fc from 'fast-check';
import { Backoff } from '../../src/util/backoff.js';
import { restartBoundTimers } from '../../src/bgp/restart-bounds.js';

describe('restartBoundTimers: waits that delay re-establishing end before the restart time', () => {
  it('bounds every timer and every jittered back-off delay below the advertised restart time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4095 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (restartTimeSec, openHoldMs, connectRetryMs, maxMs, jitter, random) => {
          const t = restartBoundTimers({
            restartTimeSec,
            openHoldMs,
            connectRetryMs,
            backoff: { initialMs: Math.min(1000, maxMs), maxMs, jitter },
          });
          const restartMs = restartTimeSec * 1000;
          expect(t.openHoldMs).to.be.lessThan(restartMs);
          expect(t.connectRetryMs).to.be.lessThan(restartMs);
          const backoff = new Backoff(t.backoff, () => random);
          for (let i = 0; i < 40; i++) expect(backoff.next()).to.be.lessThan(restartMs);
        },
      ),
    );
  });

  it('leaves the timers alone without graceful restart', () => {
    const given = {
      openHoldMs: 240_000,
      connectRetryMs: 120_000,
      backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.25 },
    };
    expect(restartBoundTimers(given)).to.deep.equal(given);
    expect(restartBoundTimers({ ...given, restartTimeSec: 0 })).to.deep.equal(given);
  });

  it('with the default 120 s restart time waits at most 30 s for an OPEN instead of 240 s', () => {
    const t = restartBoundTimers({
      restartTimeSec: 120,
      openHoldMs: 240_000,
      connectRetryMs: 10_000,
      backoff: { initialMs: 1000, maxMs: 60_000, jitter: 0.25 },
    });
    expect(t).to.deep.equal({
      openHoldMs: 30_000,
      connectRetryMs: 10_000,
      backoff: { initialMs: 1000, maxMs: 30_000, jitter: 0.25 },
    });
  });
});
