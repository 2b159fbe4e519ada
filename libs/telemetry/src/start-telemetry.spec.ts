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

  it('keeps trace ids without an exporter configured', async () => {
    const lib = freshLibrary();
    const handle = lib.startTelemetry({ serviceName: 'switchyard-test', instrumentations: false });
    expect(handle.mode).toBe('none');
    let traceId: string | undefined;
    let carrier: Record<string, string> = {};
    await lib.withSpan('switchyard.submit', {}, async () => {
      traceId = lib.currentTraceId();
      carrier = lib.injectTraceContext();
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
    expect(carrier.traceparent).toContain(traceId);
    // Same handle on a second call: the SDK must not start twice.
    expect(lib.startTelemetry({ serviceName: 'again' })).toBe(handle);
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
