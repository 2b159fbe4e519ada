import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The OTLP trace exporter for a protocol, loaded on first use: each pulls its own transport
 * (protobufjs, @grpc/grpc-js), and a process loads only the one its environment names. Each reads
 * its endpoint, headers, compression and timeout from the standard OTEL_EXPORTER_OTLP_* variables.
 */
const OTLP_EXPORTERS: Record<string, () => SpanExporter> = {
  'http/protobuf': () =>
    new (
      require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')
    ).OTLPTraceExporter(),
  'http/json': () =>
    new (
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')
    ).OTLPTraceExporter(),
  grpc: () =>
    new (
      require('@opentelemetry/exporter-trace-otlp-grpc') as typeof import('@opentelemetry/exporter-trace-otlp-grpc')
    ).OTLPTraceExporter(),
};
/* eslint-enable @typescript-eslint/no-require-imports */

function set(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * The span exporters OTEL_TRACES_EXPORTER names (default `otlp`), as the SDK specification reads
 * it: `otlp` over OTEL_EXPORTER_OTLP_TRACES_PROTOCOL / OTEL_EXPORTER_OTLP_PROTOCOL (default
 * http/protobuf), `console`, `none`. Anything else is refused loudly rather than ignored.
 */
export function traceExportersFromEnv(env: NodeJS.ProcessEnv): SpanExporter[] {
  const names = (set(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const exporters: SpanExporter[] = [];
  for (const name of new Set(names)) {
    if (name === 'none') continue;
    if (name === 'console') {
      exporters.push(new ConsoleSpanExporter());
      continue;
    }
    if (name !== 'otlp') {
      throw new Error(
        `OTEL_TRACES_EXPORTER: "${name}" is not supported here (use otlp, console or none)`,
      );
    }
    const protocol =
      set(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ??
      set(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ??
      'http/protobuf';
    const build = OTLP_EXPORTERS[protocol];
    if (!build) {
      throw new Error(
        `OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not one of ${Object.keys(OTLP_EXPORTERS).join(', ')}`,
      );
    }
    exporters.push(build());
  }
  return exporters;
}
