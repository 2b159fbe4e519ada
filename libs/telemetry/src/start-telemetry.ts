import type { IncomingMessage } from 'node:http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redisStatement } from './redis-statement';
import { planTelemetry, type TraceExportMode } from './telemetry-plan';

export interface StartTelemetryOptions {
  /** Used unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) is set */
  serviceName: string;
  /** Replace env-configured exporting (tests, or a custom pipeline) */
  spanProcessors?: SpanProcessor[];
  /** Auto-instrumentation of http, express, nestjs-core, ioredis, pg, undici...; default true */
  instrumentations?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface TelemetryHandle {
  readonly mode: TraceExportMode;
  /** Exports what is buffered and stops; call on SIGTERM after the app has closed. */
  shutdown(): Promise<void>;
}

/** Probe and scrape endpoints would otherwise start a trace every few seconds. */
const UNTRACED_PATHS = /^\/(metrics|health|healthz|ready|readyz|live|livez)(\/|\?|$)/;

function ignoreProbe(request: IncomingMessage): boolean {
  return UNTRACED_PATHS.test(request.url ?? '');
}

/** The instrumentation's own defaults (signed-URL parameters) plus the usual token names. */
const REDACTED_QUERY_PARAMS = [
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'token',
  'access_token',
  'api_key',
  'apikey',
  'key',
  'secret',
  'signature',
  'auth',
  'code',
];

/** The auto-instrumentations startTelemetry registers (exported for inspection). */
export function switchyardInstrumentations(): ReturnType<typeof getNodeAutoInstrumentations> {
  return getNodeAutoInstrumentations({
    // Per-syscall spans: noise that drowns the job's own spans.
    '@opentelemetry/instrumentation-fs': { enabled: false },
    '@opentelemetry/instrumentation-dns': { enabled: false },
    '@opentelemetry/instrumentation-net': { enabled: false },
    // Our GenAI span already covers provider calls; this one would duplicate it and has its own
    // content-capture switch that could bypass SWITCHYARD_TRACE_CONTENT.
    '@opentelemetry/instrumentation-openai': { enabled: false },
    '@opentelemetry/instrumentation-http': {
      enabled: true,
      ignoreIncomingRequestHook: ignoreProbe,
      // Webhook URLs are the customer's, and often carry a token in the query string.
      redactedQueryParams: REDACTED_QUERY_PARAMS,
    },
    '@opentelemetry/instrumentation-nestjs-core': { enabled: true },
    // BullMQ polls Redis constantly; only commands issued inside a traced operation are kept.
    // Their statements name the command and key only: script arguments carry prompts and output.
    '@opentelemetry/instrumentation-ioredis': {
      enabled: true,
      requireParentSpan: true,
      dbStatementSerializer: redisStatement,
    },
    '@opentelemetry/instrumentation-pg': { enabled: true, requireParentSpan: true },
  });
}

let active: TelemetryHandle | undefined;

/**
 * Starts OpenTelemetry for this process. Call it before anything that should be instrumented
 * (Nest, ioredis, pg) is imported: put the call in a file of its own that main.ts imports first.
 * A second call returns the first handle.
 */
export function startTelemetry(options: StartTelemetryOptions): TelemetryHandle {
  if (active) return active;
  const env = options.env ?? process.env;
  const plan = planTelemetry(env, {
    serviceName: options.serviceName,
    customProcessors: options.spanProcessors !== undefined,
  });
  if (plan.mode === 'disabled') {
    active = { mode: 'disabled', shutdown: async () => undefined };
    return active;
  }

  let spanProcessors: SpanProcessor[] | undefined;
  if (plan.mode === 'custom') spanProcessors = options.spanProcessors;
  // A tracer provider needs at least one processor to be registered at all.
  else if (plan.mode === 'none') spanProcessors = [new NoopSpanProcessor()];

  const sdk = new NodeSDK({
    serviceName: plan.serviceName,
    spanProcessors,
    ...(plan.metricsFromEnv ? {} : { metricReaders: [] }),
    ...(plan.logsFromEnv ? {} : { logRecordProcessors: [] }),
    instrumentations: options.instrumentations === false ? [] : switchyardInstrumentations(),
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  active = {
    mode: plan.mode,
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
  return active;
}
