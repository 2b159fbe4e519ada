import type { IncomingMessage } from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import {
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  AlwaysOffSampler,
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { redisStatement } from './redis-statement';
import { planTelemetry, type TelemetryPlan, type TraceExportMode } from './telemetry-plan';
import { traceExportersFromEnv } from './trace-exporters';

export interface StartTelemetryOptions {
  /** Used unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) is set */
  serviceName: string;
  /** Replace env-configured exporting (tests, or a custom pipeline) */
  spanProcessors?: SpanProcessor[];
  /**
   * Instrumentation of http, undici, nestjs-core, ioredis and pg; default: whenever spans are
   * recorded (see TelemetryPlan.instrument)
   */
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

/**
 * The instrumentations startTelemetry registers (exported for inspection): the five libraries a
 * Switchyard process talks through, not the ~40 of auto-instrumentations-node. Every registered
 * instrumentation hooks module loading and wraps its library even when it records nothing; the
 * full set cost a quarter to a third of each process's CPU and ~40 MB of memory in `npm run bench`.
 * Left out on purpose: fs/dns/net (per-syscall noise), express (a span per middleware under
 * Nest's own), and openai (our GenAI span covers provider calls, and its content capture would
 * bypass SWITCHYARD_TRACE_CONTENT).
 */
export function switchyardInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: ignoreProbe,
      // Webhook URLs are the customer's, and often carry a token in the query string.
      redactedQueryParams: REDACTED_QUERY_PARAMS,
    }),
    // Provider SDKs call through the global fetch, i.e. undici.
    new UndiciInstrumentation(),
    new NestInstrumentation(),
    // BullMQ polls Redis constantly; only commands issued inside a traced operation are kept.
    // Their statements name the command and key only: script arguments carry prompts and output.
    new IORedisInstrumentation({ requireParentSpan: true, dbStatementSerializer: redisStatement }),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
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

  const instrumentations =
    options.instrumentations === false || !plan.instrument ? [] : switchyardInstrumentations();
  const shutdown =
    plan.metricsFromEnv || plan.logsFromEnv
      ? startFullSdk(plan, options, instrumentations)
      : startTracing(plan, options, env, instrumentations);

  let stopped: Promise<void> | undefined;
  active = { mode: plan.mode, shutdown: () => (stopped ??= shutdown()) };
  return active;
}

/**
 * Traces only (the usual case: prom-client serves the metrics): a tracer provider, the exporters
 * the environment names, and the instrumentations. This is what @opentelemetry/sdk-node would
 * build, without loading every exporter it ships (gRPC, protobuf, Zipkin, Prometheus, metrics,
 * logs): 43 MB of resident memory per process, measured.
 */
function startTracing(
  plan: TelemetryPlan,
  options: StartTelemetryOptions,
  env: NodeJS.ProcessEnv,
  instrumentations: Instrumentation[],
): () => Promise<void> {
  let spanProcessors: SpanProcessor[];
  if (plan.mode === 'custom') spanProcessors = options.spanProcessors ?? [];
  else if (plan.mode === 'env')
    spanProcessors = traceExportersFromEnv(env).map((e) => new BatchSpanProcessor(e));
  else spanProcessors = [new NoopSpanProcessor()];

  // Detected attributes (OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, host, process) win.
  const resource = resourceFromAttributes(
    plan.serviceName ? { 'service.name': plan.serviceName } : {},
  ).merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors,
    // Without one, the provider takes OTEL_TRACES_SAMPLER from the environment.
    ...(plan.recordSpans ? {} : { sampler: new AlwaysOffSampler() }),
  });
  // W3C trace-context propagation, as the SDK does; the AsyncLocalStorage context only when spans
  // are recorded. Its promise hooks run for every promise of the process, about 1.1 ms of CPU per
  // job in `npm run bench` (scenario e, split processes 7.8 -> 6.7 ms); without it a job's trace
  // travels as data (requestTraceCarrier, continuedTraceCarrier, traceIdOf).
  provider.register(plan.instrument ? {} : { contextManager: null });
  const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations });
  return async () => {
    await provider.shutdown();
    unregister();
  };
}

/** OTel metrics or logs asked for by OTEL_METRICS_EXPORTER / OTEL_LOGS_EXPORTER: the full SDK. */
function startFullSdk(
  plan: TelemetryPlan,
  options: StartTelemetryOptions,
  instrumentations: Instrumentation[],
): () => Promise<void> {
  // Loaded only here: see startTracing for what it costs.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeSDK } =
    require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let spanProcessors: SpanProcessor[] | undefined;
  if (plan.mode === 'custom') spanProcessors = options.spanProcessors;
  // A tracer provider needs at least one processor to be registered at all.
  else if (plan.mode === 'none') spanProcessors = [new NoopSpanProcessor()];
  const sdk = new NodeSDK({
    serviceName: plan.serviceName,
    spanProcessors,
    ...(plan.recordSpans ? {} : { sampler: new AlwaysOffSampler() }),
    ...(plan.metricsFromEnv ? {} : { metricReaders: [] }),
    ...(plan.logsFromEnv ? {} : { logRecordProcessors: [] }),
    instrumentations,
  });
  sdk.start();
  return () => sdk.shutdown();
}
