import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { startTestTracing, type TestTracing } from './test-tracing';
import {
  continuedTraceCarrier,
  currentTraceId,
  extractContext,
  injectTraceContext,
  requestTraceCarrier,
  traceIdOf,
  runInExtractedContext,
  type TraceCarrier,
} from './trace-context';
import { withSpan } from './with-span';

/** A different "process": no active context, a later turn of the event loop. */
function laterOnAnotherHop<T>(fn: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) =>
    setImmediate(() => context.with(ROOT_CONTEXT, () => fn().then(resolve, reject))),
  );
}

describe('trace context across queue hops', () => {
  let tracing: TestTracing;

  beforeAll(() => {
    tracing = startTestTracing();
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await tracing.shutdown();
  });

  it('continues the trace on the consumer side with the right parent', async () => {
    let carrier: TraceCarrier = {};
    let submitTraceId: string | undefined;
    await withSpan('switchyard.submit', { 'switchyard.job_id': 'j1' }, async () => {
      carrier = injectTraceContext();
      submitTraceId = currentTraceId();
    });
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    let routeTraceId: string | undefined;
    await laterOnAnotherHop(async () => {
      expect(currentTraceId()).toBeUndefined();
      await runInExtractedContext(carrier, () =>
        withSpan('switchyard.route', {}, async () => {
          routeTraceId = currentTraceId();
        }),
      );
    });

    const [submit, route] = ['switchyard.submit', 'switchyard.route'].map((name) =>
      tracing.spans().find((s) => s.name === name),
    );
    expect(submit).toBeDefined();
    expect(route).toBeDefined();
    expect(route?.spanContext().traceId).toBe(submit?.spanContext().traceId);
    expect(route?.parentSpanContext?.spanId).toBe(submit?.spanContext().spanId);
    expect(route?.parentSpanContext?.isRemote).toBe(true);
    expect(routeTraceId).toBe(submitTraceId);
    expect(submitTraceId).toBe(submit?.spanContext().traceId);
  });

  it('chains three hops into one trace', async () => {
    let first: TraceCarrier = {};
    await withSpan('switchyard.submit', {}, async () => {
      first = injectTraceContext();
    });
    let second: TraceCarrier = {};
    await laterOnAnotherHop(() =>
      runInExtractedContext(first, () =>
        withSpan('switchyard.route', {}, async () => {
          second = injectTraceContext();
        }),
      ),
    );
    await laterOnAnotherHop(() =>
      runInExtractedContext(second, () =>
        withSpan('switchyard.work', {}, async () => undefined, SpanKind.CONSUMER),
      ),
    );
    const spans = tracing.spans();
    const byName = new Map(spans.map((s) => [s.name, s]));
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(byName.get('switchyard.work')?.parentSpanContext?.spanId).toBe(
      byName.get('switchyard.route')?.spanContext().spanId,
    );
    expect(byName.get('switchyard.work')?.kind).toBe(SpanKind.CONSUMER);
  });

  it('injects nothing and reports no trace id outside a span', () => {
    expect(injectTraceContext()).toEqual({});
    expect(currentTraceId()).toBeUndefined();
  });

  it('starts a fresh trace from a missing or garbled carrier', async () => {
    const carriers: Array<TraceCarrier | undefined> = [undefined, {}, { traceparent: 'garbage' }];
    for (const carrier of carriers) {
      expect(currentTraceId(extractContext(carrier))).toBeUndefined();
      await runInExtractedContext(carrier, () => withSpan('orphan', {}, async () => undefined));
    }
    const orphans = tracing.spans();
    expect(orphans).toHaveLength(3);
    expect(orphans.every((s) => s.parentSpanContext === undefined)).toBe(true);
  });
});

describe('withSpan', () => {
  let tracing: TestTracing;

  beforeAll(() => {
    tracing = startTestTracing();
  });
  afterEach(() => tracing.reset());
  afterAll(async () => {
    await tracing.shutdown();
  });

  it('returns the value of a synchronous function and ends the span', () => {
    expect(withSpan('sync', { a: 1 }, () => 42)).toBe(42);
    const [span] = tracing.spans();
    expect(span.name).toBe('sync');
    expect(span.attributes.a).toBe(1);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a rejected promise as an error with error.type, not the message', async () => {
    const err = Object.assign(new Error('secret-ish details'), { type: 'timeout' });
    await expect(withSpan('webhook.deliver', {}, async () => Promise.reject(err))).rejects.toBe(
      err,
    );
    const [span] = tracing.spans();
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'timeout' });
    expect(span.attributes['error.type']).toBe('timeout');
    expect(JSON.stringify(span.attributes)).not.toContain('secret-ish');
  });

  it('marks a thrown error', () => {
    expect(() =>
      withSpan('boom', {}, () => {
        throw new TypeError('x');
      }),
    ).toThrow(TypeError);
    expect(tracing.spans()[0].attributes['error.type']).toBe('TypeError');
  });

  it("takes the recorded span as the next hop's parent when one is active", async () => {
    const carried: TraceCarrier = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    };
    await runInExtractedContext(carried, () =>
      withSpan('switchyard.route', {}, async () => {
        const next = continuedTraceCarrier(carried);
        expect(traceIdOf(next)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
        // The route span, not the carried one, is the parent of the next hop.
        expect(next.traceparent).not.toContain('00f067aa0ba902b7');
        expect(requestTraceCarrier({})).toEqual(next);
      }),
    );
    const route = tracing.spans().find((s) => s.name === 'switchyard.route');
    expect(route?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('reads no trace id from a carrier without a valid traceparent', () => {
    expect(traceIdOf(undefined)).toBeUndefined();
    expect(traceIdOf({})).toBeUndefined();
    expect(traceIdOf({ traceparent: 'garbage' })).toBeUndefined();
  });
});
