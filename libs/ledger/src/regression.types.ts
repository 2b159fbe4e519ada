export type RegressionMetric = 'error_rate' | 'invalid_output_rate' | 'p95_latency_ms';

export interface RegressionThresholds {
  /** Calls needed on each side (for invalid_output_rate: schema-checked calls; for p95: successful calls) */
  min_calls: number;
  /** Absolute increase of the error rate (0.10 = ten points) */
  error_rate_increase: number;
  /** Absolute increase of the invalid-output rate */
  invalid_output_rate_increase: number;
  /** Ratio of new to previous p95 latency of successful calls */
  p95_latency_ratio: number;
  /** How far back check() looks when no `since` is given */
  window_ms: number;
}

export const DEFAULT_REGRESSION_THRESHOLDS: RegressionThresholds = {
  min_calls: 20,
  error_rate_increase: 0.1,
  invalid_output_rate_increase: 0.1,
  p95_latency_ratio: 1.5,
  window_ms: 7 * 24 * 3600 * 1000,
};

export interface RegressionFinding {
  task: string;
  /** provider/model as requested */
  model: string;
  previous_revision: string;
  new_revision: string;
  metric: RegressionMetric;
  previous: number;
  current: number;
  calls_previous: number;
  calls_current: number;
}

/** Aggregates of one revision of one (task, provider/model) within the window. */
export interface RevisionStats {
  revision: string;
  calls: number;
  /** Failures other than invalid_output, which has its own metric */
  errors: number;
  /** Calls whose output was schema-checked */
  checked: number;
  invalid: number;
  successes: number;
  /** p95 latency of successful calls; null when there were none */
  p95_latency_ms: number | null;
}

export interface MetricRegression {
  metric: RegressionMetric;
  previous: number;
  current: number;
}
