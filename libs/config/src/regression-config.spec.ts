import { loadRegressionConfig } from './regression-config';

describe('loadRegressionConfig', () => {
  it('reads nothing from an empty environment', () => {
    expect(loadRegressionConfig({})).toEqual({ intervalMs: 300_000, thresholds: {}, problems: [] });
  });

  it('reads every knob that is set', () => {
    expect(
      loadRegressionConfig({
        SWITCHYARD_REGRESSION_MIN_CALLS: '5',
        SWITCHYARD_REGRESSION_ERROR_RATE_INCREASE: '0.05',
        SWITCHYARD_REGRESSION_INVALID_OUTPUT_RATE_INCREASE: '0.2',
        SWITCHYARD_REGRESSION_P95_LATENCY_RATIO: '3',
        SWITCHYARD_REGRESSION_WINDOW_MS: '3600000',
      }).thresholds,
    ).toEqual({
      min_calls: 5,
      error_rate_increase: 0.05,
      invalid_output_rate_increase: 0.2,
      p95_latency_ratio: 3,
      window_ms: 3600000,
    });
  });

  it('ignores and reports unusable values', () => {
    const { thresholds, problems } = loadRegressionConfig({
      SWITCHYARD_REGRESSION_MIN_CALLS: '2.5',
      SWITCHYARD_REGRESSION_P95_LATENCY_RATIO: 'fast',
      SWITCHYARD_REGRESSION_ERROR_RATE_INCREASE: '-1',
      SWITCHYARD_REGRESSION_WINDOW_MS: ' ',
    });
    expect(thresholds).toEqual({});
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^SWITCHYARD_REGRESSION_MIN_CALLS="2.5" ignored/);
  });

  it('reads the interval, and takes the default for an unusable one', () => {
    expect(loadRegressionConfig({ SWITCHYARD_REGRESSION_INTERVAL_MS: '60000' }).intervalMs).toBe(
      60_000,
    );
    for (const raw of ['', 'soon', '0', '-5']) {
      expect(loadRegressionConfig({ SWITCHYARD_REGRESSION_INTERVAL_MS: raw }).intervalMs).toBe(
        300_000,
      );
    }
  });
});
