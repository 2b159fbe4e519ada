import type { CircuitBreakerOptions } from './circuit-breaker.types';

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
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

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`circuit breaker: ${name} must be a positive integer (got ${value})`);
  }
}

function fraction(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new RangeError(`circuit breaker: ${name} must be in (0, 1] (got ${value})`);
  }
}

/**
 * Fills in defaults and rejects settings the Lua scripts cannot honour. Every process sharing a
 * key should use the same options: the scripts take them per call, so a mismatch shows up as
 * processes disagreeing about when to open, not as an error.
 */
export function resolveCircuitBreakerOptions(
  overrides: Partial<CircuitBreakerOptions> = {},
): CircuitBreakerOptions {
  const options: CircuitBreakerOptions = {
    ...DEFAULT_CIRCUIT_BREAKER_OPTIONS,
    ...overrides,
    rampSteps: [...(overrides.rampSteps ?? DEFAULT_CIRCUIT_BREAKER_OPTIONS.rampSteps)],
  };
  positiveInteger('windowMs', options.windowMs);
  positiveInteger('bucketMs', options.bucketMs);
  positiveInteger('minCalls', options.minCalls);
  positiveInteger('consecutiveFailures', options.consecutiveFailures);
  positiveInteger('cooldownMs', options.cooldownMs);
  positiveInteger('successesPerStep', options.successesPerStep);
  positiveInteger('stateTtlMs', options.stateTtlMs);
  fraction('failureRatio', options.failureRatio);
  if (options.bucketMs > options.windowMs) {
    throw new RangeError('circuit breaker: bucketMs must not exceed windowMs');
  }
  // An open circuit must outlive its cooldown, or it would silently close by expiring.
  if (options.stateTtlMs <= options.cooldownMs || options.stateTtlMs < options.windowMs) {
    throw new RangeError('circuit breaker: stateTtlMs must exceed cooldownMs and windowMs');
  }
  if (options.rampSteps.length === 0) {
    throw new RangeError('circuit breaker: rampSteps must not be empty');
  }
  options.rampSteps.forEach((step, i) => {
    fraction(`rampSteps[${i}]`, step);
    // Admission runs on integer basis points in Lua, so a step must be representable as one.
    if (Math.round(step * 10_000) < 1) {
      throw new RangeError(`circuit breaker: rampSteps[${i}] is below 0.0001`);
    }
  });
  return options;
}
