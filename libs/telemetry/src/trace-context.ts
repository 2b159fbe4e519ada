import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { switchyardTracer } from './with-span';

/** What travels with a job between processes (W3C `traceparent`, plus `tracestate` when set). */
export type TraceCarrier = Record<string, string>;

/** The active trace context as headers, to store on a queued job. Empty when nothing is traced. */
export function injectTraceContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/**
 * A context whose parent is the span described by the carrier. Extracted onto the root context,
 * not the active one, so a job never inherits whatever the consuming process happened to be doing.
 */
export function extractContext(carrier: TraceCarrier | null | undefined): Context {
  if (!carrier) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Runs fn as a continuation of the trace in the carrier (a queue hop's consumer side). */
export function runInExtractedContext<T>(carrier: TraceCarrier | null | undefined, fn: () => T): T {
  return context.with(extractContext(carrier), fn);
}

/** The active trace id (32 hex chars), or undefined when there is no valid span context. */
export function currentTraceId(ctx: Context = context.active()): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** Incoming HTTP headers, as node:http hands them over. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/**
 * Runs fn as the server side of an HTTP request's trace: the caller's `traceparent` continued, or
 * a new trace. The HTTP instrumentation does this when it is registered (spans are recorded); when
 * it is not (nothing exports spans, see TelemetryPlan.instrument) this keeps every job's trace id
 * and its link to the caller's trace. A no-op under an active span, i.e. when the instrumentation
 * already made one. `onSpan` receives the span so the caller can end it with the response.
 */
export function runInRequestTrace<T>(
  headers: RequestHeaders,
  name: string,
  fn: () => T,
  onSpan?: (span: Span) => void,
): T {
  if (trace.getSpan(context.active())) return fn();
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = switchyardTracer().startSpan(name, { kind: SpanKind.SERVER }, parent);
  onSpan?.(span);
  return context.with(trace.setSpan(parent, span), fn);
}
