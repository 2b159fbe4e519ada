import { context, propagation, trace } from '@opentelemetry/api';

type StartModule = typeof import('./start-telemetry');
type TelemetryApi = typeof import('./index');

const OTEL_VARS = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
];

/** A fresh copy of the library, so each case starts the SDK as a new process would. */
function freshLibrary(): TelemetryApi & StartModule {
  let lib: TelemetryApi | undefined;
  jest.isolateModules(() => {
    lib = jest.requireActual<TelemetryApi>('./index');
  });
  if (!lib) throw new Error('could not load the telemetry library');
  return lib;
}

describe('startTelemetry', () => {
  const saved: Record<string, string | undefined> = {};

  beforeEach(() => {
    for (const name of OTEL_VARS) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });

  afterEach(() => {
    for (const name of OTEL_VARS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    // The API's globals outlive the SDK; clear them for the next case.
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('is a no-op under OTEL_SDK_DISABLED=true', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const lib = freshLibrary();
    const handle = lib.startTelemetry({ serviceName: 'switchyard-test', instrumentations: false });
    expect(handle.mode).toBe('disabled');
    lib.withSpan('x', {}, () => expect(lib.currentTraceId()).toBeUndefined());
    await handle.shutdown();
  });

  it('keeps trace ids without an exporter configured, as data instead of an active context', async () => {
    const lib = freshLibrary();
    const handle = lib.startTelemetry({ serviceName: 'switchyard-test' });
    expect(handle.mode).toBe('none');
    // A request with no traceparent starts a trace; one with a traceparent continues it.
    const fresh = lib.requestTraceCarrier({});
    const traceId = lib.traceIdOf(fresh);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    const caller = '4bf92f3577b34da6a3ce929d0e0e4736';
    const continued = lib.requestTraceCarrier({ traceparent: `00-${caller}-00f067aa0ba902b7-01` });
    expect(lib.traceIdOf(continued)).toBe(caller);
    expect(continued.traceparent).not.toContain('00f067aa0ba902b7');
    // Later hops hand the carrier on unchanged: no span is recorded to become their parent.
    expect(lib.continuedTraceCarrier(continued)).toEqual(continued);
    // No AsyncLocalStorage context (its promise hooks would tax every promise): spans do not
    // become active, so nothing may rely on reading the trace from the context here.
    lib.withSpan('x', {}, () => expect(lib.currentTraceId()).toBeUndefined());
    // Same handle on a second call: the SDK must not start twice.
    expect(lib.startTelemetry({ serviceName: 'again' })).toBe(handle);
    await handle.shutdown();
  });

  it('writes no trace ids anywhere under OTEL_SDK_DISABLED=true', async () => {
    process.env.OTEL_SDK_DISABLED = 'true';
    const lib = freshLibrary();
    const handle = lib.startTelemetry({ serviceName: 'switchyard-test' });
    expect(lib.requestTraceCarrier({})).toEqual({});
    expect(lib.traceIdOf(lib.continuedTraceCarrier(undefined))).toBeUndefined();
    await handle.shutdown();
  });

  it('uses the given service name when the environment names none', async () => {
    const lib = freshLibrary();
    const { InMemorySpanExporter, SimpleSpanProcessor } = jest.requireActual<
      typeof import('@opentelemetry/sdk-trace-base')
    >('@opentelemetry/sdk-trace-base');
    const exporter = new InMemorySpanExporter();
    const handle = lib.startTelemetry({
      serviceName: 'switchyard-worker',
      instrumentations: false,
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    expect(handle.mode).toBe('custom');
    lib.withSpan('switchyard.work', {}, () => undefined);
    // Resource detection is asynchronous; the processor exports once it has settled.
    const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
    const delegate = provider.getDelegate?.() as { forceFlush?: () => Promise<void> } | undefined;
    await delegate?.forceFlush?.();
    const span = exporter.getFinishedSpans().find((s) => s.name === 'switchyard.work');
    expect(span?.resource.attributes['service.name']).toBe('switchyard-worker');
    await handle.shutdown();
  });
});

describe('switchyardInstrumentations', () => {
  it('enables http, undici, nestjs-core, ioredis and pg, and leaves the rest out', () => {
    const lib = freshLibrary();
    const list = lib.switchyardInstrumentations();
    try {
      const names = list.map((i) => i.instrumentationName);
      expect([...names].sort()).toEqual(
        ['http', 'ioredis', 'nestjs-core', 'pg', 'undici'].map(
          (name) => `@opentelemetry/instrumentation-${name}`,
        ),
      );
      // Redis statements must not carry script arguments (job records, prompts, output).
      const ioredis = list.find((i) => i.instrumentationName.endsWith('instrumentation-ioredis'));
      const config = ioredis?.getConfig() as {
        dbStatementSerializer?: (cmd: string, args: unknown[]) => string;
      };
      expect(config.dbStatementSerializer?.('evalsha', ['abc', 1, 'job:1', 'the prompt'])).toBe(
        'evalsha abc 1 job:1 [1 other arguments]',
      );
    } finally {
      // Constructing them patched module loading; undo it for the rest of this jest process.
      for (const instrumentation of list) instrumentation.disable();
    }
  });
});
