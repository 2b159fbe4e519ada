/**
 * What startTelemetry will do, decided from the environment alone so it can be tested without
 * starting an SDK. The OpenTelemetry SDK still reads the OTEL_* variables itself (endpoint,
 * protocol, headers, sampler...); this only decides what we must override.
 */
export type TraceExportMode =
  /** OTEL_SDK_DISABLED=true: nothing is started, no trace ids exist */
  | 'disabled'
  /**
   * Nothing to export to: trace ids exist and propagate (jobs, ledger rows and logs carry them),
   * but spans are not recorded unless OTEL_TRACES_SAMPLER asks for it
   */
  | 'none'
  /** The SDK builds exporters from OTEL_TRACES_EXPORTER / OTEL_EXPORTER_OTLP_* */
  | 'env'
  /** The caller passed its own span processors */
  | 'custom';

export interface TelemetryPlan {
  mode: TraceExportMode;
  /** Passed to the SDK only when neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES names one */
  serviceName?: string;
  /**
   * Leave OTel metrics to OTEL_METRICS_EXPORTER; unset or `none` means none (prom-client serves
   * /metrics)
   */
  metricsFromEnv: boolean;
  /** Leave OTel logs to OTEL_LOGS_EXPORTER; unset or `none` means none */
  logsFromEnv: boolean;
  /**
   * False when spans would go nowhere: an always-off sampler then still hands out and propagates
   * trace ids but skips building, timing and attributing every span (a measurable share of each
   * process's CPU in `npm run bench`). An explicit OTEL_TRACES_SAMPLER wins.
   */
  recordSpans: boolean;
  /**
   * Register the library instrumentations (http, undici, Nest, ioredis, pg). Only when spans are
   * recorded: an instrumentation that records nothing still wraps every request, Redis command and
   * query, and in `npm run bench` that cost about a quarter of the split processes' CPU per job
   * (8.7 → 6.5 ms in scenario e with OpenTelemetry off altogether). Without them trace ids still
   * exist and travel: the ingress continues or starts a request's trace itself
   * (runInRequestTrace) and every queue hop carries it in the job.
   */
  instrument: boolean;
}

function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * An exporter list naming something other than `none`. `none` asks for nothing, so it must not
 * load the full SDK for it: that costs every process about 10 MB of resident memory.
 */
function exportsSomething(env: NodeJS.ProcessEnv, name: string): boolean {
  const list = set(env, name)
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return !!list && list.some((e) => e !== 'none');
}

export function planTelemetry(
  env: NodeJS.ProcessEnv,
  options: { serviceName: string; customProcessors?: boolean },
): TelemetryPlan {
  const metricsFromEnv = exportsSomething(env, 'OTEL_METRICS_EXPORTER');
  const logsFromEnv = exportsSomething(env, 'OTEL_LOGS_EXPORTER');
  const namedByEnv =
    set(env, 'OTEL_SERVICE_NAME') !== undefined ||
    /(^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  const serviceName = namedByEnv ? undefined : options.serviceName;

  if (set(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') {
    return {
      mode: 'disabled',
      metricsFromEnv: false,
      logsFromEnv: false,
      recordSpans: false,
      instrument: false,
    };
  }
  if (options.customProcessors) {
    return {
      mode: 'custom',
      serviceName,
      metricsFromEnv,
      logsFromEnv,
      recordSpans: true,
      instrument: true,
    };
  }

  const exporters = set(env, 'OTEL_TRACES_EXPORTER')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const endpoint =
    set(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? set(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');

  let mode: TraceExportMode;
  if (exporters && exporters.length > 0) {
    // "none" alone would make the SDK skip the tracer provider and with it every trace id the
    // API hands out, so it is treated as "record, export nowhere".
    mode = exporters.every((e) => e === 'none') ? 'none' : 'env';
  } else {
    // The SDK's default exporter is OTLP to localhost:4318, which would log export errors on
    // every machine without a collector: only use it when an endpoint was configured.
    mode = endpoint ? 'env' : 'none';
  }
  const recordSpans = mode === 'env' || set(env, 'OTEL_TRACES_SAMPLER') !== undefined;
  return { mode, serviceName, metricsFromEnv, logsFromEnv, recordSpans, instrument: recordSpans };
}
