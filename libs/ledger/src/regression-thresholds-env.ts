import type { RegressionThresholds } from './regression.types';

/** Environment variable for each regression threshold an operator may override. */
export const REGRESSION_THRESHOLD_ENV: Readonly<Record<keyof RegressionThresholds, string>> = {
  min_calls: 'SWITCHYARD_REGRESSION_MIN_CALLS',
  error_rate_increase: 'SWITCHYARD_REGRESSION_ERROR_RATE_INCREASE',
  invalid_output_rate_increase: 'SWITCHYARD_REGRESSION_INVALID_OUTPUT_RATE_INCREASE',
  p95_latency_ratio: 'SWITCHYARD_REGRESSION_P95_LATENCY_RATIO',
  window_ms: 'SWITCHYARD_REGRESSION_WINDOW_MS',
};

export interface RegressionThresholdsFromEnv {
  /** Only the thresholds that were set to a usable value */
  thresholds: Partial<RegressionThresholds>;
  /** One line per variable that was set but unusable (it is ignored: the default applies) */
  problems: string[];
}

/**
 * Regression thresholds from SWITCHYARD_REGRESSION_* variables. Every value must be a positive
 * number (min_calls and window_ms whole numbers); an unusable value is reported, not applied.
 */
export function regressionThresholdsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): RegressionThresholdsFromEnv {
  const thresholds: Partial<RegressionThresholds> = {};
  const problems: string[] = [];
  for (const [key, name] of Object.entries(REGRESSION_THRESHOLD_ENV) as Array<
    [keyof RegressionThresholds, string]
  >) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const value = Number(raw);
    const whole = key === 'min_calls' || key === 'window_ms';
    if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
      problems.push(
        `${name}=${JSON.stringify(raw)} ignored: expected a positive ${whole ? 'integer' : 'number'}`,
      );
      continue;
    }
    thresholds[key] = value;
  }
  return { thresholds, problems };
}
