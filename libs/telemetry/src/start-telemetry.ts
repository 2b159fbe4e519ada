import type { IncomingMessage } from 'node:http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import {
  AlwaysOffSampler,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { redisStatement } from './redis-statement';
import { planTelemetry, type TraceExportMode } from './telemetry-plan';

export interface StartTelemetryOptions {
  /** Used unless OTEL_SERVICE_NAME (or service.name in OTEL_RESOURCE_ATTRIBUTES) is set */
  serviceName: string;
  /** Replace env-configured exporting (tests, or a custom pipeline) */
  spanProcessors?: SpanProcessor[];
  /** Instrumentation of http, undici, nestjs-core, ioredis and pg; default true */
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
