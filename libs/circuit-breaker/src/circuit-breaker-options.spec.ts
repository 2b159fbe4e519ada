import {
  DEFAULT_CIRCUIT_BREAKER_OPTIONS,
  resolveCircuitBreakerOptions,
} from './circuit-breaker-options';

describe('resolveCircuitBreakerOptions', () => {
  it('fills in the defaults from the issue', () => {
    expect(resolveCircuitBreakerOptions()).toEqual({
      windowMs: 30_000,
      bucketMs: 1_000,
      minCalls: 10,
      failureRatio: 0.5,
      consecutiveFailures: 5,
      cooldownMs: 15_000,
      rampSteps: [0.1, 0.25, 0.5, 1],
      successesPerStep: 3,
      stateTtlMs: 3_600_000,
    });
  });

  it('applies overrides without sharing the defaults array', () => {
    const options = resolveCircuitBreakerOptions({ cooldownMs: 5_000, rampSteps: [0.5, 1] });
    expect(options.cooldownMs).toBe(5_000);
    expect(options.rampSteps).toEqual([0.5, 1]);
    resolveCircuitBreakerOptions().rampSteps.push(7);
    expect(DEFAULT_CIRCUIT_BREAKER_OPTIONS.rampSteps).toEqual([0.1, 0.25, 0.5, 1]);
  });

  it.each([
    [{ windowMs: 0 }],
    [{ minCalls: 1.5 }],
    [{ failureRatio: 0 }],
    [{ failureRatio: 1.1 }],
    [{ consecutiveFailures: -1 }],
    [{ rampSteps: [] }],
    [{ rampSteps: [0.1, 2] }],
    [{ rampSteps: [0.00001] }],
    [{ bucketMs: 60_000 }],
    [{ stateTtlMs: 15_000 }],
  ])('rejects %j', (override) => {
    expect(() => resolveCircuitBreakerOptions(override)).toThrow(RangeError);
  });
});
