import {
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

export const TRACER_NAME = 'switchyard';

export function switchyardTracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/**
 * error.type for a failure: a ProviderError-like `type` when there is one, else the error's class
 * name. Deliberately not the message: provider messages can echo request content or key fragments.
 */
export function errorTypeOf(err: unknown): string {
  const e = err as { type?: unknown; name?: unknown } | null;
  if (e && typeof e.type === 'string' && e.type) return e.type;
  if (e && typeof e.name === 'string' && e.name && e.name !== 'Error') return e.name;
  return '_OTHER';
}

export function markSpanFailed(span: Span, err: unknown): void {
  const type = errorTypeOf(err);
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs fn inside a new active span (for queue hops such as `switchyard.route` or
 * `webhook.deliver`), ends it when fn settles, and marks it failed when fn throws or rejects.
 */
export function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => T,
  kind: SpanKind = SpanKind.INTERNAL,
): T {
  return switchyardTracer().startActiveSpan(name, { kind, attributes }, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (err) {
      markSpanFailed(span, err);
      span.end();
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          markSpanFailed(span, err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return result;
  });
}
