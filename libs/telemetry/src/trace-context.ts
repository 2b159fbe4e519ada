import { randomBytes } from 'node:crypto';
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
} from '@opentelemetry/api';

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
 * The trace an HTTP request's work belongs to, as a carrier to store on its job: the active span's
 * when the HTTP instrumentation made one (spans are recorded), else a new span of the caller's
 * `traceparent`, else a new trace. Without a recording span there is no active context to read it
 * from later (see TelemetryPlan.instrument), so the ingress takes it once per request and hands it
 * on as data. Empty when OpenTelemetry is disabled: the global propagator then writes nothing.
 */
export function requestTraceCarrier(headers: RequestHeaders): TraceCarrier {
  const active = trace.getSpanContext(context.active());
  if (active && isSpanContextValid(active)) return injectTraceContext();
  return injectTraceContext(childOf(propagation.extract(ROOT_CONTEXT, headers)));
}

/**
 * The carrier for the next hop of work that arrived with `carried`: the active span's when one is
 * recorded (the next hop then shows this one as its parent), else `carried` itself; a new trace
 * when there is neither (a job submitted by no request, such as an evaluation's).
 */
export function continuedTraceCarrier(carried: TraceCarrier | null | undefined): TraceCarrier {
  const active = trace.getSpanContext(context.active());
  if (active && isSpanContextValid(active)) return injectTraceContext();
  if (carried && traceIdOf(carried)) return carried;
  return injectTraceContext(childOf(ROOT_CONTEXT));
}

/** The trace id a carrier names, or undefined when it names none. */
export function traceIdOf(carrier: TraceCarrier | null | undefined): string | undefined {
  if (!carrier?.traceparent) return undefined;
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, carrier));
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** A context holding a new span id under `parent`'s trace, or under a new trace id. */
function childOf(parent: Context): Context {
  const remote = trace.getSpanContext(parent);
  const valid = remote !== undefined && isSpanContextValid(remote);
  const ids = randomBytes(24).toString('hex');
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: valid ? remote.traceId : ids.slice(16),
    spanId: ids.slice(0, 16),
    // Not sampled unless the caller sampled it: nothing here records a span.
    traceFlags: valid ? remote.traceFlags : TraceFlags.NONE,
    ...(valid && remote.traceState && { traceState: remote.traceState }),
  });
}
