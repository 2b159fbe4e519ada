import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { traceExportersFromEnv } from './trace-exporters';

describe('traceExportersFromEnv', () => {
  const built: SpanExporter[] = [];
  const build = (env: NodeJS.ProcessEnv) => {
    const exporters = traceExportersFromEnv(env);
    built.push(...exporters);
    return exporters;
  };
  afterAll(async () => {
    await Promise.all(built.map((e) => e.shutdown()));
  });

  it('exports OTLP over http/protobuf when nothing more is said', () => {
    const [exporter, ...rest] = build({});
    expect(exporter).toBeInstanceOf(ProtobufExporter);
    expect(rest).toEqual([]);
  });

  it('follows the OTLP protocol variables, the traces-specific one first', () => {
    expect(build({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })[0]).toBeInstanceOf(JsonExporter);
    expect(build({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })[0]).toBeInstanceOf(GrpcExporter);
    expect(
      build({
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      })[0],
    ).toBeInstanceOf(JsonExporter);
  });

  it('builds every exporter OTEL_TRACES_EXPORTER lists, and none for "none"', () => {
    const exporters = build({ OTEL_TRACES_EXPORTER: 'console, otlp' });
    expect(exporters[0]).toBeInstanceOf(ConsoleSpanExporter);
    expect(exporters[1]).toBeInstanceOf(ProtobufExporter);
    expect(build({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
  });

  it('refuses what it cannot honour, naming the variable', () => {
    expect(() => build({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER: "zipkin"/,
    );
    expect(() => build({ OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: "carrier-pigeon"/,
    );
  });
});
