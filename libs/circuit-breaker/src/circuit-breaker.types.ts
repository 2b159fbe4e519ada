export type CircuitState = 'closed' | 'open' | 'half_open';

export type CallOutcome = 'success' | 'failure';

export interface CircuitBreakerOptions {
  /** Length of the sliding window the failure ratio is computed over. */
  windowMs: number;
  /** Granularity of the window: outcomes are counted in buckets of this size. */
  bucketMs: number;
  /** The ratio rule only applies once the window holds at least this many calls. */
  minCalls: number;
  /** Opens when failures / calls in the window reaches this (0 < ratio <= 1). */
  failureRatio: number;
  /** Opens after this many failures in a row, whatever the window says. */
  consecutiveFailures: number;
  /** How long an opened circuit rejects everything before it turns half-open. */
  cooldownMs: number;
  /** Admitted fractions while half-open, one per step, e.g. [0.1, 0.25, 0.5, 1]. */
  rampSteps: number[];
  /** Successes needed to move to the next ramp step (and, after the last, to close). */
  successesPerStep: number;
  /** A key with no recorded outcome for this long forgets its state (and reads as closed). */
  stateTtlMs: number;
}

export interface AcquireResult {
  /** Whether the call may go to the provider now. */
  allowed: boolean;
  state: CircuitState;
  /** The call was admitted as a half-open probe: its outcome decides the ramp. */
  probe: boolean;
}

export interface RecordResult {
  /** State after this outcome. */
  state: CircuitState;
  /** State just before this outcome (an open circuit past its cooldown counts as half_open). */
  previous: CircuitState;
  /** This outcome changed the state (previous !== state): worth a log line and a metric. */
  transitioned: boolean;
}

export interface CircuitSnapshot {
  key: string;
  state: CircuitState;
  /** failures / calls over the sliding window; 0 when the window is empty. */
  failureRatio: number;
  calls: number;
  failures: number;
  consecutiveFailures: number;
  /** ms timestamp of the last transition; null when the key has no stored state. */
  since: number | null;
  /** Fraction of calls admitted now: 1 closed, 0 open, the current ramp step when half-open. */
  rampFraction: number;
  /** When open: the ms timestamp at which it turns half-open. Otherwise null. */
  retryAt: number | null;
}
