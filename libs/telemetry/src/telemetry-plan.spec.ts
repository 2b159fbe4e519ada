import { planTelemetry } from './telemetry-plan';

const opts = { serviceName: 'switchyard-worker' };

describe('planTelemetry', () => {
  it('keeps trace ids but records no spans when nothing is configured', () => {
    expect(planTelemetry({}, opts)).toEqual({
      mode: 'none',
      serviceName: 'switchyard-worker',
      metricsFromEnv: false,
      logsFromEnv: false,
      recordSpans: false,
      instrument: false,
    });
  });

  it('instruments the libraries exactly when spans are recorded', () => {
    expect(planTelemetry({}, opts).instrument).toBe(false);
    expect(planTelemetry({ OTEL_TRACES_EXPORTER: 'none' }, opts).instrument).toBe(false);
    expect(planTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, opts).instrument).toBe(
      true,
    );
    expect(planTelemetry({ OTEL_TRACES_SAMPLER: 'always_on' }, opts).instrument).toBe(true);
    expect(planTelemetry({}, { ...opts, customProcessors: true }).instrument).toBe(true);
    expect(planTelemetry({ OTEL_SDK_DISABLED: 'true' }, opts).instrument).toBe(false);
  });

  it('records spans whenever they can go somewhere, or a sampler is named', () => {
    expect(planTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, opts).recordSpans).toBe(
      true,
    );
    expect(planTelemetry({}, { ...opts, customProcessors: true }).recordSpans).toBe(true);
    expect(planTelemetry({ OTEL_TRACES_SAMPLER: 'always_on' }, opts).recordSpans).toBe(true);
  });

  it('lets the SDK export over OTLP once an endpoint is set', () => {
    expect(planTelemetry({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, opts).mode).toBe(
      'env',
    );
    expect(
      planTelemetry({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }, opts).mode,
    ).toBe('env');
  });

  it('follows an explicit OTEL_TRACES_EXPORTER, keeping trace ids for "none"', () => {
    expect(planTelemetry({ OTEL_TRACES_EXPORTER: 'console' }, opts).mode).toBe('env');
    expect(planTelemetry({ OTEL_TRACES_EXPORTER: 'otlp' }, opts).mode).toBe('env');
    expect(
      planTelemetry({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' }, opts)
        .mode,
    ).toBe('none');
  });

  it('is disabled by OTEL_SDK_DISABLED=true', () => {
    expect(planTelemetry({ OTEL_SDK_DISABLED: 'true' }, opts).mode).toBe('disabled');
    expect(planTelemetry({ OTEL_SDK_DISABLED: 'false' }, opts).mode).toBe('none');
  });

  it('lets OTEL_SERVICE_NAME or a service.name resource attribute win', () => {
    expect(planTelemetry({ OTEL_SERVICE_NAME: 'from-env' }, opts).serviceName).toBeUndefined();
    expect(
      planTelemetry({ OTEL_RESOURCE_ATTRIBUTES: 'team=x,service.name=from-attrs' }, opts)
        .serviceName,
    ).toBeUndefined();
    expect(planTelemetry({ OTEL_RESOURCE_ATTRIBUTES: 'team=x' }, opts).serviceName).toBe(
      'switchyard-worker',
    );
  });

  it('uses custom processors when given', () => {
    expect(planTelemetry({}, { ...opts, customProcessors: true }).mode).toBe('custom');
  });

  it('leaves OTel metrics and logs to the SDK only when asked for', () => {
    const plan = planTelemetry(
      { OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'console' },
      opts,
    );
    expect(plan.metricsFromEnv).toBe(true);
    expect(plan.logsFromEnv).toBe(true);
  });

  it('takes an exporter list of none as nothing asked for (no full SDK loaded for it)', () => {
    const plan = planTelemetry(
      { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: ' none ' },
      opts,
    );
    expect(plan.metricsFromEnv).toBe(false);
    expect(plan.logsFromEnv).toBe(false);
    expect(planTelemetry({ OTEL_LOGS_EXPORTER: 'none,otlp' }, opts).logsFromEnv).toBe(true);
  });
});
