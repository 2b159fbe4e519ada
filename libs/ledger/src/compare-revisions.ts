import type { MetricRegression, RegressionThresholds, RevisionStats } from './regression.types';

/**
 * The decision alone, without SQL: which metrics of the new revision are worse than the previous
 * one's by more than the thresholds. Each metric needs min_calls on both sides of its own
 * denominator, so a handful of schema checks or successes cannot raise an alarm.
 */
export function compareRevisions(
  previous: RevisionStats,
  current: RevisionStats,
  t: RegressionThresholds,
): MetricRegression[] {
  if (previous.calls < t.min_calls || current.calls < t.min_calls) return [];
  const found: MetricRegression[] = [];

  const prevErr = previous.errors / previous.calls;
  const curErr = current.errors / current.calls;
  if (curErr - prevErr > t.error_rate_increase) {
    found.push({ metric: 'error_rate', previous: prevErr, current: curErr });
  }

  if (previous.checked >= t.min_calls && current.checked >= t.min_calls) {
    const prevInv = previous.invalid / previous.checked;
    const curInv = current.invalid / current.checked;
    if (curInv - prevInv > t.invalid_output_rate_increase) {
      found.push({ metric: 'invalid_output_rate', previous: prevInv, current: curInv });
    }
  }

  if (
    previous.successes >= t.min_calls &&
    current.successes >= t.min_calls &&
    previous.p95_latency_ms !== null &&
    current.p95_latency_ms !== null &&
    previous.p95_latency_ms > 0 &&
    current.p95_latency_ms > previous.p95_latency_ms * t.p95_latency_ratio
  ) {
    found.push({
      metric: 'p95_latency_ms',
      previous: previous.p95_latency_ms,
      current: current.p95_latency_ms,
    });
  }
  return found;
}
