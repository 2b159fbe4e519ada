import { limiterWaitMs } from './limiter-wait';

describe('limiterWaitMs', () => {
  it('starts a job at once while the window has room for the backlog ahead of it', () => {
    expect(
      limiterWaitMs({ perMinute: 500, startedInWindow: 100, windowLeftMs: 40_000, waiting: 399 }),
    ).toBe(0);
    expect(limiterWaitMs({ perMinute: 5, startedInWindow: 0, windowLeftMs: -2, waiting: 4 })).toBe(
      0,
    );
  });

  it('a backlog beyond this window waits for its end, plus a window per further limit of jobs', () => {
    expect(
      limiterWaitMs({ perMinute: 500, startedInWindow: 500, windowLeftMs: 40_000, waiting: 0 }),
    ).toBe(40_000);
    expect(
      limiterWaitMs({ perMinute: 500, startedInWindow: 100, windowLeftMs: 40_000, waiting: 400 }),
    ).toBe(40_000);
    expect(
      limiterWaitMs({ perMinute: 500, startedInWindow: 100, windowLeftMs: 40_000, waiting: 900 }),
    ).toBe(100_000);
    // No window open yet: the first job opens one; the sixth of five a minute waits it out.
    expect(limiterWaitMs({ perMinute: 5, startedInWindow: 0, windowLeftMs: -2, waiting: 5 })).toBe(
      60_000,
    );
  });

  it("a 429's pause (the count set past any limit) waits until the pause ends", () => {
    expect(
      limiterWaitMs({
        perMinute: 500,
        startedInWindow: Number.MAX_SAFE_INTEGER,
        windowLeftMs: 30_000,
        waiting: 0,
      }),
    ).toBe(30_000);
  });
});
