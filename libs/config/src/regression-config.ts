/** The regression watch's thresholds an operator may override (ledger's RegressionThresholds). */
export interface RegressionThresholdSettings {
  min_calls: number;
  error_rate_increase: number;
  invalid_output_rate_increase: number;
  p95_latency_ratio: number;
  window_ms: number;
}

/** Environment variable for each regression threshold an operator may override. */
export const REGRESSION_THRESHOLD_ENV: Readonly<Record<keyof RegressionThresholdSettings, string>> =
  {
    min_calls: 'SWITCHYARD_REGRESSION_MIN_CALLS',
    error_rate_increase: 'SWITCHYARD_REGRESSION_ERROR_RATE_INCREASE',
    invalid_output_rate_increase: 'SWITCHYARD_REGRESSION_INVALID_OUTPUT_RATE_INCREASE',
    p95_latency_ratio: 'SWITCHYARD_REGRESSION_P95_LATENCY_RATIO',
    window_ms: 'SWITCHYARD_REGRESSION_WINDOW_MS',
  };

const DEFAULT_REGRESSION_INTERVAL_MS = 5 * 60_000;

export interface RegressionConfig {
  /** SWITCHYARD_REGRESSION_INTERVAL_MS: how often the router's regression watch runs */
  intervalMs: number;
  /** Only the thresholds that were set to a usable value */
  thresholds: Partial<RegressionThresholdSettings>;
  /** One line per variable that was set but unusable (it is ignored: the default applies) */
  problems: string[];
}

/**
 * The regression watch's settings from SWITCHYARD_REGRESSION_* variables. Every threshold must be
 * a positive number (min_calls and window_ms whole numbers); an unusable value is reported, not
 * applied, so a typo never stops the router. An unusable interval is the default.
 */
export function loadRegressionConfig(env: NodeJS.ProcessEnv = process.env): RegressionConfig {
  const thresholds: Partial<RegressionThresholdSettings> = {};
  const problems: string[] = [];
  for (const [key, name] of Object.entries(REGRESSION_THRESHOLD_ENV) as Array<
    [keyof RegressionThresholdSettings, string]
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
  const interval = Number(env.SWITCHYARD_REGRESSION_INTERVAL_MS);
  return {
    intervalMs:
      Number.isFinite(interval) && interval > 0 ? interval : DEFAULT_REGRESSION_INTERVAL_MS,
    thresholds,
    problems,
  };
}
